/**
 * The buffers a host lends `runRoundHandles`: checked before the round runs, so that a bad one is
 * refused (`INVALID_OPTION` naming the field) and the round does not happen — no task placed whose
 * placement the host would never get back. Both engines.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { FairfitError } from '../../src/errors.ts';
import type { IptasBatchEngine } from '../../src/systems/iptas/engine-api.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';

const makers: [string, () => IptasBatchEngine][] = [
  ['WebAssembly', () => new Engine({}, { taskCapacity: 4, nodeCapacity: 2 })],
  ['reference', () => new ReferenceEngine({})],
];

/** An engine with two waiting tasks on two nodes. */
function waiting(make: () => IptasBatchEngine): IptasBatchEngine {
  const e = make();
  e.addNodes([{ capacity: [8, 8] }, { capacity: [8, 8] }]);
  e.submitMany([0, 1].map((k) => ({ id: `t${k}`, user: 'u', demand: [1, 1], dataGB: 1, requestTime: 10 })));
  return e;
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof FairfitError) return `${e.code}:${e.details.field}: ${e.message}`;
    throw e;
  }
  return 'accepted';
}

describe.each(makers)('runRoundHandles with lent buffers (%s engine)', (_, make) => {
  it('refuses a bad `into` before the round, naming the field, and nothing changes', () => {
    const e = waiting(make);
    const before = JSON.stringify(e.state());
    const cases: [unknown, string][] = [
      [null, 'INVALID_OPTION:into: into must be { tasks: Int32Array, nodes: Int32Array, t0: Float64Array } when given, got null'],
      [7, 'INVALID_OPTION:into: into must be { tasks: Int32Array, nodes: Int32Array, t0: Float64Array } when given, got 7'],
      [{}, 'INVALID_OPTION:into.tasks: into.tasks must be an Int32Array, got undefined'],
      [{ tasks: new Int32Array(4), nodes: [0, 0, 0, 0], t0: new Float64Array(4) }, 'INVALID_OPTION:into.nodes: into.nodes must be an Int32Array, got an array of 4'],
      [{ tasks: new Int32Array(4), nodes: new Int32Array(4), t0: new Int32Array(4) }, 'INVALID_OPTION:into.t0: into.t0 must be a Float64Array, got an Int32Array of 16 bytes'],
    ];
    for (const [into, want] of cases) {
      expect(codeOf(() => e.runRoundHandles(1, into as never))).toBe(want);
      expect(JSON.stringify(e.state())).toBe(before);
    }
    // The same round with good buffers: both tasks placed, written into them.
    const into = { tasks: new Int32Array(4), nodes: new Int32Array(4), t0: new Float64Array(4) };
    const r = e.runRoundHandles(1, into);
    expect(Array.from(r.tasks).sort()).toEqual([0, 1]);
    expect(r.tasks.buffer).toBe(into.tasks.buffer);
    expect(r.waiting).toBe(0);
  });
});
