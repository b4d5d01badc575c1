/**
 * The arrival file of a prepared replay (docs/model.md, "The whole trace"):
 * the per-task columns of a preparation — tasks in arrival order — written to
 * a temporary file in blocks instead of being held in memory, and read back
 * block by block by each part of the run as its task slots fill. A run of a
 * 25 M-task trace then holds no per-task column during the runs (1.5 GB in
 * shared memory before), only the tasks alive in its slots and one block.
 *
 * Layout (TypeScript only: the kernel never sees it): blocks of
 * `block` tasks (the last one shorter), each block the columns of
 * {@link arrivalColumns} one after the other, `count × bytes` each, f64
 * columns first so every column is aligned in a block read at an aligned
 * offset. A block of `c` tasks starts at `k · blockBytes(block)`.
 *
 * @module
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { FairfitError } from '../../errors.ts';
import { onFile } from '../../io/temp-files.ts';

export { onFile };

/** What a preparation written to an arrival file carries instead of its task columns. */
export interface ArrivalFile {
  path: string;
  /** Tasks in the file (all arriving tasks of the preparation, in arrival order). */
  count: number;
  /** Tasks per block. */
  block: number;
  /** Columns of synthetic usage (`key`, `k0`, `count`) are present. */
  synthetic: boolean;
  /** Tasks per machine (machines past the last one with a task: none), so a part knows how many it has before reading. */
  perMachine?: Int32Array;
}

/** The columns of one block of an arrival file: the task columns of `PreparedTasks` the slots read, and the per-task data of usage. */
export interface ArrivalBlock {
  submitUs: Float64Array;
  work: Float64Array;
  req: Float64Array;
  /** Memory request (NaN read as 0 already). */
  mem: Float64Array;
  machine: Int32Array;
  submitTick: Int32Array;
  priority: Int32Array;
  /** Synthetic usage only (empty otherwise). */
  key: Int32Array;
  k0: Int32Array;
  count: Int32Array;
}

type Column = keyof ArrivalBlock;

/** Columns in file order with their bytes per task. */
export function arrivalColumns(synthetic: boolean): [Column, 4 | 8][] {
  const cols: [Column, 4 | 8][] = [['submitUs', 8], ['work', 8], ['req', 8], ['mem', 8], ['machine', 4], ['submitTick', 4], ['priority', 4]];
  if (synthetic) cols.push(['key', 4], ['k0', 4], ['count', 4]);
  return cols;
}

/** Bytes of one task in the file. */
export function bytesPerTask(synthetic: boolean): number {
  return arrivalColumns(synthetic).reduce((s, [, b]) => s + b, 0);
}

/** Tasks per block; tests set it low to cross many block boundaries. */
export const ARRIVAL_TUNING = { block: 1 << 16 };

/** Views of `count` tasks' columns over `bytes` (a block's bytes, from offset 0 of an aligned buffer). */
function blockViews(buffer: ArrayBuffer, count: number, synthetic: boolean): ArrivalBlock {
  const none = new Int32Array(0);
  const out: Partial<Record<Column, Float64Array | Int32Array>> = { key: none, k0: none, count: none };
  let at = 0;
  for (const [name, b] of arrivalColumns(synthetic)) {
    out[name] = b === 8 ? new Float64Array(buffer, at, count) : new Int32Array(buffer, at, count);
    at += count * b;
  }
  return out as ArrivalBlock;
}

/** Columns for one block of `block` tasks, to fill and hand to {@link ArrivalWriter.write}. */
export function newArrivalBlock(block: number, synthetic: boolean): ArrivalBlock {
  return blockViews(new ArrayBuffer(block * bytesPerTask(synthetic)), block, synthetic);
}

/** Writes an arrival file block by block (the caller fills one {@link ArrivalBlock} at a time). */
export class ArrivalWriter {
  private fd: number;
  private tasks = 0;
  private perMachine = new Int32Array(64);
  private machines = 0;
  constructor(readonly path: string, readonly block: number, readonly synthetic: boolean) {
    this.fd = onFile(path, 'cannot write the arrival file', () => openSync(path, 'w'));
  }

  /** Appends the first `count` tasks of `b` (`count` = the block size except for the last block). */
  write(b: ArrivalBlock, count: number): void {
    // Blocks sit at multiples of the block size: nothing may follow a short block.
    if (this.tasks % this.block !== 0) throw new FairfitError('INVALID_OPTION', 'ArrivalWriter.write: only the last block may be short', { field: 'count' });
    for (const [name, bytes] of arrivalColumns(this.synthetic)) {
      const col = b[name];
      onFile(this.path, 'cannot write the arrival file', () => writeSync(this.fd, new Uint8Array(col.buffer, col.byteOffset, count * bytes)));
    }
    this.tasks += count;
    this.count(b.machine, count);
  }

  private count(machine: Int32Array, n: number): void {
    for (let j = 0; j < n; j++) {
      const m = machine[j]!;
      if (m >= this.perMachine.length) {
        const grown = new Int32Array(Math.max(m + 1, this.perMachine.length * 2));
        grown.set(this.perMachine);
        this.perMachine = grown;
      }
      this.perMachine[m]!++;
      if (m >= this.machines) this.machines = m + 1;
    }
  }

  /** Closes the file; returns what a preparation carries. */
  close(): ArrivalFile {
    closeSync(this.fd);
    return { path: this.path, count: this.tasks, block: this.block, synthetic: this.synthetic, perMachine: this.perMachine.slice(0, this.machines) };
  }
}

/**
 * Reads an arrival file's blocks in order, keeping the tasks of machines
 * [m0, m1) (all: the block's own views, no copy).
 */
export class ArrivalReader {
  private fd: number | undefined;
  private next = 0;
  private readonly raw: ArrayBuffer;
  private readonly picked: ArrivalBlock;
  private readonly all: boolean;
  /** Scratch: the block's tasks in the machine range. */
  private readonly index: Int32Array;
  /** The tasks of the current block in the machine range, and how many. */
  tasks: ArrivalBlock;
  n = 0;

  constructor(readonly file: ArrivalFile, readonly m0: number, readonly m1: number, machines: number) {
    this.fd = onFile(file.path, 'cannot read the arrival file', () => openSync(file.path, 'r'));
    this.raw = new ArrayBuffer(file.block * bytesPerTask(file.synthetic));
    this.all = m0 === 0 && m1 >= machines;
    this.picked = this.all ? blockViews(this.raw, 0, file.synthetic) : newArrivalBlock(file.block, file.synthetic);
    this.tasks = this.picked;
    this.index = new Int32Array(this.all ? 0 : file.block);
  }

  /** Loads the next block; false at the end of the file (then the file is closed). */
  advance(): boolean {
    const f = this.file;
    if (this.fd === undefined) return false;
    if (this.next >= f.count) { this.close(); return false; }
    const count = Math.min(f.block, f.count - this.next);
    const bytes = count * bytesPerTask(f.synthetic);
    const at = (this.next / f.block) * f.block * bytesPerTask(f.synthetic);
    const u8 = new Uint8Array(this.raw, 0, bytes);
    for (let got = 0; got < bytes;) {
      const fd = this.fd;
      const r = onFile(f.path, 'cannot read the arrival file', () => readSync(fd, u8, got, bytes - got, at + got));
      if (r === 0) throw new FairfitError('CORRUPT_INPUT', `arrival file ${f.path} ends at byte ${at + got}, expected ${at + bytes}`, { file: f.path });
      got += r;
    }
    this.next += count;
    const block = blockViews(this.raw, count, f.synthetic);
    if (this.all) { this.tasks = block; this.n = count; return true; }
    const n = this.n = pickIndex(block.machine, count, this.m0, this.m1, this.index);
    for (const [c, b] of arrivalColumns(f.synthetic)) {
      if (b === 8) gatherF64(block[c] as Float64Array, this.index, n, this.picked[c] as Float64Array);
      else gatherI32(block[c] as Int32Array, this.index, n, this.picked[c] as Int32Array);
    }
    this.tasks = this.picked;
    return true;
  }

  /** Closes the file (also done at its end). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

// One loop per column type, each a small function (monomorphic typed-array access).

/** The indices j < count with machine[j] in [m0, m1), in order, into `out`; returns how many. */
function pickIndex(machine: Int32Array, count: number, m0: number, m1: number, out: Int32Array): number {
  let n = 0;
  for (let j = 0; j < count; j++) { const m = machine[j]!; if (m >= m0 && m < m1) out[n++] = j; }
  return n;
}

function gatherF64(from: Float64Array, index: Int32Array, n: number, to: Float64Array): void {
  for (let x = 0; x < n; x++) to[x] = from[index[x]!]!;
}

function gatherI32(from: Int32Array, index: Int32Array, n: number, to: Int32Array): void {
  for (let x = 0; x < n; x++) to[x] = from[index[x]!]!;
}

/** The blocks of tasks a part stages from, one after another (an {@link ArrivalReader}, or a cursor over one shared by several replays). */
export interface ArrivalSource {
  /** Loads the next block; false at the end. */
  advance(): boolean;
  /** The current block's tasks in the part's machine range, and how many. */
  readonly tasks: ArrivalBlock;
  readonly n: number;
  close(): void;
}

/** Copies the first n tasks of each column of `b` (the reader reuses its buffers). */
function copyBlock(b: ArrivalBlock, n: number, synthetic: boolean): ArrivalBlock {
  const out = { ...b };
  for (const [c] of arrivalColumns(synthetic)) (out as Record<Column, Int32Array | Float64Array>)[c] = b[c].slice(0, n);
  return out;
}

/**
 * One reading of an arrival file for several replays of the same part (policies in lockstep): each
 * replay stages from a {@link ArrivalSharedReader.cursor}; a block is read and picked once, kept
 * (copied) until every cursor has moved past it. The replays stage in lockstep, so at most the
 * blocks one staging round crosses are kept.
 */
export class ArrivalSharedReader {
  private readonly reader: ArrivalReader;
  /** Blocks from sequence number `first` on, and how many tasks each holds. */
  private blocks: { tasks: ArrivalBlock; n: number }[] = [];
  private first = 0;
  private ended = false;
  private readonly at: number[] = [];
  private open = 0;

  constructor(readonly file: ArrivalFile, m0: number, m1: number, machines: number) {
    this.reader = new ArrivalReader(file, m0, m1, machines);
  }

  /** A new cursor, at the file's start. */
  cursor(): ArrivalSource {
    const id = this.at.length;
    this.at.push(-1);
    this.open++;
    const shared = this;
    let current: { tasks: ArrivalBlock; n: number } | undefined;
    return {
      advance() {
        current = shared.block(id, shared.at[id]! + 1);
        return current !== undefined;
      },
      get tasks() { return current!.tasks; },
      get n() { return current?.n ?? 0; },
      close() { shared.closeCursor(id); },
    };
  }

  /** Block `seq` for cursor `id` (undefined past the end); drops the blocks no cursor needs any more. */
  private block(id: number, seq: number): { tasks: ArrivalBlock; n: number } | undefined {
    while (!this.ended && seq >= this.first + this.blocks.length) {
      if (!this.reader.advance()) this.ended = true;
      else this.blocks.push({ tasks: copyBlock(this.reader.tasks, this.reader.n, this.file.synthetic), n: this.reader.n });
    }
    if (seq >= this.first + this.blocks.length) return undefined;
    this.at[id] = seq;
    const low = Math.min(...this.at);
    if (low > this.first) { this.blocks.splice(0, low - this.first); this.first = low; }
    return this.blocks[seq - this.first];
  }

  /** Closes the file whatever the cursors' state (the part ended, or failed). */
  close(): void {
    this.reader.close();
    this.blocks = [];
  }

  private closeCursor(id: number): void {
    if (this.at[id] === Infinity) return;
    this.at[id] = Infinity;
    if (--this.open === 0) this.close();
  }
}
