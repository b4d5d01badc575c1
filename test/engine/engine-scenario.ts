/**
 * What the scenario tests of the engine's host calls (cancel, purge) share: a task input, a
 * scenario run on both engines, a refusal as text, a snapshot's format version.
 */
import { expect } from 'vitest';
import { Engine, type EngineOptions } from '../../src/engine/engine.ts';
import { FairfitError } from '../../src/errors.ts';
import type { IptasBatchEngine } from '../../src/systems/iptas/engine-api.ts';
import type { IptasParams } from '../../src/systems/iptas/params.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';

/** A task input of `dataGB` 5. */
export const task = (id: string, user: string, demand: number[], requestTime = 100) => ({ id, user, demand, dataGB: 5, requestTime });

/**
 * `scenario` on both engines: the same answers (as JSON) — and, with `state`, the same final
 * `state()` — and the WebAssembly engine's answers (made with `engine` options).
 */
export function onBoth(params: IptasParams, scenario: (e: IptasBatchEngine) => unknown[], how: { engine?: EngineOptions; state?: boolean } = {}): unknown[] {
  const wasm = new Engine(params, how.engine);
  try {
    const got = scenario(wasm);
    const ref = new ReferenceEngine(params);
    expect(JSON.stringify(got)).toBe(JSON.stringify(scenario(ref)));
    if (how.state) expect(JSON.stringify(wasm.state())).toBe(JSON.stringify(ref.state()));
    return got;
  } finally {
    wasm.close();
  }
}

/** The error a call throws, as `CODE field` (`CODE field: message` with `message`), or 'accepted'. */
export function refusal(f: () => unknown, message = false): string {
  try {
    f();
  } catch (err) {
    if (err instanceof FairfitError) return `${err.code} ${String(err.details.field)}${message ? `: ${err.message}` : ''}`;
    throw err;
  }
  return 'accepted';
}

/** A snapshot's format version (bytes 4–7 of its header). */
export const snapshotVersion = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset).getUint32(4, true);
