/**
 * GiantVM's live rebalancer (seed 004 §3.2, algorithm 3-1, `rebalance.sh`):
 * inside the guest, every period (default 2 s) read each NUMA node's
 * cumulative steal time, take the difference with the previous reading, and
 * when the node running every process had at least the threshold (default 50
 * ticks) of steal time in the period and is not the node with the least,
 * move everything — tasks, IRQs, workqueues — to the node with the least.
 * At start everything runs on node 0.
 *
 * This module is the decision, as a pure deterministic function of the state
 * and one reading ({@link liveRebalanceStep}), plus the parsing of
 * `/proc/stat` and of NUMA cpu lists it needs; `examples/giantvm-rebalance.ts`
 * is the agent that reads the files, prints the decisions and applies them
 * with `taskset` only when asked. Interpretations (docs/model.md "GiantVM live
 * rebalancer"): the first reading only sets the baseline; "≥ threshold"
 * triggers (the pseudocode's `stealtime < threshold → continue`; `bound:
 * 'strict'` reads "exceeds"); a node tied with the minimum counts as the
 * minimum (no move between equals); ties for the minimum go to the lowest
 * node; a counter that goes backwards (guest reboot, counter reset) restarts
 * the baseline.
 *
 * @module
 */
import { arrayLength, checkNonNegative, checkOptionNames, FairfitError, optionNames, shown } from '../../errors.ts';

/** Options of the live rebalancer; every field has the thesis's default. */
export interface LiveRebalancerOptions {
  /** Steal ticks in one period that trigger a move (default 50). */
  threshold?: number;
  /** Period between readings in seconds (default 2; the agent's sleep, recorded in the state). */
  intervalSeconds?: number;
  /** `'inclusive'` (default: steal ≥ threshold moves) or `'strict'` (steal > threshold). */
  bound?: 'inclusive' | 'strict';
  /** Node everything starts on (default 0). */
  initialNode?: number;
}

/** The rebalancer's state between readings. */
export interface LiveRebalancerState {
  /** The node everything runs on. */
  node: number;
  /** The previous cumulative reading per node, or null before the first one. */
  previous: number[] | null;
  threshold: number;
  intervalSeconds: number;
  bound: 'inclusive' | 'strict';
}

/** What one reading decided. `steal` is the steal ticks of each node in the period. */
export type LiveDecision =
  | { kind: 'baseline'; node: number; reason: string }
  | { kind: 'stay'; node: number; steal: number[]; reason: string }
  | { kind: 'move'; from: number; to: number; steal: number[]; reason: string };

function bad(field: string, message: string): never {
  throw new FairfitError('INVALID_OPTION', `${field}: ${message}`, { field });
}

/** The keys of {@link LiveRebalancerOptions}. */
const OPTIONS = optionNames<LiveRebalancerOptions>()('threshold', 'intervalSeconds', 'bound', 'initialNode');

// The checks of the options, and of a state's fields (a step's state may be built or edited by hand).
function threshold(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(field, `must be a finite number ≥ 0, got ${shown(v)}`);
  return v;
}
function interval(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) bad(field, `must be a finite number > 0, got ${shown(v)}`);
  return v;
}
function nodeIndex(v: unknown, field: string): number {
  if (!Number.isInteger(v) || (v as number) < 0) bad(field, `must be an integer ≥ 0, got ${shown(v)}`);
  return v as number;
}
function bound(v: unknown, field: string): 'inclusive' | 'strict' {
  if (v !== 'inclusive' && v !== 'strict') bad(field, `${shown(v)} is not one of inclusive, strict`);
  return v;
}

/** The state before the first reading. */
export function liveRebalancerState(o: LiveRebalancerOptions = {}): LiveRebalancerState {
  // null was a TypeError, a misspelt option (treshold) ignored.
  checkOptionNames(o, OPTIONS, 'liveRebalancerState');
  return {
    node: nodeIndex(o.initialNode ?? 0, 'initialNode'),
    previous: null,
    threshold: threshold(o.threshold ?? 50, 'threshold'),
    intervalSeconds: interval(o.intervalSeconds ?? 2, 'intervalSeconds'),
    bound: bound(o.bound ?? 'inclusive', 'bound'),
  };
}

/** `state` as {@link liveRebalancerState} and {@link liveRebalanceStep} give it: undefined was a TypeError, a threshold of 'x' never moved. */
function checkState(state: unknown): asserts state is LiveRebalancerState {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) bad('state', `must be the state liveRebalancerState or liveRebalanceStep gave, got ${shown(state)}`);
  const s = state as Record<keyof LiveRebalancerState, unknown>;
  nodeIndex(s.node, 'state.node');
  threshold(s.threshold, 'state.threshold');
  interval(s.intervalSeconds, 'state.intervalSeconds');
  bound(s.bound, 'state.bound');
  if (s.previous === null) return;
  if (!Array.isArray(s.previous)) bad('state.previous', `must be null or the previous reading, got ${shown(s.previous)}`);
  s.previous.forEach((v, i) => checkNonNegative(v, 'state.previous', i));
}

/**
 * One period of algorithm 3-1: `reading` is each NUMA node's cumulative
 * steal time (ticks, as summed from `/proc/stat`). Returns the new state and
 * the decision; never mutates `state`.
 */
export function liveRebalanceStep(state: LiveRebalancerState, reading: readonly number[]): { state: LiveRebalancerState; decision: LiveDecision } {
  checkState(state);
  if (!Array.isArray(reading) || reading.length === 0) bad('reading', 'must be a non-empty array of cumulative steal ticks, one per node');
  reading.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new FairfitError('NOT_FINITE', `reading[${i}] must be a finite number ≥ 0, got ${shown(v)}`, { field: 'reading', index: i });
  });
  if (state.node >= reading.length) throw new FairfitError('INDEX_OUT_OF_RANGE', `reading: node ${state.node} runs everything but the reading has ${reading.length} nodes`, { field: 'reading' });
  const next = (node: number): LiveRebalancerState => ({ ...state, node, previous: [...reading] });
  const prev = state.previous;
  if (prev === null) return { state: next(state.node), decision: { kind: 'baseline', node: state.node, reason: 'first reading: baseline for the next period' } };
  if (prev.length !== reading.length) throw new FairfitError('DIMENSION_MISMATCH', `reading has ${reading.length} nodes, the previous one ${prev.length}`, { field: 'reading' });
  if (reading.some((v, i) => v < prev[i]!)) return { state: next(state.node), decision: { kind: 'baseline', node: state.node, reason: 'a steal counter went backwards (reset): new baseline' } };
  const steal = reading.map((v, i) => v - prev[i]!);
  let min = 0;
  for (let i = 1; i < steal.length; i++) if (steal[i]! < steal[min]!) min = i;
  const mine = steal[state.node]!;
  if (mine === steal[min]) return { state: next(state.node), decision: { kind: 'stay', node: state.node, steal, reason: `node ${state.node} has the least steal time (${mine})` } };
  const over = state.bound === 'strict' ? mine > state.threshold : mine >= state.threshold;
  if (!over) return { state: next(state.node), decision: { kind: 'stay', node: state.node, steal, reason: `node ${state.node} steal ${mine} is below the threshold ${state.threshold}` } };
  return {
    state: next(min),
    decision: { kind: 'move', from: state.node, to: min, steal, reason: `node ${state.node} steal ${mine} ${state.bound === 'strict' ? '>' : '≥'} ${state.threshold}; node ${min} has the least (${steal[min]})` },
  };
}

/** Runs {@link liveRebalanceStep} over a recorded sequence of readings; returns every decision. */
export function liveRebalanceReplay(readings: readonly (readonly number[])[], o: LiveRebalancerOptions = {}): LiveDecision[] {
  let state = liveRebalancerState(o);
  if (!Array.isArray(readings)) bad('readings', `must be a list of readings, got ${shown(readings)}`);
  return readings.map((r) => {
    const s = liveRebalanceStep(state, r);
    state = s.state;
    return s.decision;
  });
}

/**
 * Cumulative steal ticks per CPU from the text of `/proc/stat`: the 8th value
 * of each `cpuN` line (user nice system idle iowait irq softirq steal …);
 * index = CPU number. Lines without a steal column (very old kernels) count 0.
 */
export function parseProcStatSteal(text: string): number[] {
  if (typeof text !== 'string') bad('stat', `must be the text of /proc/stat, got ${shown(text)}`);
  const out: number[] = [];
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    out[Number(m[1])] = Number.isFinite(f[7]) ? f[7]! : 0;
  }
  for (let i = 0; i < out.length; i++) out[i] ??= 0;
  return out;
}

/**
 * Most CPU numbers a cpu list may name: Linux's own limit (NR_CPUS) is at most 8192; a range
 * far beyond it is a typo, and pushing 10^9 numbers stopped the process (V8 "invalid size").
 */
export const MAX_CPU_LIST = 65_536;

/**
 * CPU numbers of a Linux cpu list (`0-3,8,10-11`, as in `/sys/devices/system/node/nodeN/cpulist`).
 * @throws FairfitError `INVALID_OPTION` on `cpulist` for text that is no cpu list, a range that
 *   ends before it starts, or more than 65,536 CPUs (`MAX_CPU_LIST`) or a CPU number not below 65,536.
 */
export function parseCpuList(text: string): number[] {
  if (typeof text !== 'string') bad('cpulist', `must be a string like 0-3,8, got ${shown(text)}`);
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) bad('cpulist', `'${text}' is not a cpu list like 0-3,8`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) bad('cpulist', `'${part}' ends before it starts`);
    if (b >= MAX_CPU_LIST || out.length + (b - a + 1) > MAX_CPU_LIST) bad('cpulist', `'${part}' names CPUs beyond the ${MAX_CPU_LIST} a cpu list may have`);
    for (let c = a; c <= b; c++) out.push(c);
  }
  return out;
}

/**
 * Sums per-CPU steal ticks into per-node ones (`nodes[n]` = CPUs of node n; missing CPUs count 0).
 * @throws FairfitError `INVALID_OPTION` naming `perCpu`, `nodes` or `nodes[n][k]` (a CPU number is an
 *   integer ≥ 0), `NOT_FINITE` / `NEGATIVE_VALUE` naming `perCpu[c]` for a count a node sums.
 */
export function stealPerNode(perCpu: readonly number[], nodes: readonly (readonly number[])[]): number[] {
  // NaN and '1' were summed ('011', NaN), a CPU number 'x' counted 0.
  arrayLength(perCpu, 'perCpu');
  if (!Array.isArray(nodes)) bad('nodes', `must be a list of cpu lists (parseCpuList gives one), got ${shown(nodes)}`);
  return nodes.map((cpus, n) => {
    if (!Array.isArray(cpus)) bad(`nodes[${n}]`, `must be a cpu list (parseCpuList gives one), got ${shown(cpus)}`);
    return cpus.reduce((s: number, c, k) => {
      const v = perCpu[nodeIndex(c, `nodes[${n}][${k}]`)];
      return s + (v === undefined ? 0 : checkNonNegative(v, 'perCpu', c));
    }, 0);
  });
}
