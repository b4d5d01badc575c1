/**
 * The WebAssembly engine equals the plain-TypeScript reference engine: the
 * same random sequences of operations — submits and gangs, rounds, completions
 * ok and failed, usage and time limits, heartbeats and sweeps, nodes added,
 * updated and removed, dispatch drains, explain, and bad calls — give the same
 * return values, the same errors and the same full state after every step.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32 } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { Engine } from '../../src/engine/engine.ts';
import { twinRun } from './twin-run.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';
import { FairfitError } from '../../src/errors.ts';
import type { CommandResult } from '../../src/systems/iptas/commands.ts';

describe('the WebAssembly engine equals the reference engine', () => {
  it('on 3000 random operations (requeue): same results, errors and state after every step', () => {
    const { wasm } = twinRun(1, 3000, { ringCapacity: 3, heartbeatInterval: 5, historyLength: 3, l0: 2 });
    const c = wasm.counts();
    expect(c.ok).toBeGreaterThan(0);
    expect(c.failed).toBeGreaterThan(0);
    expect(c.killed).toBeGreaterThan(0);
    expect(c.cancelled).toBeGreaterThan(0);
    wasm.close();
  });
  it('places nothing while no node is up: none yet, all removed, all down (demands of 0, gangs)', () => {
    const zero = { user: 'u', demand: [0, 0], dataGB: 1, requestTime: 5 };
    const run = (E: typeof Engine | typeof ReferenceEngine): unknown[] => {
      const e = new E({ heartbeatInterval: 5 });
      const out: unknown[] = [];
      e.submit({ id: 't', ...zero });
      e.submitGang({ id: 'g', ...zero, procs: 2 });
      out.push(e.runRound(0), e.taskView('t'));
      const [a, b] = e.addNodes([{ capacity: [2, 2] }, { capacity: [4, 4] }]);
      e.removeNode(a!);
      e.removeNode(b!);
      out.push(e.runRound(1));
      const c = e.addNode({ capacity: [1, 1] });
      e.sweepHealth(2);
      out.push(e.sweepHealth(10), e.isUp(c), e.runRound(10), e.drainDispatch(c));
      e.heartbeat(c, 11);
      out.push(e.runRound(11), e.drainDispatch(c));
      if (e instanceof Engine) e.close();
      return out;
    };
    const got = run(Engine);
    expect(JSON.stringify(got)).toBe(JSON.stringify(run(ReferenceEngine)));
    expect(got[0]).toEqual({ placements: [], waiting: ['t', 'g#0', 'g#1'] });
    expect((got[1] as { state: string }).state).toBe('waiting');
    expect(got[2]).toEqual({ placements: [], waiting: ['t', 'g#0', 'g#1'] });
    expect(got[5]).toEqual({ placements: [], waiting: ['t', 'g#0', 'g#1'] });
    expect(got[7]).toEqual({ placements: [{ task: 't', node: 2 }, { task: 'g#0', node: 2 }, { task: 'g#1', node: 2 }], waiting: [] });
  });
  it('take 200,000 nodes (the default threshold of as many capacities; rings of 4 slots) and decide alike', () => {
    // Math.max(...capacities) overflowed the stack near 150k nodes; the rings' memory then passed 2 GiB, whose
    // addresses turned negative in the arena's alignment.
    const N = 200_000;
    const run = (E: typeof Engine | typeof ReferenceEngine): unknown => {
      const e = new E({ ringCapacity: 4 });
      e.addNodes(Array.from({ length: N }, (_, i) => ({ capacity: [1 + (i % 7), 1 + (i % 5)] })));
      e.submit({ id: 'big', user: 'u', demand: [6, 4], dataGB: 1, requestTime: 5 });
      e.submit({ id: 'small', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 });
      const out = [e.runRound(0), e.explain('big').priority];
      if (e instanceof Engine) e.close();
      return out;
    };
    const got = run(Engine);
    expect(JSON.stringify(got)).toBe(JSON.stringify(run(ReferenceEngine)));
    expect((got as [{ placements: unknown[] }])[0].placements).toHaveLength(2);
  });

  it('refuse a heartbeat report that is not an object (it brought a down node back up), changing nothing', () => {
    const run = (E: typeof Engine | typeof ReferenceEngine): string[] => {
      const e = new E({ heartbeatInterval: 5 });
      const n = e.addNode({ capacity: [1, 1] });
      e.heartbeat(n, 1, { storageOk: false });
      e.sweepHealth(2);
      const out = [String(e.isUp(n))];
      for (const report of [false, null, 'yes', 0, [true]]) {
        try {
          e.heartbeat(n, 3, report as never);
          out.push('accepted');
        } catch (err) {
          out.push(err instanceof FairfitError ? `${err.code} ${String(err.details.field)}: ${err.message}` : String(err));
        }
      }
      out.push(String(e.isUp(n)), String(e.now));
      e.heartbeat(n, 4, undefined);
      out.push(String(e.isUp(n)));
      if (e instanceof Engine) e.close();
      return out;
    };
    const got = run(Engine);
    expect(got).toEqual(run(ReferenceEngine));
    expect(got[0]).toBe('false');
    expect(got.slice(1, 6).every((r) => r.startsWith('INVALID_OPTION report: the heartbeat report must be undefined or an object'))).toBe(true);
    expect(got.slice(6)).toEqual(['false', '2', 'true']);
  });
  it('an engine restored from a snapshot taken at a random step decides identically afterwards', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 1 << 30 }), fc.integer({ min: 1, max: 300 }), (seed, at) => {
      const { wasm } = twinRun(seed, 400, { ringCapacity: 2, heartbeatInterval: 5, historyLength: 3, agingCap: 3 }, 4, at);
      wasm.close();
      // 6 runs let a snapshot after a purge that had left fewer tasks than the largest gang pass CI for weeks.
    }), { numRuns: 20 });
  });
  it('over random seeds and parameters (fail, rings, aging cap, minEpsilon, threshold)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 2, max: 1 << 30 }),
      fc.record({
        ringCapacity: fc.integer({ min: 1, max: 6 }), downNodeTasks: fc.constantFrom('requeue' as const, 'fail' as const),
        agingCap: fc.constantFrom(Infinity, 2, 5), minEpsilon: fc.constantFrom(0, 0.5), l0: fc.integer({ min: 1, max: 4 }),
        threshold: fc.constantFrom(undefined, [1, 4]), heartbeatInterval: fc.constantFrom(2, 5), historyLength: fc.integer({ min: 1, max: 5 }),
      }),
      (seed, params) => {
        const { wasm } = twinRun(seed, 400, params, 1);
        wasm.close();
      },
    ), { numRuns: 8 });
  });
});

describe('engine parameters: both engines accept and refuse the same', () => {
  const refusal = (f: () => unknown): string => {
    try {
      const e = f() as { close?: () => void };
      e.close?.();
      return 'accepted';
    } catch (err) {
      return err instanceof FairfitError ? `${err.code} ${String(err.details.field)}: ${err.message}` : `not a FairfitError: ${String(err)}`;
    }
  };
  const both = (params: object): string => {
    const a = refusal(() => new Engine(params)), b = refusal(() => new ReferenceEngine(params));
    expect(a).toBe(b);
    return a;
  };
  it('refuse unknown keys by name, suggesting the parameter meant', () => {
    expect(both({ delta0: [1, 1] })).toMatch(/^INVALID_OPTION params\.delta0: .*not an IPTAS parameter \(did you mean threshold\?\)/);
    expect(both({ foo: 1 })).toMatch(/^INVALID_OPTION params\.foo: params\.foo is not an IPTAS parameter$/);
    expect(both({ ringcapacity: 4 })).toMatch(/did you mean ringCapacity\?/);
    expect(both({ alpah: 0.3 })).toMatch(/did you mean alpha\?/);
    expect(both({ l0: 2, ringCapacity: 4, threshold: [1, 1], downNodeTasks: 'fail' })).toBe('accepted');
  });
  it('bound ringCapacity by what the WebAssembly memory holds, with an INVALID_OPTION (also when nodes are added)', () => {
    for (const r of [1e8, 1e9, 2 ** 30, 2 ** 24 + 1]) expect(both({ ringCapacity: r })).toMatch(/^INVALID_OPTION params\.ringCapacity: .*\[1, 16777216\]/);
    expect(both({ ringCapacity: 2 ** 24 })).toBe('accepted');
    expect(refusal(() => new Engine({ ringCapacity: 2 ** 20 }, { nodeCapacity: 512 }))).toMatch(/^INVALID_OPTION options\.nodeCapacity: .*at most 524288 for 512 node rows/);
    using e = new Engine({ ringCapacity: 2 ** 24 }, { nodeCapacity: 1 });
    e.addNodes(Array.from({ length: 16 }, () => ({ capacity: [1, 1] })));
    expect(refusal(() => e.addNode({ capacity: [1, 1] }))).toMatch(/^INVALID_OPTION nodes: nodes: 32 node rows .*at most 8388608/);
    expect(e.nodeOrder().length).toBe(16); // refused before anything changed
    e.submit({ id: 't', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 });
    expect(e.runRound(0).placements).toEqual([{ task: 't', node: 15 }]);
    expect(e.drainDispatch(15)).toEqual(['t']);
  });
  it('take resolved params back (another engine, a snapshot), and refuse a priority subset that disagrees', () => {
    using e = new Engine({ l0: 3, agingCap: 5, threshold: [1, 2] });
    using again = new Engine(e.params);
    expect(again.params).toEqual(e.params);
    expect(new ReferenceEngine(e.params).params).toEqual(e.params);
    using restored = Engine.restore(e.snapshot());
    expect(restored.params).toEqual(e.params);
    expect(both({ ...e.params, priority: { ...e.params.priority, l0: 9 } })).toMatch(/^INVALID_OPTION params\.priority: /);
  });
});

/** Bytes whose checksum is made to match them again (tampering, not corruption). */
function reseal(b: Uint8Array): Uint8Array {
  new DataView(b.buffer, b.byteOffset).setUint32(b.length - 4, crc32(b.subarray(0, b.length - 4)), true);
  return b;
}

/** `bytes` with the bits `flips` ([byte, bit]) flipped, resealed and restored: the engine, or undefined when refused (with CORRUPT_INPUT). */
function restoreFlipped(bytes: Uint8Array, flips: readonly (readonly [number, number])[]): Engine | undefined {
  const b = bytes.slice();
  for (const [at, bit] of flips) b[at]! ^= 1 << bit;
  try {
    return Engine.restore(reseal(b));
  } catch (err) {
    expect(err).toMatchObject({ code: 'CORRUPT_INPUT' });
    return undefined;
  }
}

/** Each call answers or refuses as any engine does (a FairfitError): never a crash, never the WebAssembly core's abort. */
function ownErrorsOnly(calls: readonly (() => unknown)[]): void {
  for (const call of calls) {
    try {
      call();
    } catch (err) {
      expect(err).toBeInstanceOf(FairfitError);
      expect((err as FairfitError).code).not.toBe('WASM_ABORT');
    }
  }
}

/** The values (raw bytes) and the 16-byte head of column section k of a snapshot's body (column-codec.ts). */
function section(b: Uint8Array, k: number): [Uint8Array, Uint8Array] {
  const view = new DataView(b.buffer, b.byteOffset);
  const size = [1, 1, 2, 2, 4, 4, 4, 8, 1, 1, 2, 2];
  const bytesOf = (at: number): [number, number] => {
    const count = view.getUint32(at + 4, true), rows = b[at] === 1 ? (count * 4 + 7) & ~7 : 0;
    return [rows, (count * size[b[at + 1]!]! + 7) & ~7];
  };
  let at = 56 + ((view.getUint32(40, true) + 7) & ~7);
  for (let j = 0; j < k; j++) {
    const [rows, values] = bytesOf(at);
    at += 16 + rows + values;
  }
  const [rows] = bytesOf(at);
  const count = view.getUint32(at + 4, true);
  return [b.subarray(at + 16 + rows, at + 16 + rows + count * size[b[at + 1]!]!), b.subarray(at, at + 16)];
}

describe('drainDispatchMany refuses a bad node list as the reference does, draining nothing', () => {
  it('a removed node, an index out of range, a fraction, NaN, a string, a node twice', () => {
    const run = (e: Engine | ReferenceEngine): string[] => {
      e.addNodes([{ capacity: [4, 4] }, { capacity: [4, 4] }, { capacity: [4, 4] }]);
      for (let k = 0; k < 6; k++) e.submit({ id: `t${k}`, user: 'u', demand: [1, 1], dataGB: 1, requestTime: 10 });
      e.runRound(0);
      e.removeNode(2);
      const said: string[] = [];
      // A symbol was a TypeError in the WebAssembly engine.
      for (const nodes of [[0, 2], [0, 3], [1, -1], [0, 1.5], [0, NaN], [1, '0'], [0, 1, 0], [1, 0, 1], [0, Symbol('s')]] as number[][]) {
        try {
          e.drainDispatchMany(nodes);
          said.push('drained');
        } catch (err) {
          said.push(`${(err as FairfitError).code}: ${(err as FairfitError).message}`);
        }
      }
      // Nothing was drained by the refused calls: every placement on nodes 0 and 1 is still there.
      said.push(`pending ${e.pendingDispatch(0)} ${e.pendingDispatch(1)}`, `drained ${Array.from(e.drainDispatchMany([1, 0])).join(',')}`);
      return said;
    };
    using w = new Engine();
    const got = run(w);
    expect(got).toEqual(run(new ReferenceEngine()));
    expect(got.every((x, k) => k >= 9 || x.startsWith('INDEX_OUT_OF_RANGE') || x.startsWith('INVALID_OPTION'))).toBe(true);
    expect(got.at(-2)).not.toBe('pending 0 0');
  });
});

describe('completeMany refuses a bad handle list as the reference does, ending nothing', () => {
  it('ascending, descending, a task twice (after an ascending run, and after a drop), a handle not running', () => {
    const run = (e: Engine | ReferenceEngine): string[] => {
      e.addNodes([{ capacity: [8, 8] }]);
      for (let k = 0; k < 6; k++) e.submit({ id: `t${k}`, user: 'u', demand: [1, 1], dataGB: 1, requestTime: 10 });
      e.submit({ id: 'big', user: 'u', demand: [9, 9], dataGB: 1, requestTime: 10 });
      e.runRound(0);
      const said: string[] = [];
      for (const handles of [[0, 1, 1], [0, 2, 1, 2], [3, 1, 0, 3], [2, 2], [0, 6], [4, 1, 7], [5, 3, 0], [1, 2, 4]]) {
        try {
          said.push(e.completeMany(handles, { status: 'ok', actualTime: 1 }).join(','));
        } catch (err) {
          said.push(`${(err as FairfitError).code}: ${(err as FairfitError).message}`);
        }
      }
      said.push(JSON.stringify(e.counts()));
      return said;
    };
    using w = new Engine();
    const got = run(w);
    expect(got).toEqual(run(new ReferenceEngine()));
    // The refused calls ended nothing: [5, 3, 0] and [1, 2, 4] end all six.
    expect(got.slice(-3)).toEqual(['ok,ok,ok', 'ok,ok,ok', JSON.stringify({ waiting: 1, running: 0, ok: 6, failed: 0, killed: 0, cancelled: 0, total: 7 })]);
  });
});

describe('a wrong value is named in a short message', () => {
  it('a lent array of the wrong type by its type and size, a long string cut (both engines)', () => {
    for (const make of [() => new Engine(), () => new ReferenceEngine()]) {
      const e = make();
      e.addNode({ capacity: [1, 1] });
      const message = (f: () => unknown): string => {
        try {
          f();
        } catch (err) {
          return (err as FairfitError).message;
        }
        throw new Error('expected an error');
      };
      // It printed the million elements: a 2 MB message.
      expect(message(() => e.drainDispatchMany([0], new Uint32Array(1e6) as never))).toBe('into must be an Int32Array when given, got a Uint32Array of 4000000 bytes');
      expect(message(() => e.submit({ id: 'x'.repeat(5000), user: 7 as never, demand: [1, 1], dataGB: 1, requestTime: 1 }))).toBe('user must be a non-empty string, got 7');
      expect(message(() => e.submit({ id: 'x', user: 'y'.repeat(5000), demand: [1, 1], dataGB: 1, requestTime: 1, extra: 1 } as never))).not.toContain('y'.repeat(100));
      if (e instanceof Engine) e.close();
    }
    using w = new Engine();
    expect(() => w.snapshot(new Int8Array(1e6) as never)).toThrow('into must be a Uint8Array (or left out), got an Int8Array of 1000000 bytes');
    expect(() => w.runRound('x'.repeat(1000) as never)).toThrow(/^now must be a finite number, got "x{80}"… \(1000 characters\)$/);
  });
});

describe('engine snapshots', () => {
  function small(): Engine {
    const e = new Engine({ agingCap: Infinity, heartbeatInterval: Infinity });
    e.addNode({ capacity: [4, 8] });
    e.submit({ id: 'a', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 });
    e.submitGang({ id: 'g', user: 'v', demand: [1, 2], dataGB: 50, requestTime: 9, procs: 3 });
    e.runRound(1);
    return e;
  }
  it('start with a format version and the module hash, end with a checksum; restore gives the same state', () => {
    using e = small();
    const bytes = e.snapshot();
    expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('FFEN');
    using r = Engine.restore(bytes);
    expect(JSON.stringify(r.state())).toBe(JSON.stringify(e.state()));
    expect(r.params).toEqual(e.params);
  });
  it('restore from an ArrayBuffer, a Buffer, a DataView or unaligned bytes; refuse what holds no bytes with INVALID_OPTION', () => {
    using e = small();
    const bytes = e.snapshot();
    const buffer = bytes.slice().buffer;
    const unaligned = new Uint8Array(bytes.length + 3);
    unaligned.set(bytes, 3);
    for (const given of [buffer, Buffer.from(bytes), new DataView(buffer), unaligned.subarray(3)]) {
      using r = Engine.restore(given);
      expect(JSON.stringify(r.state())).toBe(JSON.stringify(e.state()));
    }
    for (const [given, type] of [[[...bytes], 'Array'], ['FFEN', 'string'], [null, 'null'], [undefined, 'undefined']] as const) {
      expect(() => Engine.restore(given as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(`got ${type}`) }));
    }
  });
  it('keep any task id (newline, #, accents, CJK, a lone surrogate) and find tasks by them after a restore', () => {
    const ids = ['a\nb', 'x#1', 'é', '中文', '\ud800', 'plain'];
    for (const wide of [false, true]) {
      using e = new Engine();
      e.addNode({ capacity: [4, 8] });
      for (const id of wide ? ids : ids.filter((x) => [...x].every((ch) => ch.charCodeAt(0) <= 0xff))) e.submit({ id, user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 });
      e.submitGang({ id: 'g', user: 'v', demand: [1, 1], dataGB: 1, requestTime: 5, procs: 2 });
      e.runRound(1);
      using r = Engine.restore(e.snapshot());
      expect(JSON.stringify(r.state())).toBe(JSON.stringify(e.state()));
      for (const id of wide ? ids : ['a\nb', 'é']) expect(r.handleOf(id)).toBe(e.handleOf(id));
      // A restored engine's snapshot (ids still one text) restores the same too.
      using again = Engine.restore(Engine.restore(e.snapshot()).snapshot());
      expect(JSON.stringify(again.state())).toBe(JSON.stringify(e.state()));
      // The restored ids are taken: as plain ids and as a gang's member ids ('x#1' is member 1 of a gang 'x').
      expect(() => r.submit({ id: 'é', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 })).toThrow(/already submitted/);
      expect(() => r.submitGang({ id: 'x', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5, procs: 2 })).toThrow(/task id 'x#1' was already submitted/);
      expect(r.handleOf('g#1')).toBe(e.handleOf('g#1'));
      expect(() => r.handleOf('nope')).toThrow(/not a submitted task/);
      // New ids after the restore are found beside the restored ones, and a snapshot keeps both.
      r.submit({ id: 'new', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 });
      using third = Engine.restore(r.snapshot());
      expect([third.handleOf('new'), third.handleOf('a\nb')]).toEqual([r.handleOf('new'), e.handleOf('a\nb')]);
    }
  });
  it('store the columns in few bytes: waiting tasks without start, node or deadline cost none for those', () => {
    using e = new Engine();
    e.addNode({ capacity: [4, 8] });
    for (let i = 0; i < 5000; i++) e.submit({ id: `t${i}`, user: `u${i % 50}`, demand: [0.5 + (i % 4), 1 + (i % 7)], dataGB: i % 300, requestTime: 60 + (i % 900) });
    e.runRound(1);
    const bytes = e.snapshot();
    // state, rounds, large, node, gang, start, T0, deadline, failures: sparse or one byte; user, dataGB, request: two; demand: f32.
    expect(bytes.length / 5000).toBeLessThan(25);
    using r = Engine.restore(bytes);
    expect(JSON.stringify(r.state())).toBe(JSON.stringify(e.state()));
  });
  it('restore long ids whose text makes the restored engine grow its memory, and nodes in every health state', () => {
    using e = new Engine({ heartbeatInterval: 5 });
    e.addNodes([{ capacity: [4, 8], speed: 2 }, { capacity: [16, 64], vcpus: 8, mem: 64 }, { capacity: [2, 2] }, { capacity: [8, 8] }]);
    e.heartbeat(0, 1);
    e.heartbeat(1, 1, { storageOk: false });
    e.removeNode(3);
    e.sweepHealth(2);
    // Ids with no number at their end: kept as a text (numbered ones are runs, below).
    for (let i = 0; i < 3000; i++) e.submit({ id: `${i}-${'x'.repeat(200)}`, user: `u${i % 7}`, demand: [1, 1], dataGB: i % 30, requestTime: 60 });
    e.runRound(3);
    const bytes = e.snapshot();
    using r = Engine.restore(bytes);
    expect(JSON.stringify(r.state())).toBe(JSON.stringify(e.state()));
    expect(r.snapshot()).toEqual(bytes);
    expect(r.handleOf(`2999-${'x'.repeat(200)}`)).toBe(e.handleOf(`2999-${'x'.repeat(200)}`));
    expect(JSON.stringify(r.runRound(4))).toBe(JSON.stringify(e.runRound(4)));
    expect(JSON.stringify(r.sweepHealth(20))).toBe(JSON.stringify(e.sweepHealth(20)));
    // Closed, its memory goes to the next engine: its ids are not read from there.
    const closed = Engine.restore(bytes);
    closed.close();
    using next = Engine.restore(bytes);
    expect(() => closed.idOf(0)).toThrow(/closed/);
    expect(() => closed.handleOf(`7-${'x'.repeat(200)}`)).toThrow(/closed/);
    expect(next.idOf(0)).toBe(e.idOf(0));
    // Likewise an engine never restored.
    const plain = new Engine();
    plain.addNode({ capacity: [4, 8] });
    plain.submit({ id: 'a', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 });
    plain.close();
    expect(() => plain.handleOf('a')).toThrow(/closed/);
    expect(() => plain.taskView('a')).toThrow(/closed/);
  });
  it('a closed engine refuses every call but close with INVALID_OPTION, also those it could answer without its memory', () => {
    const e = new Engine();
    e.addNode({ capacity: [4, 8] });
    e.submit({ id: 'a', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 });
    e.runRound(1);
    e.close();
    const task = { id: 'b', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 };
    const calls: Record<string, () => unknown> = {
      now: () => e.now, params: () => e.params, memoryUsed: () => e.memoryUsed, addNode: () => e.addNode({ capacity: [1, 1] }), addNodes: () => e.addNodes([{ capacity: [1, 1] }]), removeNode: () => e.removeNode(0),
      updateNode: () => e.updateNode(0, { speed: 2 }), nodeOrder: () => e.nodeOrder(), residual: () => e.residual(0), isUp: () => e.isUp(0),
      submit: () => e.submit(task), submitGang: () => e.submitGang({ ...task, id: 'g', procs: 2 }), submitMany: () => e.submitMany([task]),
      handleOf: () => e.handleOf('a'), idOf: () => e.idOf(0), runRound: () => e.runRound(2), runRoundHandles: () => e.runRoundHandles(2),
      complete: () => e.complete('a', { status: 'ok', actualTime: 1 }), completeMany: () => e.completeMany([0], { status: 'ok', actualTime: 1 }),
      cancel: () => e.cancel('a'), purge: () => e.purge(),
      epsilon: () => e.epsilon('u'), checkLimits: () => e.checkLimits(2), checkLimitsHandles: () => e.checkLimitsHandles(2), checkLimitsColumns: () => e.checkLimitsColumns(2, [0], Float64Array.of(1, 1)), heartbeat: () => e.heartbeat(0, 2),
      sweepHealth: () => e.sweepHealth(2), drainDispatch: () => e.drainDispatch(0), drainDispatchHandles: () => e.drainDispatchHandles(0),
      drainDispatchMany: () => e.drainDispatchMany([0]), pendingDispatch: () => e.pendingDispatch(0), taskView: () => e.taskView('a'), counts: () => e.counts(),
      running: () => e.running('u'), state: () => e.state(), explain: () => e.explain('a'), snapshot: () => e.snapshot(),
    };
    // Every public method and getter the class declares is in the table (a new one must be added here).
    const source = readFileSync(new URL('../../src/engine/engine.ts', import.meta.url), 'utf8');
    const declared = [...source.matchAll(/^  (?:get )?([a-zA-Z]+)\(.*\{$/gm)].map((m) => m[1]!).filter((k) => k !== 'constructor' && k !== 'close');
    // The JSON command methods never throw for bad input: they answer the same refusal.
    const commands: Record<string, () => CommandResult> = { apply: () => e.apply({ op: 'counts' }), applyLine: () => e.applyLine('{"op":"runRound","now":3}') };
    expect(declared.sort()).toEqual([...Object.keys(calls), ...Object.keys(commands)].sort());
    for (const [name, call] of Object.entries(commands)) {
      expect(call(), name).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', field: 'engine', message: expect.stringMatching(/closed/) as unknown } });
    }
    // The same calls with arguments that are wrong, or that it could answer without memory (an unknown
    // user, an empty batch): the closed engine is named first. `running('nobody')` answered 0 and
    // `submitMany([])` an empty array; most others named their argument.
    const bad = 'x' as never;
    const wrong: Record<string, () => unknown> = {
      now: calls.now!, params: calls.params!, memoryUsed: calls.memoryUsed!, addNode: () => e.addNode(bad), addNodes: () => e.addNodes([]), removeNode: () => e.removeNode(99),
      updateNode: () => e.updateNode(99, bad), nodeOrder: calls.nodeOrder!, residual: () => e.residual(-1), isUp: () => e.isUp(99),
      submit: () => e.submit(bad), submitGang: () => e.submitGang(bad), submitMany: () => e.submitMany([]),
      handleOf: () => e.handleOf('nobody'), idOf: () => e.idOf(-1), runRound: () => e.runRound(bad), runRoundHandles: () => e.runRoundHandles(2, bad),
      complete: () => e.complete('nobody', bad), completeMany: () => e.completeMany([], { status: 'ok', actualTime: 1 }),
      cancel: () => e.cancel('nobody'), purge: calls.purge!,
      epsilon: () => e.epsilon('nobody'), checkLimits: () => e.checkLimits(bad), checkLimitsHandles: () => e.checkLimitsHandles(2, undefined, bad), checkLimitsColumns: () => e.checkLimitsColumns(2, [], new Float64Array(0)), heartbeat: () => e.heartbeat(99, 2),
      sweepHealth: () => e.sweepHealth(bad), drainDispatch: () => e.drainDispatch(99), drainDispatchHandles: () => e.drainDispatchHandles(-1),
      drainDispatchMany: () => e.drainDispatchMany([]), pendingDispatch: () => e.pendingDispatch(99), taskView: () => e.taskView('nobody'), counts: calls.counts!,
      running: () => e.running('nobody'), state: calls.state!, explain: () => e.explain('nobody'), snapshot: () => e.snapshot(bad),
    };
    expect(Object.keys(wrong).sort()).toEqual(Object.keys(calls).sort());
    for (const [name, call] of [...Object.entries(calls), ...Object.entries(wrong).map(([k, f]) => [`${k} (wrong or empty arguments)`, f] as const)]) {
      const err = (() => { try { call(); } catch (x) { return x; } })();
      expect(err, name).toBeInstanceOf(FairfitError);
      expect((err as FairfitError).code, name).toBe('INVALID_OPTION');
      expect((err as FairfitError).message, name).toMatch(/closed/);
      expect((err as FairfitError).details.field, name).toBe('engine');
    }
    // A JSON command that is not valid is answered as such: a command is checked before it reaches an engine.
    expect(e.apply({ op: 'submit' })).toMatchObject({ ok: false, error: { field: 'command.id' } });
    e.close();
  });
  it('keep numbered ids as runs (no text): found, named and refused alike after a restore, and written again as runs', () => {
    const meta = (b: Uint8Array): { ids: { bytes: number; runs?: unknown } } => JSON.parse(Buffer.from(b.buffer, b.byteOffset + 56, new DataView(b.buffer, b.byteOffset).getUint32(40, true)).toString('utf8'));
    const make = (ids: string[]): Engine => {
      const e = new Engine();
      e.addNode({ capacity: [4, 8] });
      e.submit({ id: ids[0]!, user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 });
      // A gang between plain tasks: the plain ids after it are not their own rows.
      e.submitGang({ id: 'g', user: 'v', demand: [1, 1], dataGB: 1, requestTime: 5, procs: 2 });
      for (const id of ids.slice(1)) e.submit({ id, user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 });
      e.runRound(1);
      return e;
    };
    const ids = [...Array.from({ length: 3000 }, (_, i) => `t${i}`), '9', '10', '11', 'x#0', 'x#1', 'job-7', 't3000'];
    using e = make(ids);
    const bytes = e.snapshot();
    expect(meta(bytes).ids).toEqual({ encoding: 'latin1', bytes: 0, runs: [['t', 0, 3000], ['', 9, 3], ['x#', 0, 2], ['job-', 7, 1], ['t', 3000, 1]] });
    using r = Engine.restore(bytes);
    expect(JSON.stringify(r.state())).toBe(JSON.stringify(e.state()));
    for (const id of ['t0', 't2999', '10', 'x#1', 'job-7', 't3000', 'g#1']) expect(r.handleOf(id)).toBe(e.handleOf(id));
    for (const h of [0, 1, 2, 3, 2000, 3004, 3008]) expect(r.idOf(h)).toBe(e.idOf(h));
    for (const id of ['t3001', 't01', 'x#2', '8', 'job-8', '012', 't']) expect(() => r.handleOf(id)).toThrow(/not a submitted task/);
    expect(() => r.submit({ id: 't5', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 })).toThrow(/already submitted/);
    // 'x#0' is member 0 of a gang 'x': taken.
    expect(() => r.submitGang({ id: 'x', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5, procs: 2 })).toThrow(/task id 'x#0' was already submitted/);
    // Written again as runs, the same bytes; after new ids (the list made), runs again.
    expect(r.snapshot()).toEqual(bytes);
    r.submit({ id: 't3001', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 });
    const after = r.snapshot();
    expect(meta(after).ids.runs).toEqual([['t', 0, 3000], ['', 9, 3], ['x#', 0, 2], ['job-', 7, 1], ['t', 3000, 2]]);
    using third = Engine.restore(after);
    expect([third.handleOf('t3001'), third.handleOf('t7')]).toEqual([r.handleOf('t3001'), e.handleOf('t7')]);
    // Runs that miscount or overlap (a consistent checksum) are refused, naming why.
    const tamper = (from: string, to: string): string => {
      const b = bytes.slice();
      const text = Buffer.from(b.buffer, 56, new DataView(b.buffer).getUint32(40, true));
      const at = text.indexOf(from);
      expect(at).toBeGreaterThan(0);
      text.write(to, at, 'latin1');
      reseal(b);
      return ((): string => { try { Engine.restore(b); return 'restored'; } catch (err) { expect(err).toMatchObject({ code: 'CORRUPT_INPUT' }); return (err as Error).message; } })();
    };
    expect(tamper('["t",0,3000]', '["t",0,3001]')).toMatch(/the id runs hold 3008 ids, the columns 3007/);
    expect(tamper('["t",3000,1]', '["t",2999,1]')).toMatch(/id runs of prefix "t" overlap/);
    // Runs are smaller than the text they replace; ids that are not all numbered stay a text.
    using text = make([...ids.slice(0, -1), 'zz']);
    const textBytes = text.snapshot();
    expect(meta(textBytes).ids.runs).toBeUndefined();
    expect(bytes.length).toBeLessThan(textBytes.length - 10_000);
  });
  it('tampered bytes (a consistent checksum) are refused, or give an engine that only ever answers with its own errors and keeps residuals in [0, capacity]', () => {
    using e = new Engine({ heartbeatInterval: Infinity });
    for (let i = 0; i < 6; i++) e.addNode({ capacity: [8, 32] });
    for (let i = 0; i < 40; i++) e.submit({ id: `t${i}`, user: `u${i % 3}`, demand: [1 + (i % 3), 2], dataGB: i, requestTime: 10 + i });
    e.submitGang({ id: 'g', user: 'u1', demand: [1, 1], dataGB: 5, requestTime: 9, procs: 3 });
    e.runRound(1);
    e.complete('t0', { status: 'failed', actualTime: 3 });
    e.runRound(2);
    const bytes = e.snapshot();
    const body = 56 + ((new DataView(bytes.buffer).getUint32(40, true) + 7) & ~7);
    let refused = 0;
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: body, max: bytes.length - 5 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 3 }), (flips) => {
      const r = restoreFlipped(bytes, flips);
      if (!r) {
        refused++;
        return;
      }
      ownErrorsOnly([
        () => r.runRound(10),
        () => { for (const t of r.state().tasks) if (t.state === 'running') r.complete(t.id, { status: 'ok', actualTime: 1 }); },
        () => r.runRound(11),
        () => { for (let n = 0; n < 6; n++) r.drainDispatch(n); },
        () => r.checkLimits(5000, new Map()),
        () => r.sweepHealth(6000),
      ]);
      for (const node of r.state().nodes) node.residual.forEach((x, d) => expect(x >= 0 && x <= node.capacity[d]!, `node ${node.index} residual ${x}`).toBe(true));
      r.close();
    }), { numRuns: 300 });
    // Both kinds happened (the property is not vacuous either way).
    expect(refused).toBeGreaterThan(30);
    expect(refused).toBeLessThan(300);
  });
  it('tampered metadata (a consistent checksum) is refused with CORRUPT_INPUT: it was a SyntaxError or TypeError, or an engine whose clock was a string', () => {
    // Found by a property-test hunt that let the flips reach the metadata, which the property above never does.
    using e = new Engine();
    e.addNode({ capacity: [4, 8] });
    e.submit({ id: 'a', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 });
    e.submitGang({ id: 'g', user: 'v', demand: [1, 1], dataGB: 1, requestTime: 5, procs: 2 });
    e.runRound(1);
    const bytes = e.snapshot();
    const metaLen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(40, true);
    const meta = Buffer.from(bytes.buffer, bytes.byteOffset + 56, metaLen).toString('latin1');
    /** The snapshot with its metadata edited (padded with spaces to its length; room made by leaving out params.ringCapacity, its default), resealed. */
    const edited = (edit: (m: string) => string): Uint8Array => {
      expect(meta).toContain('"ringCapacity":1024,');
      const m = edit(meta.replace('"ringCapacity":1024,', ''));
      expect(m.length).toBeLessThanOrEqual(metaLen);
      const b = bytes.slice();
      Buffer.from(b.buffer, b.byteOffset + 56, metaLen).write(m.padEnd(metaLen, ' '), 0, 'latin1');
      return reseal(b);
    };
    const cases: [string, (m: string) => string, string][] = [
      ['not JSON', (m) => `x${m.slice(1)}`, 'its metadata is not JSON'],
      ['null', () => 'null', 'its metadata is not an object'],
      ['no keys', () => '{}', 'its metadata has no params object'],
      ['an array', () => '[]', 'its metadata is not an object'],
      ['nodeIds renamed', (m) => m.replace('"nodeIds"', '"nodeIdz"'), 'its metadata has no list of node ids'],
      ['users renamed', (m) => m.replace('"users"', '"userz"'), 'its metadata has no list of users'],
      ['params renamed', (m) => m.replace('"params"', '"paramz"'), 'its metadata has no params object'],
      ['clock a string', (m) => m.replace('"clock":1,', '"clock":"1",'), 'its metadata has no clock'],
      ['a user name a number', (m) => m.replace('"name":"u"', '"name":7'), 'its metadata has no list of users'],
      ['a gang id a number', (m) => m.replace('"gangIds":["g"]', '"gangIds":[7]'), 'its metadata has no list of gang ids'],
      ['tally null', (m) => m.replace(/"tally":\{[^}]*\}/, '"tally":null'), 'its metadata has no task counts'],
      ['another id encoding', (m) => m.replace('"encoding":"latin1"', '"encoding":"ascii"'), 'its metadata has no ids record'],
    ];
    for (const [what, edit, why] of cases) {
      const b = edited(edit);
      expect(b, what).not.toEqual(bytes);
      let err: unknown;
      try {
        Engine.restore(b).close();
      } catch (x) {
        err = x;
      }
      expect(err, what).toBeInstanceOf(FairfitError);
      expect(err, what).toMatchObject({ code: 'CORRUPT_INPUT', message: `engine snapshot rejected: ${why}` });
    }
    // Bits flipped anywhere in the metadata: refused with CORRUPT_INPUT, or an engine with a numeric clock whose calls answer with its own errors.
    const flips = fc.array(fc.tuple(fc.integer({ min: 56, max: 56 + metaLen - 1 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(flips, (fl) => {
      const r = restoreFlipped(bytes, fl);
      if (!r) return;
      expect(typeof r.now).toBe('number');
      ownErrorsOnly([() => r.runRound(10), () => r.state(), () => r.snapshot(), () => r.explain('a'), () => r.sweepHealth(20)]);
      r.close();
    }), { numRuns: 300 });
  });
  it('write into bytes the host lends when they fit: the same bytes as a new array, a view of the lent ones', () => {
    using e = small();
    e.submit({ id: 'wide\u4e2d', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 }); // ids in UTF-16
    const fresh = e.snapshot();
    // Lent bytes full of garbage (the sections' padding must come out zero), at an 8-aligned offset in a larger buffer.
    const pool = new Uint8Array(fresh.length + 64).fill(0xab);
    const lent = pool.subarray(8);
    const got = e.snapshot(lent);
    expect(got.buffer).toBe(pool.buffer);
    expect([got.byteOffset, got.length]).toEqual([8, fresh.length]);
    expect(got).toEqual(fresh);
    expect(pool[8 + fresh.length]).toBe(0xab); // nothing written past the snapshot
    using r = Engine.restore(got);
    expect(JSON.stringify(r.state())).toBe(JSON.stringify(e.state()));
    // Too short, or not 8-aligned: a new array, the same bytes.
    for (const other of [new Uint8Array(fresh.length - 1), pool.subarray(4, 4 + fresh.length + 8)]) {
      const b = e.snapshot(other);
      expect(b.buffer).not.toBe(other.buffer);
      expect(b).toEqual(fresh);
    }
  });
  it('keep names that start with U+0000 (a tagged number in the JSON otherwise)', () => {
    using e = new Engine({ agingCap: Infinity });
    e.addNode({ id: '\u0000n', capacity: [4, 8] });
    e.submit({ id: '\u0000a1', user: '\u0000u', demand: [1, 1], dataGB: 1, requestTime: 5 });
    e.submitGang({ id: '\u0000g', user: '\u0000Infinity', demand: [1, 1], dataGB: 1, requestTime: 5, procs: 2 });
    e.runRound(1);
    using r = Engine.restore(e.snapshot());
    expect(JSON.stringify(r.state())).toBe(JSON.stringify(e.state()));
    expect(r.params.agingCap).toBe(Infinity);
    expect(r.handleOf('\u0000g#1')).toBe(e.handleOf('\u0000g#1'));
  });
  it('truncated, corrupted, other-version and foreign bytes are rejected with CORRUPT_INPUT and a reason', () => {
    using e = small();
    const bytes = e.snapshot();
    const reason = (b: Uint8Array): string => {
      try {
        Engine.restore(b);
      } catch (err) {
        expect((err as FairfitError).code).toBe('CORRUPT_INPUT');
        return (err as FairfitError).message;
      }
      return 'accepted';
    };
    expect(reason(bytes.subarray(0, bytes.length - 100))).toMatch(/truncated/);
    expect(reason(bytes.subarray(0, 10))).toMatch(/shorter than a snapshot header/);
    const flipped = bytes.slice();
    flipped[Math.floor(bytes.length / 2)]! ^= 0x10;
    expect(reason(flipped)).toMatch(/checksum/);
    const other = bytes.slice();
    new DataView(other.buffer).setUint32(4, 99, true);
    expect(reason(other)).toMatch(/format version 99/);
    // Older versions came from older builds (which the module hash refuses anyway): refused by version first.
    for (const older of [2, 3, 4, 5]) {
      const old = bytes.slice();
      new DataView(old.buffer).setUint32(4, older, true);
      reseal(old);
      expect(reason(old)).toMatch(new RegExp(`format version ${older}, this fairfit reads version 6`));
    }
    // Placement records that do not match the tasks (a consistent checksum) are refused, naming why.
    const records = (meta: (text: string) => string): string => {
      const b = bytes.slice();
      const text = Buffer.from(b.buffer, 56, new DataView(b.buffer).getUint32(40, true));
      const changed = meta(text.toString('latin1'));
      expect(changed.length).toBe(text.length);
      text.write(changed, 0, 'latin1');
      reseal(b);
      return reason(b);
    };
    const placed = e.state().tasks.filter((t) => !Number.isNaN(t.start)).length;
    expect(placed).toBe(4);
    expect(records((m) => m.replace('"placements":4', '"placements":3'))).toMatch(/a column's header does not match its 3 rows/);
    expect(records((m) => m.replace('"placements":4', '"placements":9'))).toMatch(/9 placement records for 4 tasks/);
    // Columns edited in place (a consistent checksum): section k of the body (small()'s 4 tasks).
    const edited = (k: number, edit: (values: Uint8Array, head: Uint8Array) => void): string => {
      const b = bytes.slice();
      edit(...section(b, k));
      return reason(reseal(b));
    };
    // The tasks' `place` column (the eighth section: state, user, dataGB, request, demand, large, rounds, place): p + 1 a task.
    const place = (edit: (values: Uint8Array) => void): string => edited(7, (v, head) => {
      expect([head[0], head[1], v.length]).toEqual([0, 0, 4]); // dense, u8, 4 rows
      expect([...v].sort()).toEqual([1, 2, 3, 4]);
      edit(v);
    });
    expect(place((v) => { v[1] = v[0]!; })).toMatch(/task 1 names placement record \d, which is not its own/);
    expect(place((v) => { v[2] = 0; })).toMatch(/running task 2 has no placement record on a node/);
    expect(place((v) => { v[3] = 7; })).toMatch(/running task 3 has no placement record on a node/);
    // The running list (section 9, after the nine task columns): each running task once. A task named twice (and another
    // left out) was restored: its kills and cancels then drove the counts below zero and snapshot() threw a RangeError.
    expect(edited(9, (v) => { expect([...v].sort()).toEqual([0, 1, 2, 3]); v[1] = v[0]!; })).toMatch(/the running list names task \d more than once/);
    // What a kernel follows as an index, and numbers no submit accepts (engineCheckRows).
    expect(edited(0, (v) => { v[0] = 9; })).toMatch(/task 0's state is none of the task states/);
    expect(edited(1, (v) => { v[0] = 2; })).toMatch(/task 0's user is not one of the snapshot's users/);
    expect(edited(8, (v) => { v[0] = 1; })).toMatch(/task 0's gang is not one whose members it is among/);
    expect(edited(8, (v) => { v[2] = 0; })).toMatch(/gang 0's rows are not its members/);
    // Members unlike one submission's (placeGang finds a member's node from the one before it): a demand, a user.
    expect(edited(4, (v) => { expect([...v]).toEqual([1, 1, 1, 2, 1, 2, 1, 2]); v[5] = 3; })).toMatch(/gang 0's rows are not its members/);
    expect(edited(1, (v) => { expect([...v]).toEqual([0, 1, 1, 1]); v[2] = 0; })).toMatch(/gang 0's rows are not its members/);
    expect(edited(3, (v) => { v[0] = 0; })).toMatch(/task 0's data volume, requested time or submission time is not one a submit accepts/);
    // Task 0, of no gang (a gang member's demand unlike the others' is found first as such, above).
    expect(edited(4, (v, head) => { head[1] = 1; v[1] = 0xff; })).toMatch(/task 0's demand is not one a submit accepts/); // an i8 −1
    // Rows past the first piece the check reads at a time (65,536 rows): the same findings, and the same waiting list rebuilt.
    {
      using big = new Engine();
      big.addNode({ capacity: [4, 4] });
      big.submitMany(Array.from({ length: 70_000 }, (_, k) => ({ id: `b${k}`, user: `u${k % 3}`, demand: [1, 1], dataGB: 1 + (k % 5), requestTime: 10 + (k % 7) })));
      big.runRound(1);
      const snap = big.snapshot();
      const tamper = (k: number, edit: (values: Uint8Array) => void): string => {
        const b = snap.slice();
        edit(section(b, k)[0]);
        return reason(reseal(b));
      };
      expect(tamper(1, (v) => { v[69_000] = 7; })).toMatch(/task 69000's user is not one of the snapshot's users/);
      expect(tamper(3, (v) => { v[65_540] = 0; })).toMatch(/task 65540's data volume, requested time or submission time is not one a submit accepts/);
      using back = Engine.restore(snap);
      expect(back.counts()).toEqual(big.counts());
      expect([...back.runRoundHandles(2).tasks]).toEqual([...big.runRoundHandles(2).tasks]);
      expect(JSON.stringify(back.state())).toBe(JSON.stringify(big.state()));
    }
    const foreign = bytes.slice();
    foreign[0] = 0x50;
    expect(reason(foreign)).toMatch(/bad magic/);
    const version = bytes.slice();
    version[4] = 5; // an older format version, with a checksum that matches it
    expect(reason(reseal(version))).toMatch(/format version 5, this fairfit reads version 6/);
  });
});
