/**
 * The CLI follows the conventions of git, cargo and npm (issue 17): -h/--help on every command
 * and `lrdkit help CMD` print the command's help (purpose, usage, one option per line,
 * examples); "did you mean" for mistyped commands and options; a missing argument points to
 * --help; `reproduce recsys --help` shows only recsys. In process through the dispatcher (the
 * same code as the bin), plus the bin itself for the exit statuses.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.js';
import { COMMANDS, COMMAND_NAMES, dispatch } from '../../src/cli/commands.js';
import { REPRODUCE_COPY_TASK_HELP } from '../../src/cli/reproduce.js';
import { REPRODUCE_RECSYS_HELP } from '../../src/cli/reproduceRecsys.js';
import { REPRODUCE_VIDEO_HELP } from '../../src/cli/reproduceVideo.js';
import { closestName, editDistance } from '../../src/cli/suggest.js';
import { runLrdkit } from '../support/runNode.js';

async function say(...argv: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const code = await dispatch(argv, '0.0.0-test', (t) => (text += t));
  return { code, text };
}

async function usageError(...argv: string[]): Promise<string> {
  try {
    await dispatch(argv, '0.0.0-test', () => undefined);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error(`lrdkit ${argv.join(' ')}: expected a usage error, found none`);
}

/** Every help: one-line purpose, Usage, Options (each option of the spec at a line start), 2-3 examples. */
function expectConventionalHelp(help: string, command: string, options: readonly string[]): void {
  const lines = help.split('\n');
  expect(lines[0]).toMatch(new RegExp(`^lrdkit ${command}: \\S.*\\.$`));
  expect(help).toMatch(new RegExp(`^Usage: lrdkit ${command}\\b`, 'm'));
  const optionsAt = lines.indexOf('Options:');
  const examplesAt = lines.indexOf('Examples:');
  expect(optionsAt, `${command}: an Options: section`).toBeGreaterThan(0);
  expect(examplesAt, `${command}: an Examples: section`).toBeGreaterThan(optionsAt);
  const optionLines = lines.slice(optionsAt + 1, examplesAt);
  for (const o of [...options, 'help']) {
    expect(optionLines.some((l) => new RegExp(`^  (-h, )?--${o}\\b`).test(l)), `${command}: --${o} explained on its own line`).toBe(true);
  }
  const examples = lines.slice(examplesAt + 1).filter((l) => l.startsWith('  lrdkit '));
  expect(examples.length, `${command}: 2-3 examples`).toBeGreaterThanOrEqual(2);
  expect(examples.length).toBeLessThanOrEqual(3);
  for (const l of lines) expect(l.length, `${command}: a line longer than 110 columns: ${l}`).toBeLessThanOrEqual(110);
}

describe('help on every command', () => {
  for (const name of COMMAND_NAMES) {
    const command = COMMANDS[name]!;
    it(`lrdkit ${name} -h, --help and lrdkit help ${name} print the same help (exit 0)`, async () => {
      const a = await say(name, '-h'), b = await say(name, '--help'), c = await say('help', name);
      expect([a.code, b.code, c.code]).toEqual([0, 0, 0]);
      expect(b.text).toBe(a.text);
      expect(c.text).toBe(a.text);
      // -h after other arguments still asks for help (git: `git commit -m x -h`), never a path.
      expect((await say(name, 'some/path', '--seed', '3', '-h')).text).toBe(a.text);
      if (name !== 'reproduce') expectConventionalHelp(a.text, name, Object.keys(command.options));
    });
  }

  it('the options of audit are explained with their defaults and units', async () => {
    const { text } = await say('audit', '--help');
    expect(text).toMatch(/^  --jacobian-states S +visited states at which the state Jacobian .*\n.*\(default 64\)/m);
    expect(text).toMatch(/^  --lyapunov k +leading Lyapunov exponents, in nats per step \(default 8; 0 skips\)/m);
    expect(text).toMatch(/^  --bootstrap R +bootstrap replicates .*\n.*\(default 100; 0 skips them\)/m);
    expect(text).toMatch(/^  --layer NAME +audit only this recurrent layer \(default: every layer\)/m);
    expect(text).toMatch(/^ +FILE +\.json: \[\[\[x per channel\] per step\] per sequence\];/m);
    expect(text).toMatch(/^ +\.csv: one row per step, one column per channel/m);
    expect(text).toContain('(default ./lrdkit-audit/NAME');
  });

  it('reproduce: the overview lists both experiments; each experiment has its own help', async () => {
    const overview = await say('reproduce', '--help');
    expect(overview.text).toMatch(/^  copy-task +dense vs factorized/m);
    expect(overview.text).toMatch(/^  recsys +the recommender experiment/m);
    expect((await say('reproduce', 'recsys', '--help')).text).toBe(`${REPRODUCE_RECSYS_HELP}\n`);
    expect((await say('reproduce', 'copy-task', '-h')).text).toBe(`${REPRODUCE_COPY_TASK_HELP}\n`);
    expect((await say('help', 'reproduce', 'copy-task')).text).toBe(`${REPRODUCE_COPY_TASK_HELP}\n`);
    expect(REPRODUCE_RECSYS_HELP).not.toContain('copy-task');
    expectConventionalHelp(REPRODUCE_RECSYS_HELP, 'reproduce recsys', ['quick', 'full', 'out', 'seed', 'backend', 'quiet']);
    expectConventionalHelp(REPRODUCE_COPY_TASK_HELP, 'reproduce copy-task', ['quick', 'standard', 'long', 'full', 'out', 'runs', 'jobs', 'kernels', 'backend', 'quiet']);
  });

  it('reproduce video: listed in the overview, its own conventional help, one-line usage errors', async () => {
    expect((await say('reproduce', '--help')).text).toMatch(/^  video +the YouTube-8M experiment/m);
    expect((await say('reproduce', 'video', '--help')).text).toBe(`${REPRODUCE_VIDEO_HELP}\n`);
    expect((await say('help', 'reproduce', 'video')).text).toBe(`${REPRODUCE_VIDEO_HELP}\n`);
    expectConventionalHelp(REPRODUCE_VIDEO_HELP, 'reproduce video', ['quick', 'standard', 'plan', 'out', 'jobs', 'backend', 'only', 'quiet']);
    expect(await usageError('reproduce', 'vidoe')).toMatch(/found "vidoe"; did you mean video\?$/);
    expect(await usageError('reproduce', 'video', '--full')).toBe('lrdkit reproduce video: expected --quick or --standard, found --full (the video proxy has no full plan)');
    expect(await usageError('reproduce', 'video', '--quick', '--standard')).toBe('lrdkit reproduce video: --quick and --standard exclude each other, found both');
    expect(await usageError('reproduce', 'video', '--only', 'lstm-h32-T999-s1', '--out', '/nonexistent/x')).toMatch(/^lrdkit reproduce video: --only lstm-h32-T999-s1 is not a run of the quick plan/);
  });

  it('lrdkit, lrdkit -h and lrdkit help list every command', async () => {
    const bare = await say(), h = await say('-h'), help = await say('help');
    expect(bare.code).toBe(2); // no command: usage, as git does
    expect([h.code, help.code]).toEqual([0, 0]);
    for (const name of COMMAND_NAMES) expect(h.text).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(help.text).toBe(h.text);
  });
});

describe('did you mean', () => {
  it('editDistance is the Levenshtein distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3); // the textbook example
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('audit', 'audit')).toBe(0);
    expect(editDistance('adit', 'audit')).toBe(1);
  });

  it('closestName suggests near misses and unique prefixes, nothing for far or ambiguous words', () => {
    const names = ['audit', 'inspect', 'report', 'reproduce', 'train', 'verify'];
    expect(closestName('adit', names)).toBe('audit');
    expect(closestName('trian', names)).toBe('train');
    expect(closestName('verfy', names)).toBe('verify');
    expect(closestName('insp', names)).toBe('inspect');
    expect(closestName('rep', names)).toBeUndefined(); // report or reproduce
    expect(closestName('frobnicate', names)).toBeUndefined();
  });

  it('a mistyped command, option or experiment gets a suggestion', async () => {
    expect(await usageError('adit', 'x.pt')).toMatch(/^lrdkit: unknown command "adit"; did you mean audit\? \(commands: audit, inspect/);
    expect(await usageError('help', 'trian')).toMatch(/did you mean train\?/);
    expect(await usageError('audit', 'x.pt', '--seeds', '3')).toMatch(/^lrdkit audit: unknown option --seeds; did you mean --seed\?/);
    expect(await usageError('inspect', '--hiden', '8')).toMatch(/did you mean --hidden\?/);
    expect(await usageError('reproduce', 'copytask')).toMatch(/found "copytask"; did you mean copy-task\?$/);
    expect(await usageError('audit', 'x.pt', '-seed', '3')).toMatch(/^lrdkit audit: unknown option -seed; did you mean --seed\? \(options take two dashes/);
  });
});

describe('missing arguments point to --help', () => {
  it('audit, report and reproduce without their argument', async () => {
    expect(await usageError('audit')).toBe('lrdkit audit: expected one CHECKPOINT argument, found none (see lrdkit audit --help)');
    expect(await usageError('report')).toMatch(/found none \(see lrdkit report --help\)$/);
    expect(await usageError('reproduce')).toMatch(/found none \(see lrdkit reproduce --help\)$/);
    expect(await usageError('train', '--task', 'copy')).toMatch(/is required \(see lrdkit train --help\)$/);
  });
});

describe('the bin', () => {
  it('lrdkit audit -h exits 0 with the help on stdout; a typo exits 2 with one line on stderr', async () => {
    const help = await runLrdkit(['audit', '-h']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^lrdkit audit: /);
    expect(help.stderr).toBe('');
    const typo = await runLrdkit(['adit', 'x.pt']);
    expect(typo.status).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr.trim().split('\n')).toHaveLength(1);
    expect(typo.stderr).toContain('did you mean audit?');
  });
});
