// Preloaded (node --import) into a CLI run by test/hostile/hostileCorpus.test.ts: at exit,
// writes the process's peak resident set size in KiB (process.resourceUsage().maxRSS) to the
// file named by LRDKIT_TEST_MAXRSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.LRDKIT_TEST_MAXRSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
