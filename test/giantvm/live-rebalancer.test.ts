/**
 * GiantVM's live rebalancer (algorithm 3-1) on recorded sequences of
 * cumulative steal-time readings of 4 NUMA nodes: baseline, stay below the
 * threshold or on the minimum, move everything to the node with the least,
 * counter resets; /proc/stat and cpu-list parsing; and the example agent for
 * two short periods on this machine (printing only, never applying).
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/giantvm-rebalance.ts';
import { liveRebalanceReplay, liveRebalancerState, liveRebalanceStep, parseCpuList, parseProcStatSteal, stealPerNode } from '../../src/systems/giantvm/live-rebalancer.ts';

// Cumulative steal ticks of nodes 0–3, one reading every 2 s.
const recorded = [
  [100, 100, 100, 100], // baseline
  [130, 160, 110, 140], // node 0 stole 30 < 50: stay
  [200, 230, 120, 150], // node 0 stole 70 ≥ 50; least: node 2 (10) → move 0 → 2
  [210, 290, 180, 155], // node 2 stole 60 ≥ 50; least: node 3 (5) → move 2 → 3
  [260, 340, 230, 160], // node 3 stole 5: it is the least → stay
  [300, 380, 280, 230], // node 3 stole 70; least: node 0 and 1 tie at 40 → lowest index, node 0
];

describe('the live rebalancer decision (algorithm 3-1)', () => {
  it('replays a recorded sequence: baseline, stay, 0→2, 2→3, stay, 3→0', () => {
    const d = liveRebalanceReplay(recorded);
    expect(d.map((x) => x.kind)).toEqual(['baseline', 'stay', 'move', 'move', 'stay', 'move']);
    expect(d[2]).toMatchObject({ from: 0, to: 2, steal: [70, 70, 10, 10] });
    expect(d[3]).toMatchObject({ from: 2, to: 3, steal: [10, 60, 60, 5] });
    expect(d[4]).toMatchObject({ node: 3, steal: [50, 50, 50, 5] });
    expect(d[5]).toMatchObject({ from: 3, to: 0, steal: [40, 40, 50, 70] });
  });

  it('moves at exactly the threshold (the pseudocode continues only below it); strict bounds need more', () => {
    const seq = [[0, 0], [50, 10]];
    expect(liveRebalanceReplay(seq).at(-1)).toMatchObject({ kind: 'move', from: 0, to: 1 });
    expect(liveRebalanceReplay(seq, { bound: 'strict' }).at(-1)).toMatchObject({ kind: 'stay' });
    expect(liveRebalanceReplay(seq, { threshold: 51 }).at(-1)).toMatchObject({ kind: 'stay' });
  });

  it('never moves between equals: a node tied with the minimum stays', () => {
    expect(liveRebalanceReplay([[0, 0, 0], [80, 80, 90]]).at(-1)).toMatchObject({ kind: 'stay', node: 0 });
  });

  it('takes a counter that goes backwards as a new baseline', () => {
    const d = liveRebalanceReplay([[500, 500], [10, 20], [100, 21]]);
    expect(d.map((x) => x.kind)).toEqual(['baseline', 'baseline', 'move']);
  });

  it('is pure and deterministic: the input state is not changed, the same inputs give the same outputs', () => {
    const s0 = liveRebalancerState({ initialNode: 1 });
    const a = liveRebalanceStep(s0, [0, 0]);
    const frozen = JSON.stringify(a.state);
    const b = liveRebalanceStep(a.state, [5, 90]);
    expect(JSON.stringify(a.state)).toBe(frozen);
    expect(b).toEqual(liveRebalanceStep(a.state, [5, 90]));
    expect(b.decision).toMatchObject({ kind: 'move', from: 1, to: 0 });
  });

  it('rejects readings that change length or are not finite, and bad options', () => {
    const s = liveRebalanceStep(liveRebalancerState(), [1, 2]).state;
    expect(() => liveRebalanceStep(s, [1, 2, 3])).toThrow(/3 nodes, the previous one 2/);
    expect(() => liveRebalanceStep(s, [1, Number.NaN])).toThrow(/reading\[1\]/);
    expect(() => liveRebalancerState({ threshold: -1 })).toThrow(/threshold/);
    expect(() => liveRebalancerState({ intervalSeconds: 0 })).toThrow(/intervalSeconds/);
  });

  it('refuses options, a state and readings of the wrong kind, naming the field (TypeErrors, or a threshold of \'x\' that never moved; found by an API fuzz)', () => {
    const err = (f: () => unknown, field: string, code = 'INVALID_OPTION') => expect(f).toThrow(expect.objectContaining({ code, details: expect.objectContaining({ field }) }));
    err(() => liveRebalancerState(null as never), 'options');
    err(() => liveRebalancerState({ treshold: 10 } as never), 'treshold');
    err(() => liveRebalancerState({ threshold: Object.create(null) as never }), 'threshold');
    err(() => liveRebalanceStep(undefined as never, [1, 2]), 'state');
    const s = liveRebalanceStep(liveRebalancerState(), [0, 0]).state;
    err(() => liveRebalanceStep({ ...s, threshold: 'x' as never }, [100, 0]), 'state.threshold');
    err(() => liveRebalanceStep({ ...s, node: -1 }, [100, 0]), 'state.node');
    err(() => liveRebalanceStep({ ...s, bound: 'loose' as never }, [100, 0]), 'state.bound');
    err(() => liveRebalanceStep({ ...s, previous: [0, Number.NaN] }, [100, 0]), 'state.previous', 'NOT_FINITE');
    err(() => liveRebalanceReplay(null as never), 'readings');
    // The state is unchanged and a valid one still moves as before.
    expect(liveRebalanceStep(s, [100, 0]).decision).toMatchObject({ kind: 'move', from: 0, to: 1 });
  });
});

describe('reading /proc/stat and NUMA cpu lists', () => {
  it('takes the 8th value of each cpuN line as its cumulative steal ticks and sums them per node', () => {
    const stat = [
      'cpu  4705 150 1120 16250 520 30 45 77 0 0',
      'cpu0 1393 38 280 4063 130 7 11 20 0 0',
      'cpu1 1203 37 300 4063 130 8 12 30 0 0',
      'cpu2 1100 40 270 4062 130 7 11 7 0 0',
      'cpu3 1009 35 270 4062 130 8 11 20 0 0',
      'intr 12345 0 0',
      'ctxt 987654',
    ].join('\n');
    const perCpu = parseProcStatSteal(stat);
    expect(perCpu).toEqual([20, 30, 7, 20]);
    expect(stealPerNode(perCpu, [parseCpuList('0-1'), parseCpuList('2,3')])).toEqual([50, 27]);
  });

  it('stealPerNode refuses counts and CPU numbers that are not numbers (NaN and \'1\' were summed; found by an API fuzz); a missing CPU counts 0', () => {
    const err = (f: () => unknown, field: string, code = 'INVALID_OPTION') => expect(f).toThrow(expect.objectContaining({ code, details: expect.objectContaining({ field }) }));
    err(() => stealPerNode([Number.NaN, 1], [[0, 1]]), 'perCpu', 'NOT_FINITE');
    err(() => stealPerNode(['1', 1] as never, [[0, 1]]), 'perCpu', 'NOT_FINITE');
    err(() => stealPerNode([1, -1], [[1]]), 'perCpu', 'NEGATIVE_VALUE');
    err(() => stealPerNode([1, 1], [[0, 'x']] as never), 'nodes[0][1]');
    err(() => stealPerNode(null as never, [[0]]), 'perCpu');
    err(() => stealPerNode([1], null as never), 'nodes');
    err(() => stealPerNode([1], [null] as never), 'nodes[0]');
    err(() => parseProcStatSteal(undefined as never), 'stat');
    expect(stealPerNode([5, 6], [[0, 7], [1]])).toEqual([5, 6]);
  });

  it('parses cpu lists with ranges and singles, and rejects garbage', () => {
    expect(parseCpuList('0-3,8,10-11\n')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(() => parseCpuList('0-a')).toThrow(/cpu list/);
    // A range far beyond any machine is refused, not pushed number by number (10^9 stopped the process).
    expect(() => parseCpuList('0-1000000000')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/beyond the 65536/) }));
    expect(() => parseCpuList('0-40000,40000-65535')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(parseCpuList('65535')).toEqual([65535]);
    expect(() => parseCpuList(null as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'cpulist' } }));
  });
});

describe('examples/giantvm-rebalance.ts', () => {
  it('reads this machine\'s /proc/stat and prints a baseline and one decision per period, applying nothing', async () => {
    const lines: string[] = [];
    const periods = await main(['--count', '2', '--interval', '0.05'], (l) => lines.push(l));
    expect(periods).toBe(2);
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0]).toMatchObject({ apply: false, threshold: 50 });
    expect(parsed.slice(1).map((x) => x.kind)[0]).toBe('baseline');
    expect(parsed).toHaveLength(4);
    expect(parsed.some((x) => x.kind === 'pin')).toBe(false);
  });
});
