/**
 * The README as a new user reads it (issue 17): it starts with the title and what lrdkit is,
 * then the two commands; it links nothing outside the repository; every JavaScript block runs
 * as written against the built package (`import ... from 'lrdkit'`, resolved by Node through
 * package.json "exports") and prints what its `// prints:` line says; every `lrdkit` command
 * line in a shell block names a command and options that exist (parsed with the command's own
 * option spec); `npm test`'s system-package check stops with the one command to run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/cli/args.js';
import { COMMANDS } from '../src/cli/commands.js';
import { reproduceHelp } from '../src/cli/reproduce.js';
import { root, runModule, runNode } from './support/runNode.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The fenced code blocks: language and body. */
const blocks = [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1] as string, body: m[2] as string }));

/** Shell words of a command line (no quoting beyond "..." and '...'; comments dropped). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.replace(/\s+#.*$/, '').matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? (m[3] as string));
  return out;
}

describe('README.md', () => {
  it('starts with the title and what lrdkit is, then the install-and-audit and test commands', () => {
    const lines = readme.split('\n');
    expect(lines[0]).toBe('# lrdkit');
    const firstCode = readme.indexOf('```');
    expect(readme.slice(0, firstCode)).toMatch(/long range dependence/);
    expect(blocks[0]?.lang).toBe('sh');
    expect(blocks[0]?.body).toMatch(/^npm install && npx lrdkit audit examples\/gru2\.safetensors/);
    expect(blocks[0]?.body).toMatch(/^npm test\b/m);
  });

  it('links nothing outside the repository, and every relative link exists', () => {
    expect(readme).not.toMatch(/\.\.\/shared|DESIGN\.md/);
    for (const m of readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)) {
      const target = m[1] as string;
      if (/^https?:/.test(target)) continue;
      expect(target.startsWith('..'), `${target}: outside the repository`).toBe(false);
      if (target.startsWith('docs/api/')) continue; // generated (npm run docs); checked in test/api.test.ts
      expect(existsSync(join(root, target)), `${target}: linked from README.md`).toBe(true);
    }
  });

  const js = blocks.filter((b) => b.lang === 'js' || b.lang === 'ts' || b.lang === 'mjs');
  it('has a library example', () => expect(js.length).toBeGreaterThan(0));
  js.forEach((block, i) => {
    it(`JavaScript block ${i + 1} runs as written and prints what it says`, async () => {
      const r = await runModule(block.body);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const said = [...block.body.matchAll(/^\/\/ prints: (.*)$/gm)].map((m) => m[1]);
      expect(said.length, 'a // prints: line').toBeGreaterThan(0);
      expect(r.stdout.trimEnd().split('\n')).toEqual(said);
    });
  });

  it('every lrdkit command line in a shell block names a command and options that exist', () => {
    const lines = blocks.filter((b) => b.lang === 'sh').flatMap((b) => b.body.split('\n'));
    const commands = lines.flatMap((line) => line.split(/&&|;/)).map(words).map((w) => (w[0] === 'npx' ? w.slice(1) : w)).filter((w) => w[0] === 'lrdkit');
    expect(commands.length).toBeGreaterThanOrEqual(5);
    for (const [, name, ...rest] of commands) {
      const command = COMMANDS[name as string];
      expect(command, `lrdkit ${name}: a command`).toBeDefined();
      expect(() => parseArgs(rest, command!.options, name as string), `lrdkit ${name} ${rest.join(' ')}`).not.toThrow();
      if (name === 'reproduce') expect(reproduceHelp(rest.filter((a) => !a.startsWith('-')))).toBeDefined();
    }
  });
});

describe('npm test stops at once when a system package is missing', () => {
  it('scripts/check-system-packages.mjs names what is missing and the one command to run (exit 1); passes here', async () => {
    const ok = await runNode([join(root, 'scripts/check-system-packages.mjs')]);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const missing = await runNode([join(root, 'scripts/check-system-packages.mjs')], { env: { ...process.env, LRDKIT_CHROMIUM: '/nonexistent/chromium' } });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('npm test: missing system packages: chromium for /nonexistent/chromium (the report page test).');
    expect(missing.stderr).toContain('\n    sh scripts/install-system-packages.sh\n');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // The check runs right after the build, before the typecheck and the 8-minute suite.
    expect(pkg.scripts.test).toMatch(/^npm run build && node scripts\/check-system-packages\.mjs && /);
  });
});
