/**
 * Readers that write into memory handed back instead of new memory: the
 * task_events worker thread's batches (their columns go back to the thread
 * once the next batch is asked for) and the ring of RingChunkReader (a chunk
 * is a view of a slot, given back once the next chunk is asked for). Same
 * values as the in-thread reader; a batch or chunk is never overwritten while
 * its reader holds it; a batch held past the next iteration has been handed
 * back (detached).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RING_TUNING, RingChunkReader } from '../../src/io/csv/file-chunks.ts';
import { Problems } from '../../src/io/csv/problems.ts';
import type { ColumnBatch } from '../../src/io/csv/spec.ts';
import { generateTrace } from '../../src/io/generate.ts';
import { partFiles, tableBatches } from '../../src/io/google/part-files.ts';
import { TASK_EVENTS_SPEC } from '../../src/io/google/schema.ts';
import { threadedTaskEventBatches } from '../../src/io/google/task-events.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-reused-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A batch's rows, copied out. */
function copy(b: ColumnBatch): { rows: number; cols: Record<string, number[]> } {
  return { rows: b.rows, cols: Object.fromEntries(Object.entries(b.cols).map(([k, v]) => [k, Array.from(v.subarray(0, b.rows))])) };
}

describe('threadedTaskEventBatches', () => {
  it('gives the in-thread batches (bad lines counted alike), in columns that go back to the thread once the next batch is asked for', async () => {
    const out = join(dir, 'trace');
    await generateTrace({ machines: 30, tasks: 1500, days: 0.1, seed: 11, out, usage: false });
    const files = partFiles(join(out, 'task_events'));
    // Bad lines too: a part with junk appended (skipped and counted the same way by both).
    writeFileSync(join(out, 'task_events', 'part-00003-of-00004.csv.gz'), gzipSync('1,x,2\n600000000,,7,0,,0,,0,0,0.1,0.1,0,0\n'));
    const all = partFiles(join(out, 'task_events'));
    expect(all.length).toBe(files.length + 1);
    const opts = { batchRows: 97 };
    const want: ReturnType<typeof copy>[] = [];
    const p1 = new Problems(false);
    for await (const b of tableBatches('', TASK_EVENTS_SPEC, p1, opts, all)) want.push(copy(b));
    const got: ReturnType<typeof copy>[] = [];
    const held: ColumnBatch[] = [];
    const p2 = new Problems(false);
    for await (const b of threadedTaskEventBatches(all, p2, opts)) {
      got.push(copy(b));
      held.push(b);
    }
    expect(want.length).toBeGreaterThan(20);
    expect(got).toEqual(want);
    expect([p2.skipped, p2.first]).toEqual([p1.skipped, p1.first]);
    expect(p1.skipped).toBe(1);
    // Every batch was handed back once the next was asked for (its buffers transferred to the thread).
    expect(held.every((b) => b.cols.time!.buffer.byteLength === 0)).toBe(true);
  });
});

describe('RingChunkReader', () => {
  it('packs node:zlib pieces into slots, and a chunk held is not written over while the helper thread runs ahead', async () => {
    const saved = { ...RING_TUNING };
    // Small slots and pieces: a piece smaller than a slot, slots that end inside a piece.
    Object.assign(RING_TUNING, { slot: 1000, slots: 3, piece: 700 });
    try {
      const text = Buffer.from(Array.from({ length: 4000 }, (_, i) => `${i},${(i * 7919) % 1000}`).join('\n'));
      const path = join(dir, 'ring.csv.gz');
      writeFileSync(path, gzipSync(text));
      const reader = new RingChunkReader([path, path]);
      try {
        const chunks = reader.chunks(0);
        const first = chunks.next().value as Buffer;
        const firstCopy = Buffer.from(first);
        // The helper thread fills the other slots meanwhile; it must wait for this one.
        await new Promise((r) => setTimeout(r, 200));
        expect(first.equals(firstCopy)).toBe(true);
        const got = [firstCopy];
        const sizes = [first.length];
        for (const c of chunks) {
          got.push(Buffer.from(c));
          sizes.push(c.length);
        }
        expect(Buffer.concat(got).equals(text)).toBe(true);
        // Full slots but the file's last.
        expect(sizes.slice(0, -1).every((n) => n === 1000)).toBe(true);
        expect(Buffer.concat(Array.from(reader.chunks(1), (c) => Buffer.from(c))).equals(text)).toBe(true);
      } finally {
        reader.close();
      }
    } finally {
      Object.assign(RING_TUNING, saved);
    }
  });

  it('a file left before its end: the next file is refused (INVALID_OPTION)', () => {
    const path = join(dir, 'left.csv');
    writeFileSync(path, 'a\n'.repeat(5000));
    const saved = { ...RING_TUNING };
    Object.assign(RING_TUNING, { slot: 1000, slots: 2, piece: 1000 });
    const reader = new RingChunkReader([path, path]);
    try {
      for (const c of reader.chunks(0)) {
        expect(c.length).toBe(1000);
        break;
      }
      expect(() => reader.chunks(1).next()).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('left before its end') }));
    } finally {
      reader.close();
      Object.assign(RING_TUNING, saved);
    }
  });
});
