#!/usr/bin/env node
// Before the test suite runs (`npm test`, right after the build): checks that the system
// packages some tests need are installed, and when one is missing stops at once with the one
// command that installs them, instead of failing minutes into the run:
//   - chromium (test/report/browser.test.ts opens report.html in it),
//   - the DejaVu fonts (deterministic PNG figures, src/report/render.ts),
//   - jupyter-nbconvert with python3-ipykernel (test/notebooks executes the notebooks).
// Exit 0 when all are present, 1 otherwise (one message on stderr naming each missing package).
// The locations are the ones the tests themselves use (LRDKIT_CHROMIUM, LRDKIT_FONT_DIR,
// LRDKIT_NBCONVERT override them).
import { existsSync } from 'node:fs';
import { CHROMIUM } from './check-report-page.mjs';
import { nbconvertCommand } from './notebooks.mjs';

const { findReportFonts } = await import('../dist/report/render.js');

/** The missing system packages: [what, which test needs it]. */
export function missingSystemPackages() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push(['chromium', `${CHROMIUM} (the report page test)`]);
  if (findReportFonts() === null) missing.push(['fonts-dejavu-core', 'DejaVuSans.ttf (deterministic PNG figures)']);
  if (nbconvertCommand() === null) missing.push(['jupyter-nbconvert, python3-ipykernel', 'jupyter-nbconvert (the notebook test)']);
  return missing;
}

const missing = missingSystemPackages();
if (missing.length > 0) {
  process.stderr.write(
    `npm test: missing system packages: ${missing.map(([pkg, why]) => `${pkg} for ${why}`).join('; ')}.\n` +
      'Install them (Debian/Ubuntu, root or sudo), then run npm test again:\n\n    sh scripts/install-system-packages.sh\n\n',
  );
  process.exit(1);
}
