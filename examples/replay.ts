/**
 * Example: generate a small seeded trace, replay it with three policies on two
 * worker threads, print the Gini of each, and write the HTML report.
 *
 *   npm run build && npx tsx examples/replay.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTrace } from '../src/io/generate.ts';
import { formatTable, replay, writeHtml } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'fairfit-example-'));
try {
  await generateTrace({ machines: 100, tasks: 2000, days: 0.1, seed: 42, out: dir });
  const report = await replay({
    trace: dir,
    policies: ['no_migration', 'coarse_grained', 'fine_grained'],
    machines: 100,
    workers: 2,
    onProgress: (done, total) => process.stderr.write(`\r${done.toFixed(1)}/${total} runs`),
  });
  process.stderr.write('\n');
  process.stdout.write(formatTable(report));
  writeHtml('out/example-report.html', report);
  console.log('wrote out/example-report.html');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
