import { describe, expect, it } from 'vitest';
import { Core, wasmModule, withScratch } from '../../src/wasm/module.ts';
import { FairfitError } from '../../src/errors.ts';

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
});

describe('an abort inside WebAssembly becomes FairfitError WASM_ABORT', () => {
  it('with the decoded message, and the core is marked broken', () => {
    const core = new Core(wasmModule('debug'));
    let err: unknown;
    try {
      core.exports.ffInit(1, 0, 1, 0, 0, 0, 0, 0, 0, 0); // D = 0 trips the debug-build assert
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FairfitError);
    expect((err as FairfitError).code).toBe('WASM_ABORT');
    expect((err as FairfitError).message).toMatch(/ffInit: bad matcher shape at assembly\/firstfit\.ts:\d+/);
    expect(core.broken).toBe(true);
  });
});
