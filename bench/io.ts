/**
 * Trace-ingestion suite: rows/s from `.csv.gz` of the byte-level reader
 * against csv-parse 5 with default settings (the obvious alternative), on
 * the real task_events part (450k rows, when ../shared/traces is present)
 * and on a generated task_usage of ≥ 10^7 rows (written by the generator to
 * os.tmpdir() and deleted afterwards). Reports wall time, process CPU time
 * (main thread + zlib threads) and the peak RSS seen while reading, and
 * the 1-minute load average at the end of each case (the machine is shared:
 * wall rows/s only exceeds rows per CPU-second when a second core is free
 * for zlib, which inflates on the libuv threadpool while this thread parses).
 * `FAIRFIT_CSV=ts` reads task_usage with the TypeScript LineParser instead of
 * the WebAssembly scanner (the figures before the scanner).
 */
import { existsSync, mkdtempSync, rmSync, createReadStream } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import type { BenchRow } from './run.ts';
import { fileChunks } from '../src/io/csv/file-chunks.ts';
import { LineParser } from '../src/io/csv/line-parser.ts';
import { Problems } from '../src/io/csv/problems.ts';
import { WasmLineScanner } from '../src/io/csv/wasm-line-scanner.ts';
import { tableBatches } from '../src/io/google/part-files.ts';
import { TASK_EVENTS_SPEC, TASK_USAGE_REPLAY_SPEC } from '../src/io/google/schema.ts';
import { readTaskEvents } from '../src/io/google/task-events.ts';
import { usageBatches } from '../src/io/google/task-usage.ts';
import { generateTrace } from '../src/io/generate.ts';

const REAL = new URL('../../shared/traces/google2011/task_events/part-00000-of-00500.csv.gz', import.meta.url).pathname;

interface Measured {
  rows: number;
  ms: number;
  cpuMs: number;
  peakRssMB: number;
}

async function measure(run: (tick: () => void) => Promise<number>): Promise<Measured> {
  (globalThis as { gc?: () => void }).gc?.();
  let peak = process.memoryUsage.rss();
  const tick = (): void => {
    const r = process.memoryUsage.rss();
    if (r > peak) peak = r;
  };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const rows = await run(tick);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  tick();
  return { rows, ms, cpuMs: (c.user + c.system) / 1000, peakRssMB: peak / 2 ** 20 };
}

/** csv-parse with default settings over a gunzip stream; stops after `limit` records. */
function csvParseRows(path: string, limit = Number.POSITIVE_INFINITY, tick: () => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const src = createReadStream(path);
    const parser = src.pipe(createGunzip()).pipe(parse());
    let n = 0;
    parser.on('readable', () => {
      while (parser.read() !== null) {
        n++;
        if ((n & 65535) === 0) tick();
        if (n >= limit) {
          src.destroy();
          parser.destroy();
          resolve(n);
          return;
        }
      }
    });
    parser.on('error', reject);
    parser.on('end', () => resolve(n));
  });
}

function row(name: string, impl: string, m: Measured, extra: Record<string, number | string> = {}): BenchRow {
  return {
    name,
    impl,
    meanMs: m.ms,
    perSecond: (m.rows * 1000) / m.ms,
    extra: { rows: m.rows, 'rows/cpu-s': Math.round((m.rows * 1000) / m.cpuMs), 'peak RSS MiB': Math.round(m.peakRssMB), load1: +loadavg()[0]!.toFixed(2), ...extra },
  };
}

/** The `io` suite. */
export async function ioSuite(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  if (existsSync(REAL)) {
    // cold then warm: the second run is the reported one for each implementation
    const raw = async (tick: () => void): Promise<number> => {
      let n = 0;
      for await (const b of tableBatches(REAL, TASK_EVENTS_SPEC, new Problems())) {
        n += b.rows;
        tick();
      }
      return n;
    };
    await measure(raw);
    const ours = await measure(raw);
    const table = await measure(async (tick) => {
      const r = await readTaskEvents(REAL);
      tick();
      return r.summary.rows;
    });
    await measure((tick) => csvParseRows(REAL, undefined, tick));
    const base = await measure((tick) => csvParseRows(REAL, undefined, tick));
    const ratio = base.ms / ours.ms;
    rows.push(row('task_events real part 00000 (.csv.gz)', 'fairfit columns', ours, { runs: 'one warm run each, in turn (not alternated)', 'x csv-parse': +ratio.toFixed(2), 'x csv-parse cpu': +(base.cpuMs / ours.cpuMs).toFixed(2) }));
    rows.push(row('task_events real part 00000 (.csv.gz)', 'fairfit TaskTable', table));
    rows.push(row('task_events real part 00000 (.csv.gz)', 'csv-parse default', base));
  } else {
    console.warn(`io bench: ${REAL} absent, real task_events case skipped`);
  }

  // Generated task_usage ≥ 10^7 rows: ~11.6k snapshot tasks that mostly run the whole 3.3 days.
  const dir = mkdtempSync(join(tmpdir(), 'fairfit-bench-io-'));
  try {
    const t0 = performance.now();
    const gen = await generateTrace({ machines: 1000, tasks: 30000, days: 3.3, seed: 1, out: dir });
    const genMs = performance.now() - t0;
    const usage = join(dir, 'task_usage/part-00000-of-00001.csv.gz');
    const n = gen.rows.task_usage!;
    const readUsage = async (tick: () => void): Promise<number> => {
      let k = 0;
      let cpu = 0;
      for await (const b of usageBatches(usage)) {
        k += b.rows;
        for (let i = 0; i < b.rows; i++) cpu += b.cpu[i]!;
        tick();
      }
      if (!(cpu > 0)) throw new Error('no usage read');
      return k;
    };
    // cold, then warm (reported), as for task_events
    await measure(readUsage);
    const ours = await measure(readUsage);
    if (ours.rows !== n) throw new Error(`read ${ours.rows} usage rows, generated ${n}`);
    // csv-parse on the first 5·10^5 rows of the same file (cold, then warm): its rate, not a 10^7 run. Measured here,
    // before the in-memory cases below: they hold ≥ 150 MB of text, which its peak RSS counted when it ran after them.
    await measure((tick) => csvParseRows(usage, 5e5, tick));
    const base = await measure((tick) => csvParseRows(usage, 5e5, tick));
    // Where the time goes: gunzip alone (zlib, no parsing), and the line parser alone on rows already in memory.
    const inflate = await measure(async (tick) => {
      let bytes = 0;
      for await (const c of fileChunks(usage)) {
        bytes += c.length;
        tick();
      }
      return bytes;
    });
    const text: Buffer[] = [];
    let have = 0;
    for await (const c of fileChunks(usage)) {
      text.push(c);
      have += c.length;
      if (have > 150e6) break;
    }
    const mem = Buffer.concat(text);
    const parseOnly = await measure(async () => {
      // the reader's own loop: one parseLines call per batch
      const p = new LineParser(TASK_USAGE_REPLAY_SPEC, 65536);
      let s = 0;
      let k = 0;
      for (;;) {
        s = p.parseLines(mem, s, () => undefined);
        k += p.lines;
        if (!p.full) break;
        p.reset();
      }
      return k;
    });
    // The WebAssembly scanner the reader uses for task_usage, same rows: copied in 256 KiB of lines at a time as the reader does.
    let slowLines = 0;
    const scanOnly = await measure(async () => {
      const w = new WasmLineScanner(TASK_USAGE_REPLAY_SPEC, 65536);
      let k = 0;
      let s = 0;
      while (s < mem.length) {
        const piece = mem.subarray(s, Math.min(mem.length, s + (1 << 18)));
        const end = w.load(piece, 0);
        if (end === 0) break;
        for (;;) {
          w.parseLoaded(() => undefined);
          k += w.lines;
          if (!w.full) break;
          w.take();
        }
        s += end;
      }
      slowLines = w.slowLines;
      return k;
    });
    if (scanOnly.rows !== parseOnly.rows) throw new Error(`scanner read ${scanOnly.rows} rows, LineParser ${parseOnly.rows}`);
    const bytesPerRow = mem.length / parseOnly.rows;
    rows.push(row('task_usage generated: gunzip only (rows = bytes / bytes per row)', 'node:zlib', { ...inflate, rows: Math.round(inflate.rows / bytesPerRow) }, { 'bytes/row': +bytesPerRow.toFixed(1) }));
    rows.push(row(`task_usage generated: parser only, ${(parseOnly.rows / 1e6).toFixed(2)}M rows in memory`, 'fairfit LineParser', parseOnly));
    rows.push(row(`task_usage generated: parser only, ${(scanOnly.rows / 1e6).toFixed(2)}M rows in memory`, 'fairfit WasmLineScanner', scanOnly, { 'lines off the one-pass path': slowLines }));
    rows.push(row(`task_usage generated ${(n / 1e6).toFixed(1)}M rows (.csv.gz)`, 'fairfit columns', ours, { runs: 'one warm run each, in turn (not alternated)', 'x csv-parse': +((base.ms / base.rows) / (ours.ms / ours.rows)).toFixed(2), 'x csv-parse cpu': +((base.cpuMs / base.rows) / (ours.cpuMs / ours.rows)).toFixed(2), 'gen s': +(genMs / 1000).toFixed(1) }));
    rows.push(row('task_usage generated, first 0.5M rows (.csv.gz)', 'csv-parse default', base));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
