// task_usage read in time order as the replay advances (usage index + TraceUsageFeed) gives
// byte-identical replays to task_usage read whole into a UsageTable: on generated traces
// (several part files), on rows with gaps, overlaps, missing maximums, unknown tasks and no
// global time order, and on the real sample in ../shared/traces (skipped when absent).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FairfitError } from '../../src/errors.ts';
import { fileChunks, RingChunkReader } from '../../src/io/csv/file-chunks.ts';
import { generateTrace } from '../../src/io/generate.ts';
import { readGoogleTrace } from '../../src/io/google/trace-folder.ts';
import type { ReplayInput } from '../../src/model/tasks.ts';
import { cellCount, mergeRuns, prepareReplay, simulate, simulateCells } from '../../src/systems/giantvm/replay.ts';
import { splitCells } from '../../src/systems/giantvm/schedule.ts';
import { TraceUsageFeed } from '../../src/systems/giantvm/trace-usage-feed.ts';
import { SLOT_TUNING, TaskSlots } from '../../src/systems/giantvm/task-slots.ts';
import { REPLAY } from '../../src/systems/giantvm/replay-layouts.ts';
import { Core } from '../../src/wasm/module.ts';
import { POLICIES, type ReplayParams } from '../../src/systems/giantvm/types.ts';

const initialSlots = SLOT_TUNING.initial;
// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fairfit-usage-order-'));
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

async function both(dir: string): Promise<{ whole: ReplayInput; stream: ReplayInput }> {
  const whole = await readGoogleTrace(dir, { usageRead: 'whole' });
  const stream = await readGoogleTrace(dir, { usageRead: 'stream' });
  return { whole, stream };
}

/** The replay of `whole` and of `stream` as JSON, all cells in one part and (stream) in `parts` parts merged. */
function expectSame(whole: ReplayInput, stream: ReplayInput, params: Partial<ReplayParams>, parts = 1): void {
  const a = JSON.stringify(simulate(whole, params));
  expect(JSON.stringify(simulate(stream, params))).toBe(a);
  if (parts > 1) {
    const prep = prepareReplay(stream, params);
    const runs = splitCells(cellCount(prep), parts).map((r) => simulateCells(prep, r));
    expect(JSON.stringify(mergeRuns(prep, runs))).toBe(a);
  }
}

/** The task_usage lines of a generated trace (one part). */
function usageLines(dir: string): string[] {
  return gunzipSync(readFileSync(join(dir, 'task_usage', 'part-00000-of-00001.csv.gz'))).toString().trimEnd().split('\n');
}

/** A trace folder with `g`'s task_events and machine_events and the given task_usage parts (`.gz` names are gzipped). */
function folder(name: string, g: string, parts: [string, string[]][]): string {
  const dir = join(root, name);
  for (const t of ['task_events', 'machine_events', 'task_usage']) mkdirSync(join(dir, t), { recursive: true });
  for (const t of ['task_events', 'machine_events']) copyFileSync(join(g, t, 'part-00000-of-00001.csv.gz'), join(dir, t, 'part-00000-of-00001.csv.gz'));
  for (const [file, lines] of parts) {
    const text = Buffer.from(lines.join('\n') + '\n');
    writeFileSync(join(dir, 'task_usage', file), file.endsWith('.gz') ? gzipSync(text) : text);
  }
  return dir;
}

describe('task_usage read in time order', () => {
  // Named in the beforeAll: `root` is made in the file's beforeAll, after this describe was collected.
  let g = '', g4 = '';
  let g4Files: string[] = [];
  beforeAll(async () => {
    g = join(root, 'g');
    g4 = join(root, 'g4');
    await generateTrace({ machines: 40, tasks: 900, days: 0.3, seed: 99, out: g });
    g4Files = (await generateTrace({ machines: 40, tasks: 900, days: 0.3, seed: 99, out: g4, usageParts: 4 })).files;
  });

  it('generated, 4 usage parts in time order: every policy at ticks of 1, 10 and 60 s gives the JSON of the whole read; parts of cells merge to it', async () => {
    expect(g4Files.filter((f) => f.includes('task_usage'))).toHaveLength(4);
    const { whole, stream } = await both(g4);
    expect(stream.usage).toBeUndefined();
    expect(stream.usageIndex!.count).toBe(whole.usage!.count);
    expect(stream.end).toBe(whole.end);
    // The same rows as the one-part file, only cut in four.
    expect(whole.usage!.count).toBe(usageLines(g).length);
    for (const policy of POLICIES) {
      for (const tick of [1e6, 10e6, 60e6]) expectSame(whole, stream, { policy, tick, machines: 40, usage: 'trace' }, policy === 'fine_grained' ? 3 : 1);
    }
    const run = simulate(stream, { machines: 40, usage: 'trace' });
    expect(Number(run.info!.tasksWithWindows)).toBeGreaterThan(300);
    expect(run.info!.usageWindows).toBe(whole.usage!.count);
  });

  it('task slots that start at 1 and grow, recycled once a task is done and past its feed: the JSON of the whole read', async () => {
    const { whole, stream } = await both(g4);
    SLOT_TUNING.initial = 1;
    try {
      for (const policy of ['fine_grained', 'cpu_usage', 'coarse_grained'] as const) {
        for (const tick of [1e6, 60e6]) expectSame(whole, stream, { policy, tick, machines: 40, usage: 'trace' }, 3);
      }
      const prep = prepareReplay(stream, { machines: 40, usage: 'trace' });
      const part = simulateCells(prep);
      const info = mergeRuns(prep, [part]).info!;
      // Slots are reused: fewer than the tasks that arrived, at least those still open at the end.
      expect(part.taskSlots!.used).toBeLessThan(Number(info.arrived));
      expect(part.taskSlots!.used).toBeGreaterThanOrEqual(Number(info.arrived) - Number(info.finished));
    } finally {
      SLOT_TUNING.initial = initialSlots;
    }
  });

  it('on files in time order the rows held read ahead stay within a batch and one window of rows, far below all rows', async () => {
    const { stream } = await both(g4);
    const prep = prepareReplay(stream, { machines: 40, usage: 'trace', tick: 10e6 });
    const n = prep.tasks.id.length;
    // No kernel: the tasks are staged into slots as they arrive, none is ever done.
    const core = new Core();
    const slots = new TaskSlots(core, prep, undefined, 0, n, 'trace');
    slots.attach(core.alloc(REPLAY.size));
    const batchRows = 500;
    const feed = new TraceUsageFeed(prep, prep.traceUsage!, undefined, n, slots, { batchRows });
    try {
      for (let k = 0; k < prep.ticks;) { slots.stage(k + 1); k = feed.feed(k); }
    } finally {
      feed.close();
    }
    // Rows per 5-minute window of the generated trace, at most.
    const perWindow = new Map<number, number>();
    for (const line of usageLines(g)) { const w = Math.floor(Number(line.split(',')[0]) / 300e6); perWindow.set(w, (perWindow.get(w) ?? 0) + 1); }
    const widest = Math.max(...perWindow.values());
    expect(feed.read).toBeGreaterThan(0.9 * stream.usageIndex!.count);
    expect(feed.peakPooled).toBeLessThanOrEqual(batchRows + widest);
    expect(feed.peakPooled).toBeLessThan(stream.usageIndex!.count / 10);
  });

  it('gaps, overlapping rows, missing maximum CPU, unknown tasks and rows in no global time order (each task in order): the JSON of the whole read', async () => {
    const lines = usageLines(g);
    const seen = new Map<string, number>();
    const out: string[] = [];
    for (const line of lines) {
      const f = line.split(',');
      const key = `${f[2]},${f[3]}`;
      const i = seen.get(key) ?? 0;
      seen.set(key, i + 1);
      const task = Number(f[3]) + Number(f[2]);
      // Gap: rows 2–6 of every 5th task dropped (25 minutes without usage, more than a window).
      if (task % 5 === 0 && i >= 2 && i <= 6) continue;
      // Overlap: a row of every 7th task ends 400 s late, so the running maximum of ends skips windows.
      if (task % 7 === 1 && i === 1) f[1] = String(Number(f[1]) + 400e6);
      if (out.length % 11 === 0) f[13] = ''; // maximum CPU missing: the mean is used
      out.push(f.join(','));
    }
    // Rows of a job task_events does not know.
    for (let k = 0; k < 50; k++) out.splice(k * 37, 0, `${600e6 + k * 300e6},${900e6 + k * 300e6},777,${k},1000003,0.01,0.01,0.01,0,0,0.01,0,0,0.02,0,1,0.001,0,0,0.01`);
    // No global time order: rows sorted by a hash of their task (stable, so each task keeps its order).
    const h = (l: string): number => { const f = l.split(','); return (Math.imul(Number(f[2]) | 0, 0x9e3779b1) ^ Math.imul(Number(f[3]) | 0, 0x85ebca6b)) >>> 0; };
    const shuffled = out.map((l, k) => [h(l), k, l] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[2]);
    const half = shuffled.length >> 1;
    const dir = folder('odd', g, [['part-00000-of-00002.csv', shuffled.slice(0, half)], ['part-00001-of-00002.csv.gz', shuffled.slice(half)]]);
    const { whole, stream } = await both(dir);
    const ix = stream.usageIndex!;
    // Early rows beyond the first row of each task: the rows after the gaps.
    const withRows = ix.rows.filter((n) => n > 0).length;
    expect(ix.early.index.length).toBeGreaterThan(withRows);
    expect(stream.source!.usageUnmatched).toBe(50);
    for (const policy of ['cpu_usage', 'coarse_grained', 'cache_misses', 'no_migration'] as const) {
      for (const tick of [1e6, 30e6]) expectSame(whole, stream, { policy, tick, machines: 40, usage: 'trace' }, 2);
    }
  });

  it('a task whose rows go back in time: the streamed replay refuses it (PARSE_ERROR at file:line), the whole read replays it; other usage modes are not refused', async () => {
    const lines = usageLines(g);
    const first = lines[0]!.split(',');
    // A second row of the first row's task, placed after it, starting 1 µs before it.
    const back = [String(Number(first[0]) - 1), first[1], ...first.slice(2)].join(',');
    const dir = folder('back', g, [['part-00000-of-00001.csv', [lines[0]!, lines[1]!, back, ...lines.slice(2)]]]);
    const { whole, stream } = await both(dir);
    expect(() => simulate(whole, { machines: 40, usage: 'trace' })).not.toThrow();
    let err: unknown;
    try { simulate(stream, { machines: 40, usage: 'trace' }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(FairfitError);
    expect((err as FairfitError).code).toBe('PARSE_ERROR');
    expect((err as FairfitError).message).toContain(`${join(dir, 'task_usage', 'part-00000-of-00001.csv')}:3:`);
    expect((err as FairfitError).details.line).toBe(3);
    expect(JSON.stringify(simulate(stream, { machines: 40, usage: 'request' }))).toBe(JSON.stringify(simulate(whole, { machines: 40, usage: 'request' })));
  });

  it('a row without CPU rate is refused as the whole read refuses it (NOT_FINITE), naming file:line; other modes replay it', async () => {
    const lines = usageLines(g);
    const f = lines[5]!.split(',');
    f[5] = ''; // a negative rate is a bad line the reader skips; an empty one is NaN
    const dir = folder('neg', g, [['part-00000-of-00001.csv', [...lines.slice(0, 5), f.join(','), ...lines.slice(6)]]]);
    const { whole, stream } = await both(dir);
    expect(() => simulate(whole, { machines: 40, usage: 'trace' })).toThrow(expect.objectContaining({ code: 'NOT_FINITE' }));
    expect(() => simulate(stream, { machines: 40, usage: 'trace' })).toThrow(expect.objectContaining({ code: 'NOT_FINITE', message: expect.stringContaining('part-00000-of-00001.csv:6:') }));
    expect(JSON.stringify(simulate(stream, { machines: 40, usage: 'synthetic' }))).toBe(JSON.stringify(simulate(whole, { machines: 40, usage: 'synthetic' })));
  });

  it('usage files changed after the trace was read: CORRUPT_INPUT, not a silently different replay', async () => {
    const lines = usageLines(g);
    const dir = folder('changed', g, [['part-00000-of-00001.csv', lines]]);
    const { stream } = await both(dir);
    writeFileSync(join(dir, 'task_usage', 'part-00000-of-00001.csv'), lines.slice(0, 100).join('\n') + '\n');
    expect(() => simulate(stream, { machines: 40, usage: 'trace' })).toThrow(expect.objectContaining({ code: 'CORRUPT_INPUT' }));
  });
});

describe('RingChunkReader', () => {
  it('gives the bytes fileChunks gives, file after file: plain, gzip, truncated gzip (CORRUPT_INPUT after the bytes before the damage, then the next file)', async () => {
    const dir = join(root, 'chunks');
    mkdirSync(dir, { recursive: true });
    const text = Buffer.from(Array.from({ length: 300_000 }, (_, i) => `${i},${(i * 7919) % 1000}`).join('\n') + '\n');
    const gz = gzipSync(text);
    const files = [['plain.csv', text], ['a.csv.gz', gz], ['cut.csv.gz', gz.subarray(0, gz.length >> 1)], ['b.csv.gz', gz]] as const;
    for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
    const paths = files.map(([name]) => join(dir, name));
    const reader = new RingChunkReader(paths);
    try {
      for (const [k, path] of paths.entries()) {
        const want: Buffer[] = [];
        let wantErr: unknown;
        try { for await (const c of fileChunks(path)) want.push(c); } catch (e) { wantErr = e; }
        const got: Buffer[] = [];
        let gotErr: unknown;
        try { for (const c of reader.chunks(k)) got.push(Buffer.from(c)); } catch (e) { gotErr = e; } // a chunk is valid until the next is asked for
        expect(Buffer.concat(got).equals(Buffer.concat(want))).toBe(true);
        expect((gotErr as FairfitError | undefined)?.code).toBe((wantErr as FairfitError | undefined)?.code);
        if (k === 2) expect((gotErr as FairfitError).code).toBe('CORRUPT_INPUT');
      }
      expect(Buffer.concat(Array.from(new RingChunkReader([paths[1]!]).chunks(0), (c) => Buffer.from(c))).equals(text)).toBe(true);
    } finally {
      reader.close();
    }
  });
});

const DIR = new URL('../../../shared/traces/google2011', import.meta.url).pathname;
const present = existsSync(DIR);
if (!present) console.warn(`test/replay/usage-in-time-order: ${DIR} not found, real-sample tests skipped`);

describe.skipIf(!present)('task_usage read in time order, real Google 2011 sample', () => {
  it('the first 5 minutes with 120 machines (the 120 real usage rows): the JSON of the whole read for every policy', async () => {
    const { whole, stream } = await both(DIR);
    expect(stream.usageIndex!.count).toBe(whole.usage!.count);
    expect(stream.usageIndex!.count).toBe(120);
    const w = { ...whole, end: whole.start + 300e6 }, s = { ...stream, end: stream.start + 300e6 };
    for (const policy of POLICIES) expectSame(w, s, { policy, machines: 120, usage: 'trace' });
    expect(Number(simulate(s, { machines: 120, usage: 'trace' }).info!.tasksWithWindows)).toBe(120);
  });
});
