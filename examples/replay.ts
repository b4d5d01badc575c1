// The README's replay example: generate a small seeded trace, replay it with three policies on
// two worker threads, print the table and write the HTML report.
// Run: npm run build && npx tsx examples/replay.ts   (the test suite runs it: test/giantvm/example.test.ts)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTrace } from '../src/io/generate.ts';
import { formatTable, replay, writeHtml, type ReplayReport } from '../src/index.ts';

export async function main(reportFile = 'out/example-report.html', log: (text: string) => void = (t) => process.stdout.write(t)): Promise<ReplayReport> {
  const dir = mkdtempSync(join(tmpdir(), 'fairfit-example-'));
  try {
    await generateTrace({ machines: 100, tasks: 2000, days: 0.1, seed: 42, out: dir });
    const report = await replay({ trace: dir, policies: ['no_migration', 'coarse_grained', 'fine_grained'], machines: 100, workers: 2 });
    log(formatTable(report));
    writeHtml(reportFile, report);
    log(`wrote ${reportFile}\n`);
    return report;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
