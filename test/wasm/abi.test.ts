import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CORE_FUNCTIONS } from '../../src/wasm/abi.ts';
import { wasmModule, type WasmBuild } from '../../src/wasm/module.ts';
import { ERROR_CODES, WASM_STATUS } from '../../src/errors.ts';

describe('the WebAssembly ABI matches its typed description', () => {
  for (const build of ['release', 'debug'] as WasmBuild[]) {
    it(`${build} build exports exactly the functions of CoreExports, plus memory`, () => {
      const exports = WebAssembly.Module.exports(wasmModule(build));
      const fns = exports.filter((e) => e.kind === 'function').map((e) => e.name).sort();
      expect(fns).toEqual([...CORE_FUNCTIONS].sort());
      expect(exports.filter((e) => e.kind === 'memory').map((e) => e.name)).toEqual(['memory']);
    });
    it(`${build} build imports nothing but env.abort (exp, log, sin, cos are ported, assembly/v8-math.ts)`, () => {
      const imports = WebAssembly.Module.imports(wasmModule(build)).map((i) => `${i.module}.${i.name}`);
      expect(imports.filter((i) => i !== 'env.abort')).toEqual([]);
      if (build === 'debug') expect(imports).toEqual(['env.abort']);
    });
  }
  it('assembly/status.ts mirrors WASM_STATUS, and every status is an error code', () => {
    const src = readFileSync(new URL('../../assembly/status.ts', import.meta.url), 'utf8');
    const asStatus = Object.fromEntries([...src.matchAll(/export const (\w+): i32 = (\d+);/g)].map((m) => [m[1], Number(m[2])]));
    expect(asStatus).toEqual(WASM_STATUS);
    for (const name of Object.keys(WASM_STATUS)) if (name !== 'OK') expect(ERROR_CODES).toContain(name);
  });
});
