/**
 * A vitest reporter that ends the test run with one line: how many tests were
 * skipped and why. Tests skip only when something outside the repository is
 * absent: the real trace extracts in `../shared/traces/` (present in CI) or
 * Debian's headless Chromium; the reason is read from what the skipped test's
 * file depends on and whether that is present.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

const SHARED = new URL('../../shared/traces/', import.meta.url);
const CHROMIUM = '/usr/bin/chromium';

function reasonOf(file: string): string {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 'unknown reason';
  }
  if (text.includes('shared/traces') && !existsSync(SHARED)) return '../shared/traces absent';
  if (text.includes('haveChromium') && !existsSync(CHROMIUM)) return `no ${CHROMIUM}`;
  if (text.includes('hasScript')) return 'no script(1) for a pseudo-terminal';
  return 'skipped in the test file';
}

export default class SkipSummaryReporter implements Reporter {
  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    // Reporters end concurrently: let the JSON reporter print its line first, so this one is the last.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const reasons = new Map<string, number>();
    let skipped = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        if (t.result().state !== 'skipped') continue;
        skipped++;
        const why = reasonOf(m.moduleId);
        reasons.set(why, (reasons.get(why) ?? 0) + 1);
      }
    }
    const detail = [...reasons].map(([why, n]) => `${n} because ${why}`).join(', ');
    process.stdout.write(`\n${skipped} test${skipped === 1 ? '' : 's'} skipped${skipped ? `: ${detail}` : ' (../shared/traces and Chromium present)'}\n`);
  }
}
