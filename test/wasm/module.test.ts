import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Core, defaultBuild, isCoreBuffer, sharedMemoryBytes, Views, wasmModule, wasmPath, withScratch } from '../../src/wasm/module.ts';
import { shareTyped } from '../../src/runner/share.ts';
import fc from 'fast-check';
import { FairfitError } from '../../src/errors.ts';
import { MATCHER } from '../../src/kernels/kernel-layouts.ts';

describe('the WebAssembly module is compiled once and shared', () => {
  it('every call gets the same compiled Module; each Core has its own memory', () => {
    expect(wasmModule('release')).toBe(wasmModule('release'));
    const a = new Core(wasmModule('release'));
    const b = new Core(wasmModule('release'));
    expect(a.memory).not.toBe(b.memory);
  });
  it('the scratch arena is freed after each call', () => {
    const before = withScratch((core) => core.mark());
    withScratch((core) => core.alloc(1 << 20));
    expect(withScratch((core) => core.mark())).toBe(before);
  });
  it('arena growth keeps new views valid', () => {
    const core = new Core();
    const p = core.putF64([1, 2, 3]);
    core.alloc(64 << 20); // forces memory.grow, which detaches old buffers
    expect([...core.f64(p, 3)]).toEqual([1, 2, 3]);
  });
  it('hands out addresses past 2 GiB as they are (an engine of 150k nodes and its rings reaches them)', () => {
    // Growing reserves address space; only the pages written below become resident.
    const core = new Core();
    core.alloc(2 ** 31 + 40);
    const p = core.alloc(16);
    expect(p).toBeGreaterThan(2 ** 31);
    expect(p % 16).toBe(0);
    core.f64(p, 2).set([1.5, 2.5]);
    expect(Array.from(core.f64(p, 2))).toEqual([1.5, 2.5]);
  });

  it('a memory that cannot grow is OUT_OF_MEMORY (not V8\'s RangeError), and the arena is as it was', () => {
    const core = new Core();
    const mark = core.mark();
    // Past 4 GiB: the core's default limit says so before V8 is asked.
    expect(() => core.alloc(5 * 2 ** 30)).toThrow(expect.objectContaining({ code: 'OUT_OF_MEMORY', message: expect.stringContaining('past its limit of 4096.0 MiB') }));
    expect(() => core.reserve(5 * 2 ** 30)).toThrow(expect.objectContaining({ code: 'OUT_OF_MEMORY' }));
    expect(core.mark()).toBe(mark);
    // Without the limit, V8's own refusal to grow is the same error.
    core.limit = 2 ** 33;
    expect(() => core.alloc(5 * 2 ** 30)).toThrow(expect.objectContaining({ code: 'OUT_OF_MEMORY', message: expect.stringContaining('cannot grow to 5') }));
    expect(core.mark()).toBe(mark);
    const p = core.putF64([1, 2]);
    expect(Array.from(core.f64(p, 2))).toEqual([1, 2]);
  });

  it('a lower limit bounds the arena, not the memory: a core whose memory is larger still refuses past it; recycling puts the default back', () => {
    const core = new Core();
    core.alloc(1 << 20);
    const top = core.mark();
    core.limit = top + 1000;
    expect(() => core.alloc(2000)).toThrow(expect.objectContaining({ code: 'OUT_OF_MEMORY', message: expect.stringContaining('past its limit') }));
    expect(core.mark()).toBe(top);
    core.alloc(500);
    Core.recycle(core);
    expect(core.limit).toBe(2 ** 32);
  });

  it('kept views are made again, in one place, after the memory grew', () => {
    const core = new Core();
    const p = core.putF64([1, 2, 3]);
    let made = 0;
    const views = new Views(core, (c) => { made++; return c.f64(p, 3); });
    const before = views.get();
    expect(views.get()).toBe(before);
    core.alloc(64 << 20);
    expect(before.length).toBe(0); // detached by the growth
    expect([...views.get()]).toEqual([1, 2, 3]);
    expect(made).toBe(2);
    // In a shared memory (an engine's) the old view stays attached over the old length; the kept views are made again all the same.
    const shared = new Core(wasmModule(defaultBuild(), 'shared'));
    const q = shared.putF64([1, 2, 3]);
    let madeShared = 0;
    const sharedViews = new Views(shared, (c) => { madeShared++; return c.f64(q, 3); });
    const old = sharedViews.get();
    shared.alloc(64 << 20);
    expect([...old]).toEqual([1, 2, 3]);
    expect(old.buffer.byteLength).toBeLessThan(shared.memory.buffer.byteLength);
    expect([...sharedViews.get()]).toEqual([1, 2, 3]);
    expect(madeShared).toBe(2);
  });

  it('a shared core (an engine\'s) has a SharedArrayBuffer, known as a core\'s before and after growth; shareTyped copies views over it', () => {
    expect(new Core().memory.buffer).toBeInstanceOf(ArrayBuffer);
    expect(new Core().shared).toBe(false);
    const core = Core.reuse('shared');
    expect(core.shared).toBe(true);
    const p = core.putF64([1, 2, 3]);
    const first = core.f64(p, 3);
    core.alloc(8 << 20);
    const second = core.f64(p, 3);
    expect(first.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(second.buffer).not.toBe(first.buffer);
    expect(isCoreBuffer(first.buffer)).toBe(true);
    expect(isCoreBuffer(second.buffer)).toBe(true);
    expect(isCoreBuffer(new SharedArrayBuffer(8))).toBe(false);
    expect(isCoreBuffer(new ArrayBuffer(8))).toBe(false);
    // A view over the core must not reach another thread as it is: shareTyped copies it like a plain array.
    const shared = shareTyped(second);
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.buffer).not.toBe(second.buffer);
    expect([...shared]).toEqual([1, 2, 3]);
    second[0] = 9;
    expect(shared[0]).toBe(1);
    // A SharedArrayBuffer of the caller's own is shared as it is (checked below too).
    const own = new Float64Array(new SharedArrayBuffer(16));
    expect(shareTyped(own)).toBe(own);
    // Given back, it goes to the shared pool only.
    Core.recycle(core);
    expect(Core.reuse('ordinary')).not.toBe(core);
    expect(Core.reuse('shared')).toBe(core);
  });

  it('sharedMemoryBytes: the build with its memory section alone changed, to shared; modules it cannot make shared are refused', () => {
    const build = new Uint8Array(readFileSync(wasmPath(defaultBuild())));
    const shared = sharedMemoryBytes(build);
    const exportsOf = (b: Uint8Array<ArrayBuffer>) => WebAssembly.Module.exports(new WebAssembly.Module(b)).map((e) => `${e.name}:${e.kind}`);
    expect(exportsOf(shared)).toEqual(exportsOf(build));
    // Bytes before and after the memory section are the build's.
    let head = 0;
    while (build[head] === shared[head]) head++;
    let tail = 0;
    while (build[build.length - 1 - tail] === shared[shared.length - 1 - tail]) tail++;
    expect(shared.length - head - tail).toBeLessThanOrEqual(10);
    // A hand-made module: one memory exported as 'm', with a minimum of 1 page and a maximum of 2, or no maximum.
    const tiny = (limits: number[]) => new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 1 + limits.length, 1, ...limits, 7, 5, 1, 1, 0x6d, 2, 0]);
    const memoryOf = (b: Uint8Array<ArrayBuffer>) => new WebAssembly.Instance(new WebAssembly.Module(b)).exports.m as WebAssembly.Memory;
    const bounded = memoryOf(sharedMemoryBytes(tiny([0x01, 1, 2])));
    expect(bounded.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(bounded.grow(1)).toBe(1);
    expect(() => bounded.grow(1)).toThrow(RangeError); // its maximum of 2 pages kept
    const open = memoryOf(sharedMemoryBytes(tiny([0x00, 1])));
    expect(open.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(open.grow(100)).toBe(1); // 65,536 pages at most
    expect(memoryOf(tiny([0x00, 1])).buffer).toBeInstanceOf(ArrayBuffer);
    expect(() => sharedMemoryBytes(tiny([0x03, 1, 2]))).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('flags 3') }));
    expect(() => sharedMemoryBytes(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('no memory section') }));
  });

  it('fill sets exactly the bytes TypedArray.fill would, in WebAssembly (property)', () => {
    const core = new Core();
    const at = core.alloc(4096);
    fc.assert(fc.property(fc.integer({ min: 0, max: 4096 }), fc.integer({ min: 0, max: 4096 }), fc.integer({ min: -300, max: 300 }), fc.uint8Array({ minLength: 4096, maxLength: 4096 }), (from, len, value, before) => {
      const n = Math.min(len, 4096 - from);
      const mem = core.u8(at, 4096);
      mem.set(before);
      const want = before.slice();
      want.fill(value, from, from + n);
      core.fill(at + from, value, n);
      expect(mem).toEqual(want);
    }), { numRuns: 300 });
  });
});

describe('an abort inside WebAssembly becomes FairfitError WASM_ABORT', () => {
  it('with the decoded message, and the core is marked broken', () => {
    const core = new Core(wasmModule('debug'));
    let err: unknown;
    try {
      const m = core.alloc(MATCHER.size);
      MATCHER.write(core.memory, m, { n: 1, dims: 0, size: 1, cap: 0, res: 0, up: 0, node: 0, pos: 0, tree: 0, save: 0 });
      core.exports.ffRebuild(m); // dims = 0 trips the debug-build assert
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FairfitError);
    expect((err as FairfitError).code).toBe('WASM_ABORT');
    expect((err as FairfitError).message).toMatch(/bindMatcher: bad matcher shape at assembly\/firstfit\.ts:\d+/);
    expect(core.broken).toBe(true);
  });
});
