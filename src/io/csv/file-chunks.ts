/**
 * The bytes of an input file as a stream of Buffers: plain text as read, gzip
 * (recognised by its magic bytes, not its name) through `node:zlib`, so no
 * whole file is ever held in memory. A missing file throws `FILE_NOT_FOUND`,
 * a broken gzip `CORRUPT_INPUT`.
 *
 * @module
 */
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Gunzip } from 'fflate';
import { FairfitError } from '../../errors.ts';

/** Throws `FILE_NOT_FOUND` unless `path` is an existing file. */
export function checkFile(path: string): void {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new FairfitError('FILE_NOT_FOUND', `${path}: no such file`, { file: path });
  }
  if (!isFile) throw new FairfitError('FILE_NOT_FOUND', `${path}: not a file`, { file: path });
}

/** True when the file starts with the gzip magic bytes 1f 8b. */
export function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const n = readSync(fd, b, 0, 2, 0);
    return n === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * Raw byte chunks of a file, gunzipped when it is gzip (by magic bytes).
 * A zlib error is re-thrown as `CORRUPT_INPUT` naming the file.
 */
export async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  checkFile(path);
  const gz = isGzip(path);
  const src = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!gz) {
    for await (const chunk of src) yield chunk as Buffer;
    return;
  }
  const gunzip = createGunzip({ chunkSize: 1 << 20 }); // 1 MiB out per call: ~5 % less CPU than 256 KiB (bench io)
  src.on('error', (e) => gunzip.destroy(e));
  src.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (e) {
    if (e instanceof FairfitError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new FairfitError('CORRUPT_INPUT', `${path}: ${reason}`, { file: path }, { cause: e });
  } finally {
    src.destroy();
    gunzip.destroy();
  }
}

/**
 * {@link fileChunks} with blocking reads: 1 MiB of the file at a time,
 * gunzipped by fflate's streaming inflater (node:zlib has no synchronous
 * stream). The same bytes; a broken or truncated gzip throws `CORRUPT_INPUT`
 * after the chunks before the damage.
 */
export function* fileChunksSync(path: string): Generator<Buffer> {
  checkFile(path);
  const gz = isGzip(path);
  const fd = openSync(path, 'r');
  try {
    const out: Buffer[] = [];
    const gunzip = gz ? new Gunzip((data) => out.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength))) : undefined;
    for (;;) {
      const buf = Buffer.allocUnsafe(1 << 20);
      const n = readSync(fd, buf, 0, buf.length, null);
      if (!gunzip) {
        if (n === 0) return;
        yield buf.subarray(0, n);
        continue;
      }
      try {
        gunzip.push(buf.subarray(0, n), n === 0);
      } catch (e) {
        yield* out.splice(0);
        const reason = e instanceof Error ? e.message : String(e);
        throw new FairfitError('CORRUPT_INPUT', `${path}: ${reason}`, { file: path }, { cause: e });
      }
      yield* out.splice(0);
      if (n === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}
