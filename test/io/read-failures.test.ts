/**
 * Whose failure an input's error names: a failed read of the file (EIO…) is
 * `IO_ERROR` naming it, a broken gzip `CORRUPT_INPUT` naming it, in the
 * in-thread reader (`fileChunks`) and in the ring's helper thread alike. A
 * read that fails halfway through a gzip file was reported as a broken gzip:
 * the read stream's error reaches the reader through node:zlib.
 *
 * The halfway failure is injected: `createReadStream` of one file name gives
 * its first bytes, then fails as a read does (`EIO`, `syscall: 'read'`); no
 * file fails that way on demand. `/proc/self/mem` (a read at offset 0 fails
 * with EIO on Linux) is a real one for the helper thread, which cannot be
 * injected into.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const FAILING = 'fails-halfway.csv.gz';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createReadStream = ((path: string, opts?: unknown) => {
    if (!String(path).endsWith(FAILING)) return fs.createReadStream(path, opts as never);
    const bytes = fs.readFileSync(path);
    let sent = false;
    return new Readable({
      read() {
        if (!sent) {
          sent = true;
          this.push(bytes.subarray(0, bytes.length >> 1));
        } else this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', errno: -5, syscall: 'read' }));
      },
    });
  }) as typeof fs.createReadStream;
  return { ...fs, default: { ...fs, createReadStream }, createReadStream };
});

const { fileChunks, RingChunkReader } = await import('../../src/io/csv/file-chunks.ts');

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-read-failures-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A gzip file of `lines` CSV lines, at `name` in the scratch folder. */
function gz(name: string, lines = 200_000): string {
  const path = join(dir, name);
  writeFileSync(path, gzipSync(Buffer.from(Array.from({ length: lines }, (_, i) => `${i},${(i * 7919) % 10007}\n`).join(''))));
  return path;
}

/** Reads all of `path` through fileChunks: the bytes, or the error it threw. */
async function readAll(path: string): Promise<{ bytes: number; error?: unknown }> {
  let bytes = 0;
  try {
    for await (const c of fileChunks(path)) bytes += c.length;
  } catch (error) {
    return { bytes, error };
  }
  return { bytes };
}

describe('fileChunks', () => {
  it('a read that fails halfway through a gzip file: IO_ERROR naming the file and the reason (was CORRUPT_INPUT)', async () => {
    const path = gz(FAILING);
    const r = await readAll(path);
    expect(r.error).toMatchObject({ code: 'IO_ERROR', message: `${path}: cannot read this file (EIO: i/o error, read)`, details: { file: path } });
  });

  it('a gzip cut short: still CORRUPT_INPUT naming the file, after the bytes before the cut', async () => {
    const whole = gz('whole.csv.gz');
    const cut = join(dir, 'cut.csv.gz');
    const bytes = readFileSync(whole);
    writeFileSync(cut, bytes.subarray(0, bytes.length >> 1));
    const r = await readAll(cut);
    expect(r.bytes).toBeGreaterThan(0);
    expect(r.error).toMatchObject({ code: 'CORRUPT_INPUT', message: expect.stringMatching(new RegExp(`^${cut}: `)) });
  });
});

describe('RingChunkReader', () => {
  it('a file whose read fails (/proc/self/mem): IO_ERROR naming it (was CORRUPT_INPUT); the next file is still read', () => {
    const next = join(dir, 'next.csv');
    writeFileSync(next, 'a,b\n'.repeat(10));
    const reader = new RingChunkReader(['/proc/self/mem', next]);
    try {
      expect(() => [...reader.chunks(0)]).toThrow(expect.objectContaining({ code: 'IO_ERROR', message: '/proc/self/mem: cannot read this file (EIO: i/o error, read)' }));
      expect(Buffer.concat([...reader.chunks(1)].map((c) => Buffer.from(c))).toString()).toBe('a,b\n'.repeat(10));
    } finally {
      reader.close();
    }
  });

  it('a gzip cut short: CORRUPT_INPUT naming the file, as before', () => {
    const whole = gz('whole-ring.csv.gz');
    const cut = join(dir, 'cut-ring.csv.gz');
    writeFileSync(cut, readFileSync(whole).subarray(0, 1000));
    const reader = new RingChunkReader([cut]);
    try {
      expect(() => [...reader.chunks(0)]).toThrow(expect.objectContaining({ code: 'CORRUPT_INPUT', message: expect.stringMatching(new RegExp(`^${cut}: `)) }));
    } finally {
      reader.close();
    }
  });
});
