/**
 * The CSV writer of the trace generator: numbers formatted straight into a
 * byte buffer ({@link CsvBytes}: integers, and 4 significant digits in plain
 * notation like the real trace, without a string per field) and streamed to
 * a gzip file with backpressure ({@link GzCsv}).
 *
 * @module
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createGzip, constants as zc } from 'node:zlib';
import { FairfitError } from '../errors.ts';

/** Rounds to 4 significant digits, as written (the reader gets exactly this value back). */
export function round4(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  return Number(v.toPrecision(4));
}


/**
 * CSV bytes of numbers without per-field strings: the generator's formatter
 * (integers; 4 significant digits in plain notation, like the real trace).
 */
export class CsvBytes {
  buf = Buffer.allocUnsafe(1 << 20);
  pos = 0;
  rows = 0;
  /** The bytes written so far as text (tests). */
  text(): string {
    return this.buf.toString('latin1', 0, this.pos);
  }
  /** Writes an ASCII string. */
  str(s: string): void {
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }
  /** Writes bytes (an ASCII string encoded once, for strings written on many rows). */
  bytes(a: Uint8Array): void {
    this.buf.set(a, this.pos);
    this.pos += a.length;
  }
  comma(): void {
    this.buf[this.pos++] = 44;
  }
  nl(): void {
    this.buf[this.pos++] = 10;
    this.rows++;
  }
  /** Non-negative integer < 2^53. */
  int(v: number): void {
    if (v >= 1e9) {
      // high part, then the low 9 digits zero-padded (int32 arithmetic for both)
      const hi = Math.floor(v / 1e9);
      this.int(hi);
      this.pad9(v - hi * 1e9);
      return;
    }
    const b = this.buf;
    let x = v | 0;
    const n = x < 10 ? 1 : x < 100 ? 2 : x < 1000 ? 3 : x < 10000 ? 4 : x < 100000 ? 5 : x < 1000000 ? 6 : x < 10000000 ? 7 : x < 100000000 ? 8 : 9;
    let p = this.pos + n;
    this.pos = p;
    for (let i = 0; i < n; i++) {
      const q = (x / 10) | 0;
      b[--p] = 48 + x - q * 10;
      x = q;
    }
  }
  private pad9(v: number): void {
    const b = this.buf;
    let x = v | 0;
    let p = this.pos + 9;
    this.pos = p;
    for (let i = 0; i < 9; i++) {
      const q = (x / 10) | 0;
      b[--p] = 48 + x - q * 10;
      x = q;
    }
  }
  /** Non-negative number with 4 significant digits, plain notation (no exponent). */
  sig4(v: number): void {
    const b = this.buf;
    if (!(v >= 1e-18)) {
      b[this.pos++] = 48; // 0, negatives and NaN never occur in the model; tiny values round to 0
      return;
    }
    if (v >= 1e21) {
      this.str(Math.round(v).toLocaleString('en-US', { useGrouping: false, maximumSignificantDigits: 4 }));
      return;
    }
    // Decimal exponent e with 10^e ≤ v < 10^(e+1), then the 4-digit mantissa m.
    let e = 0;
    if (v >= 1) {
      while (e < 22 && v >= POW10[e + 1]!) e++;
    } else {
      e = -1;
      while (e > -22 && v < NEG10[-e]!) e--;
    }
    let m = Math.round(e >= 3 ? v / POW10[e - 3]! : v * POW10[3 - e]!);
    if (m >= 10000) {
      e++;
      m = Math.round(m / 10);
    } else if (m < 1000) {
      e--;
      m = Math.round(e >= 3 ? v / POW10[e - 3]! : v * POW10[3 - e]!);
    }
    const d0 = (m / 1000) | 0;
    const d1 = ((m / 100) | 0) - d0 * 10;
    const d2 = ((m / 10) | 0) - ((m / 100) | 0) * 10;
    const d3 = m - ((m / 10) | 0) * 10;
    // index of the last non-zero digit (trailing zeros after the point are not written)
    const last = d3 !== 0 ? 3 : d2 !== 0 ? 2 : d1 !== 0 ? 1 : 0;
    let p = this.pos;
    if (e >= 3) {
      b[p++] = 48 + d0;
      b[p++] = 48 + d1;
      b[p++] = 48 + d2;
      b[p++] = 48 + d3;
      for (let i = 3; i < e; i++) b[p++] = 48;
    } else if (e >= 0) {
      b[p++] = 48 + d0;
      if (e >= 1) b[p++] = 48 + d1;
      if (e >= 2) b[p++] = 48 + d2;
      if (last > e) {
        b[p++] = 46;
        if (e < 1) b[p++] = 48 + d1;
        if (e < 2 && last >= 2) b[p++] = 48 + d2;
        if (last >= 3) b[p++] = 48 + d3;
      }
    } else {
      b[p++] = 48;
      b[p++] = 46;
      for (let i = -1; i > e; i--) b[p++] = 48;
      b[p++] = 48 + d0;
      if (last >= 1) b[p++] = 48 + d1;
      if (last >= 2) b[p++] = 48 + d2;
      if (last >= 3) b[p++] = 48 + d3;
    }
    this.pos = p;
  }
}

/** The `ABORTED` error of a write stopped by `signal` (its reason's message first: `interrupted by SIGINT: …`). */
export function stoppedError(signal: AbortSignal): FairfitError {
  const why = signal.reason instanceof Error ? signal.reason.message : 'stopped';
  return new FairfitError('ABORTED', `${why}: no part file written`, {}, { cause: signal.reason });
}

/**
 * Buffered writer of CSV bytes into a gzip file, with backpressure. The
 * bytes go to a temporary name beside `path`; {@link close} finishes it and
 * {@link commit} renames it into place, so a caller renames its files only
 * once all are complete, and an interrupted or failed run {@link discard}s
 * them: no half-written part file under the final name, and no part of a new
 * trace beside the older parts of another.
 */
export class GzCsv extends CsvBytes {
  private readonly gz;
  private readonly file;
  private readonly done: Promise<unknown>;
  private readonly tmp: string;
  /** `signal`: once aborted, the next {@link flush} throws `ABORTED` (the caller discards the files). */
  constructor(readonly path: string, level: number, private readonly signal?: AbortSignal) {
    super();
    this.gz = createGzip({ level, chunkSize: 1 << 18, strategy: zc.Z_DEFAULT_STRATEGY });
    this.tmp = `${path}.${process.pid}.tmp`;
    this.file = createWriteStream(this.tmp);
    this.gz.pipe(this.file);
    this.done = once(this.file, 'finish');
  }
  get needsFlush(): boolean {
    return this.pos > this.buf.length - 4096;
  }
  async flush(): Promise<void> {
    if (this.signal?.aborted) throw stoppedError(this.signal);
    if (this.pos === 0) return;
    const ok = this.gz.write(Buffer.from(this.buf.subarray(0, this.pos)));
    this.pos = 0;
    if (!ok) await once(this.gz, 'drain');
  }
  /** Writes the last bytes and closes the temporary file ({@link commit} renames it). */
  async close(): Promise<void> {
    await this.flush();
    this.gz.end();
    await this.done;
  }
  /** Renames the closed temporary file to `path`. */
  commit(): void {
    renameSync(this.tmp, this.path);
  }
  /** Stops writing and removes the temporary file (after an error or an abort, instead of {@link commit}). */
  async discard(): Promise<void> {
    // A write still pending when the file is destroyed fails (ERR_STREAM_DESTROYED): nothing waits for it now.
    this.done.catch(() => undefined);
    this.gz.destroy();
    if (!this.file.closed) {
      // Wait for the stream's own open and close: a file still being opened would appear after the removal.
      const closed = once(this.file, 'close').catch(() => undefined);
      this.file.destroy();
      await closed;
    }
    rmSync(this.tmp, { force: true });
  }
}

const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const NEG10 = Array.from({ length: 23 }, (_, i) => Number(`1e-${i}`));
