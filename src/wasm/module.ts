/**
 * The JS↔WebAssembly boundary: the compiled module cache, instances with their
 * own linear memory, a bump arena over that memory, and typed-array views.
 *
 * Why one instance per stateful object: each {@link Core} owns its memory, so
 * a matcher's node columns live exactly as long as the matcher and there is no
 * allocator to fragment. Stateless kernels share one scratch core per thread.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FairfitError, numberOrNaN } from '../errors.ts';
import type { CoreExports } from './abi.ts';
import type { WasmMemory, WasmModule } from './wasm-types.ts';

/** Which AssemblyScript build to load: `release` (optimised, asserts removed) or `debug`. */
export type WasmBuild = 'release' | 'debug';

/**
 * Which memory an instance gets: `ordinary`, or `shared` — the same build with
 * its memory section rewritten as shared (see `sharedMemoryBytes`), for engines
 * (docs/architecture.md: V8 does not count a shared memory's growth against
 * its external-memory budget, so a restore's growth starts no full collection).
 */
export type MemoryKind = 'ordinary' | 'shared';

const modules = new Map<string, { build: WasmBuild; module: WebAssembly.Module }>();
const hashes = new Map<WasmBuild, Buffer>();

/**
 * SHA-256 of the compiled module's build file (snapshots carry it: a memory
 * image is only meaningful to the module that wrote it; both memory kinds of
 * a build have its hash), read when first asked for (most processes never
 * take a snapshot).
 */
export function moduleHash(module: WasmModule = wasmModule()): Buffer {
  return buildHash([...modules.values()].find((m) => m.module === module)?.build ?? defaultBuild());
}

/** SHA-256 of a build's `.wasm` file, read once per process (what {@link moduleHash} and a queue job's build id are made of). */
export function buildHash(build: WasmBuild): Buffer {
  let h = hashes.get(build);
  if (!h) {
    h = createHash('sha256').update(readFileSync(wasmPath(build))).digest();
    hashes.set(build, h);
  }
  return h;
}

/** Path of a build's `.wasm` file (same relative place from `src/` and `dist/`). */
export function wasmPath(build: WasmBuild = 'release'): URL {
  return new URL(`../../build/${build}.wasm`, import.meta.url);
}

/**
 * The compiled module, compiled once per thread and memory kind and cached.
 * Pass it to worker threads in `workerData` (Node clones compiled modules)
 * instead of recompiling.
 */
export function wasmModule(build: WasmBuild = defaultBuild(), memory: MemoryKind = 'ordinary'): WasmModule {
  const key = `${build}:${memory}`;
  let m = modules.get(key)?.module;
  if (!m) {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(wasmPath(build)));
    } catch (cause) {
      throw new FairfitError('FILE_NOT_FOUND', `WebAssembly build '${build}' not found at ${wasmPath(build).pathname}: run \`npm run build\``, { file: wasmPath(build).pathname }, { cause });
    }
    m = new WebAssembly.Module(memory === 'shared' ? sharedMemoryBytes(bytes) : bytes);
    modules.set(key, { build, module: m });
  }
  return m;
}

/** Registers a module compiled elsewhere (e.g. received by a worker thread), with an ordinary memory. */
export function adoptModule(module: WasmModule, build: WasmBuild = defaultBuild()): void {
  modules.set(`${build}:ordinary`, { build, module: module as WebAssembly.Module });
}

/** Reads an unsigned LEB128 at `at`: [value, position after it]. */
function leb(bytes: Uint8Array, at: number): [number, number] {
  let v = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[at++];
    if (b === undefined || shift > 28) throw new FairfitError('CORRUPT_INPUT', 'WebAssembly build: a LEB128 number runs past its bounds', { field: 'module' });
    v += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [v, at];
  }
}

/** Unsigned LEB128 bytes of `v`. */
function lebBytes(v: number): number[] {
  const out: number[] = [];
  do {
    const b = v % 128;
    v = Math.floor(v / 128);
    out.push(v > 0 ? b | 0x80 : b);
  } while (v > 0);
  return out;
}

/** Pages a shared memory may grow to when the build declares no maximum (a shared memory needs one): 4 GiB. */
const SHARED_MAX_PAGES = 65536;

/**
 * A copy of a module's bytes whose one defined memory is declared shared:
 * its limits (flags 0x00, a minimum; or 0x01, a minimum and a maximum) become
 * flags 0x03, shared, with the build's maximum or else 65,536 pages. Nothing
 * else changes — the code uses no atomics, and plain loads and stores are the
 * same on both — so one build file serves both kinds and both have its hash.
 * The build itself declares no maximum: with one, V8 handled the replay's
 * ordinary memories so that a short replay peaked ≈ 9 MiB higher.
 */
export function sharedMemoryBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  let at = 8; // magic and version
  while (at < bytes.length) {
    const sectionAt = at;
    const id = bytes[at++]!;
    const [size, body] = leb(bytes, at);
    if (id === 5) {
      const [count, flagAt] = leb(bytes, body);
      const flags = bytes[flagAt];
      if (count !== 1 || (flags !== 0x00 && flags !== 0x01)) throw new FairfitError('INVALID_OPTION', `WebAssembly build: its memory section is not one plain memory (count ${count}, flags ${flags})`, { field: 'module' });
      const [min, afterMin] = leb(bytes, flagAt + 1);
      const [max, end] = flags === 0x01 ? leb(bytes, afterMin) : [SHARED_MAX_PAGES, afterMin];
      if (end !== body + size) throw new FairfitError('INVALID_OPTION', 'WebAssembly build: its memory section holds more than one memory\'s limits', { field: 'module' });
      const payload = [...lebBytes(1), 0x03, ...lebBytes(min), ...lebBytes(max)];
      const section = [5, ...lebBytes(payload.length), ...payload];
      const out = new Uint8Array(bytes.length - (end - sectionAt) + section.length);
      out.set(bytes.subarray(0, sectionAt));
      out.set(section, sectionAt);
      out.set(bytes.subarray(end), sectionAt + section.length);
      return out;
    }
    at = body + size;
  }
  throw new FairfitError('INVALID_OPTION', 'WebAssembly build: no memory section (an imported memory is not made shared here)', { field: 'module' });
}

/** `FAIRFIT_WASM=debug` selects the debug build (used by the test suite to check both). */
export function defaultBuild(): WasmBuild {
  return process.env.FAIRFIT_WASM === 'debug' ? 'debug' : 'release';
}

const PAGE = 65536;

/** The most a 32-bit WebAssembly memory holds: 4 GiB. */
export const MAX_CORE_BYTES = 2 ** 32;

/** Reads an AssemblyScript string (UTF-16LE, byte length stored just before it). */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (ptr === 0) return '';
  const buf = memory.buffer;
  const len = new Uint32Array(buf, ptr - 4, 1)[0] ?? 0;
  return Buffer.from(buf, ptr, len).toString('utf16le');
}

/**
 * One WebAssembly instance, its memory and a bump arena. Pointers are byte
 * offsets. Views are made on demand from the current `memory.buffer`;
 * objects that keep views hold them in a {@link Views}, rebuilt when the
 * memory grew (an old view stays attached but does not cover what a growth added).
 *
 * An engine's core has a shared memory ({@link MemoryKind}), though no other
 * thread ever sees it: V8 counts an ordinary WebAssembly memory's growth
 * against its external-memory budget, and a restore's one growth of ≈ 200 MB
 * started a full collection that marked everything the host holds (45–70 ms
 * with 10^6 task ids alive); a shared memory's is not counted. Every other
 * core keeps an ordinary memory: there the collector's knowing what a core
 * holds is worth more (a replay's growths prompt the collections that free
 * its read's garbage; with shared memories, the eight policies' run peaked
 * 15–70 MiB higher and ran ≈ 6 % longer). An engine gives its core back when
 * closed ({@link Core.recycle}), since the collector does not see its size.
 *
 * One core per engine object: the kernel objects an engine is made of (a
 * matcher, a priority table, its task and node tables) take the engine's core
 * (`{ core }` option) and lay their structs side by side in its memory, so one
 * call can run from one kernel into the next without leaving WebAssembly.
 */
export class Core {
  readonly exports: CoreExports;
  readonly memory: WasmMemory;
  /** Set when the core aborted; a broken core must not be used again. */
  broken = false;
  /**
   * How many times the memory grew. Only {@link Core.alloc} grows it (kernels
   * never do), so a view made at the same generation is still attached: a
   * cheaper test than reading `memory.buffer`.
   */
  generation = 0;
  /**
   * Most bytes the arena may reach (static data included): an allocation past
   * it is `OUT_OF_MEMORY`, as one past what the memory can grow to. Default
   * 4 GiB (`MAX_CORE_BYTES`); an object that owns the core may set it lower
   * (an engine's `memoryLimit`); {@link Core.recycle} puts it back.
   */
  limit = MAX_CORE_BYTES;
  private top: number;

  /** True for a shared memory (an engine's core: {@link Core.reuse} with `'shared'`). */
  readonly shared: boolean;

  constructor(module: WasmModule = wasmModule()) {
    let self: Core | undefined;
    const instance = new WebAssembly.Instance(module, {
      env: {
        abort: (msg: number, file: number, line: number, col: number) => {
          const mem = instance.exports.memory as WebAssembly.Memory;
          if (self) self.broken = true;
          throw new FairfitError('WASM_ABORT', `WebAssembly abort: ${readAsString(mem, msg)} at ${readAsString(mem, file)}:${line}:${col}`, { line });
        },
      },
    });
    this.exports = instance.exports as unknown as CoreExports;
    this.memory = this.exports.memory;
    this.shared = this.memory.buffer instanceof SharedArrayBuffer;
    this.noteBuffer();
    this.top = align(this.exports.heapBase(), 16);
    self = this;
  }

  /**
   * A core for a new long-lived object: one given back with {@link Core.recycle}
   * if this thread has one (its arena zeroed, its memory kept), else a new one.
   * Memory that was used once is cheap to use again; fresh memory costs a page
   * fault per page on first touch, which on some machines is a large part of
   * setting up an engine. `memory`: the kind of memory the core has.
   */
  static reuse(memory: MemoryKind = 'ordinary'): Core {
    const core = pools[memory].pop();
    if (core === undefined) return new Core(wasmModule(defaultBuild(), memory));
    pooledBytes -= core.memory.buffer.byteLength;
    return core;
  }

  /**
   * Gives a core that no object uses any more back for {@link Core.reuse}: its
   * arena is zeroed (so the next owner finds fresh-looking memory). Kept while
   * this thread holds at most {@link POOL_BYTES} of them; a broken core is dropped.
   */
  static recycle(core: Core): void {
    const bytes = core.memory.buffer.byteLength;
    const pool = pools[core.shared ? 'shared' : 'ordinary'];
    if (core.broken || pool.includes(core) || pooledBytes + bytes > POOL_BYTES) return;
    core.fill(core.base, 0, core.top - core.base);
    core.top = core.base;
    core.limit = MAX_CORE_BYTES;
    pool.push(core);
    pooledBytes += bytes;
  }

  /** First byte of the arena (static data lies below it). */
  get base(): number {
    return align(this.exports.heapBase(), 16);
  }

  /**
   * Makes this fresh core's arena the image `bytes` (as read from another core
   * of the same module between {@link Core.base} and its top): memory grown to
   * fit, bytes copied, top set after them.
   */
  adoptArena(bytes: Uint8Array): void {
    if (this.top !== this.base) throw new FairfitError('INVALID_OPTION', 'adoptArena needs a fresh core', { field: 'core' });
    const ptr = this.alloc(bytes.length);
    this.u8(ptr, bytes.length).set(bytes);
  }

  /** Current top of the arena; give it back to {@link Core.release} to free everything after it. */
  mark(): number {
    return this.top;
  }

  /** Frees everything allocated after `mark`. */
  release(mark: number): void {
    this.top = mark;
  }

  /**
   * Grows memory once so that the next allocations of `bytes` in all need no
   * growth: each growth is an allocation V8 counts against its external
   * memory budget, and many of them in a row can each start a full garbage
   * collection.
   */
  reserve(bytes: number): void {
    this.growTo(align(this.top + bytes, 16));
  }

  /** Records a shared memory's current buffer for {@link isCoreBuffer}. */
  private noteBuffer(): void {
    const b = this.memory.buffer;
    if (b instanceof SharedArrayBuffer) coreBuffers.add(b);
  }

  /** Grows memory to hold `end` bytes; `OUT_OF_MEMORY` (not V8's RangeError) when it cannot. */
  private growTo(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end > this.limit) {
      throw new FairfitError('OUT_OF_MEMORY', `a WebAssembly memory would reach ${(end / 2 ** 20).toFixed(1)} MiB, past its limit of ${(this.limit / 2 ** 20).toFixed(1)} MiB`, { limit: this.limit });
    }
    if (end <= have) return;
    try {
      this.memory.grow(Math.ceil((end - have) / PAGE));
      this.noteBuffer();
    } catch (cause) {
      throw new FairfitError('OUT_OF_MEMORY', `a WebAssembly memory of ${(have / 2 ** 20).toFixed(1)} MiB cannot grow to ${(end / 2 ** 20).toFixed(1)} MiB (at most 4 GiB, and what the machine gives): ${(cause as Error).message}`, {}, { cause });
    }
    this.generation++;
  }

  /** Reserves `bytes` (16-byte aligned), growing memory if needed. Returns the pointer. */
  alloc(bytes: number): number {
    const ptr = this.top;
    const end = align(ptr + bytes, 16);
    this.growTo(end);
    this.top = end;
    return ptr;
  }

  f64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, n);
  }
  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, n);
  }
  u32(ptr: number, n: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, ptr, n);
  }
  u8(ptr: number, n: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, n);
  }

  /**
   * Sets `n` bytes from `ptr` to `value` in WebAssembly (`memory.fill`): `TypedArray.fill` over
   * a shared memory stores element by element with relaxed atomics, ≈ 14× slower.
   */
  fill(ptr: number, value: number, n: number): void {
    if (n > 0) this.exports.memoryFill(ptr, value, n);
  }

  /** Allocates and fills a float64 column; returns its pointer. */
  putF64(values: ArrayLike<number>): number {
    const ptr = this.alloc(values.length * 8);
    this.setF64(ptr, values);
    return ptr;
  }
  /** Writes a float64 column at `ptr` (room for `values.length` allocated by the caller). */
  setF64(ptr: number, values: ArrayLike<number>): void {
    const to = this.f64(ptr, values.length);
    if (ArrayBuffer.isView(values)) to.set(values);
    // A plain array may hold anything: set() made '1' 1, null 0 and true 1, which the kernels then took as
    // numbers where the references refuse them. NaN is what a kernel's finite check refuses, at that index.
    else for (let i = 0; i < values.length; i++) to[i] = numberOrNaN(values[i]);
  }
  /** Allocates and fills an int32 column; returns its pointer. */
  putI32(values: ArrayLike<number>): number {
    const ptr = this.alloc(values.length * 4);
    this.i32(ptr, values.length).set(values);
    return ptr;
  }
  /** Allocates and fills a uint8 column; returns its pointer. */
  putU8(values: ArrayLike<number>): number {
    const ptr = this.alloc(values.length);
    this.u8(ptr, values.length).set(values);
    return ptr;
  }
}

/**
 * Typed-array views over fixed regions of a core's memory, made by `make` and
 * made again — in this one place — whenever the memory grew (old views do
 * not cover what the growth added). `get()` costs one integer comparison when nothing changed.
 */
export class Views<T> {
  private generation = -1;
  private cached: T | undefined;

  constructor(private readonly core: Core, private readonly make: (core: Core) => T) {}

  /** Forgets the views: the next {@link Views.get} makes them again (after the regions they cover moved). */
  invalidate(): void {
    this.cached = undefined;
  }

  /** The views over the current memory buffer. */
  get(): T {
    if (this.core.generation !== this.generation || this.cached === undefined) {
      this.cached = this.make(this.core);
      this.generation = this.core.generation;
    }
    return this.cached;
  }
}

/**
 * Every buffer a core's memory has had (each growth makes a new one; kernels
 * never grow it): views over a shared one must be copied, never handed to
 * another thread as they are, although they are over a SharedArrayBuffer.
 */
const coreBuffers = new WeakSet<SharedArrayBuffer>();

/** True when `buffer` is a core's memory (see {@link Core}): a view over it is to be copied before it leaves the thread. */
export function isCoreBuffer(buffer: ArrayBufferLike): boolean {
  return buffer instanceof SharedArrayBuffer && coreBuffers.has(buffer);
}

/** At most this many bytes of recycled cores are kept per thread (256 MiB). */
export const POOL_BYTES = 256 * 2 ** 20;
const pools: Record<MemoryKind, Core[]> = { ordinary: [], shared: [] };
let pooledBytes = 0;

function align(n: number, a: number): number {
  // Not with bit operations: they are signed 32-bit, and addresses of a memory past 2 GiB would turn negative.
  return Math.ceil(n / a) * a;
}

let scratch: Core | undefined;

/**
 * Runs `fn` with this thread's shared scratch core; everything it allocates is
 * freed afterwards. A core that aborted is replaced by a fresh instance.
 */
export function withScratch<T>(fn: (core: Core) => T): T {
  if (!scratch || scratch.broken) scratch = new Core();
  const core = scratch;
  const mark = core.mark();
  try {
    return fn(core);
  } finally {
    core.release(mark);
  }
}
