/**
 * The GiantVM CSV's columns do not depend on how many runs finished: an interrupted report, with
 * some runs or none, has the complete report's header plus `interrupted` (an exploratory audit
 * found a Ctrl-C before the first run ended wrote 28 of the 52 columns).
 */
import { describe, expect, it } from 'vitest';
import type { ReplayInput } from '../../src/model/tasks.ts';
import { toCsv } from '../../src/systems/giantvm/csv-report.ts';
import { runInfoKeys } from '../../src/systems/giantvm/merge.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import { defaultParams, simulate } from '../../src/systems/giantvm/replay.ts';
import { describeModes } from '../../src/systems/giantvm/summary.ts';
import { sweep } from '../../src/systems/giantvm/sweep-api.ts';
import { ARRIVAL_RULES, DELAY_RULES, TASK_SELECTIONS, type ReplayReport } from '../../src/systems/giantvm/types.ts';
import { seededInput } from './input.ts';

/** 200 tasks over an hour, with 8 machines in machine_events (all added at the start, one removed later). */
function inputWithMachines(): ReplayInput {
  const input = seededInput(11, 200, 1);
  const n = 9;
  const time = Float64Array.from({ length: n }, (_, i) => (i < 8 ? input.start : input.start + 1.8e9));
  const machine = Int32Array.from({ length: n }, (_, i) => (i < 8 ? i : 3));
  const type = Int32Array.from({ length: n }, (_, i) => (i < 8 ? 0 : 1));
  const cpu = Float64Array.from({ length: n }, (_, i) => (i < 8 ? 0.5 : Number.NaN));
  // Last trace events (FINISH, KILL, none), which `tasks: 'finished'` needs.
  const lastEvent = Int32Array.from({ length: input.tasks.count }, (_, i) => [4, 5, 0][i % 3]!);
  return { ...input, tasks: { ...input.tasks, lastEvent }, machineEvents: { count: n, machines: 8, time, machine, type, cpu, mem: Float64Array.from(cpu) } };
}

const header = (csv: string) => csv.split('\n')[0]!;

describe('runInfoKeys gives the keys of a run\'s info, in order, for every machine mode and rule', () => {
  it('matches the info of a real run of each combination', () => {
    const input = inputWithMachines();
    for (const machines of [8, 'trace'] as const) for (const tasks of TASK_SELECTIONS) for (const arrival of ARRIVAL_RULES) for (const delay of DELAY_RULES) {
      const params = defaultParams({ machines, tasks, arrival, delay, usage: 'request', policy: 'fine_grained' });
      expect(Object.keys(simulate(input, params).info!), JSON.stringify({ machines, tasks, arrival, delay })).toEqual(runInfoKeys(params));
    }
  });
});

describe('toCsv of an interrupted report has the complete report\'s header, whatever finished', () => {
  const input = inputWithMachines();
  const cut = (r: ReplayReport, keep: number): ReplayReport => ({ ...r, runs: r.runs.slice(0, keep), interrupted: true });

  it('replay: no run, one run, every run (default rules and the thesis preset, whose rules add info keys)', async () => {
    for (const preset of [undefined, 'thesis'] as const) {
      const full = await replay({ trace: input, machines: 8, usage: 'request', policies: ['no_migration', 'fine_grained'], ...(preset ? { preset } : {}) });
      const expected = `${header(toCsv(full))},interrupted`;
      // With no run, the API keeps the first configuration's parameters in the trace record.
      const none = await replay({ trace: input, machines: 8, usage: 'request', policies: ['no_migration', 'fine_grained'], ...(preset ? { preset } : {}), signal: AbortSignal.abort() });
      expect(none.runs).toEqual([]);
      expect(toCsv(none)).toBe(`${expected}\n`);
      for (const keep of [0, 1, 2]) expect(header(toCsv(cut({ ...full, trace: none.trace }, keep))), `${preset} ${keep} runs`).toBe(expected);
    }
  });

  it('sweep over machine modes in either order: the info columns of every mode, in the complete report\'s order', async () => {
    for (const machines of [[8, 'trace'], ['trace', 8]] as (8 | 'trace')[][]) {
      const options = { trace: input, machines, overcommit: [1], usage: 'request' as const, policies: ['coarse_grained' as const], delay: 'all' as const };
      const full = await sweep(options);
      const expected = `${header(toCsv(full))},interrupted`;
      expect(expected).toContain('info.machineEvents');
      expect(expected).toContain('info.unfinished');
      expect(expected).toContain('firstShare,secondShare');
      const none = await sweep({ ...options, signal: AbortSignal.abort() });
      expect(none.runs).toEqual([]);
      expect(header(toCsv(none))).toBe(expected);
      expect(header(toCsv(cut(full, 1))), `${machines} 1 run`).toBe(expected);
    }
  });

  it('an interrupted report with no run and a trace that was read states its parameters (the model: and rules: lines were missing too)', async () => {
    const none = await replay({ trace: input, machines: 8, usage: 'request', tasks: 'ended', signal: AbortSignal.abort() });
    expect(none.trace).toMatchObject({ tasks: 200, params: { policy: 'no_migration', machines: 8, tasks: 'ended' } });
    expect(describeModes(none)).toContain('\nrules: tasks ended,');
    expect(header(toCsv(none))).toContain('info.leftOutNotEnded');
    // A complete report's trace record is as before: the runs state the parameters.
    expect((await replay({ trace: input, machines: 8, usage: 'request', policies: ['no_migration'] })).trace).not.toHaveProperty('params');
  });

  it('a complete report keeps the columns its runs carry (byte-identical to before), and a hand-built empty one the keys every run has', async () => {
    const full = await replay({ trace: input, machines: 8, usage: 'request', policies: ['no_migration'] });
    const infoCols = header(toCsv(full)).split(',').filter((c) => c.startsWith('info.')).map((c) => c.slice(5));
    expect(infoCols).toEqual(Object.keys(full.runs[0]!.info!));
    const bare = header(toCsv({ trace: {}, runs: [], interrupted: true }));
    expect(bare).toBe(`${header(toCsv(full))},interrupted`);
  });
});
