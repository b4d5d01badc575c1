// On the real task_events sample in ../shared/traces (skipped when the folder is absent).
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readGoogleTrace } from '../../src/io/google/trace-folder.ts';
import type { ReplayInput } from '../../src/model/tasks.ts';
import { mergeRuns, prepareReplay, simulate, simulateCells } from '../../src/systems/giantvm/replay.ts';
import { simulateReference } from '../../src/systems/giantvm/reference.ts';

const DIR = new URL('../../../shared/traces/google2011', import.meta.url).pathname;
const present = existsSync(DIR);
if (!present) console.warn(`test/replay/real-trace: ${DIR} not found, real-trace replay tests skipped`);

describe.skipIf(!present)('replay of the real Google 2011 sample', () => {
  let input: ReplayInput;
  beforeAll(async () => { input = await readGoogleTrace(DIR); });

  it('WASM equals the reference on the first 5 minutes, 120 machines, trace usage (120 real windows + fall-back)', () => {
    const short = { ...input, end: input.start + 300e6 };
    const params = { policy: 'mem_usage' as const, machines: 120, usage: 'trace' as const };
    expect(JSON.stringify(simulate(short, params))).toBe(JSON.stringify(simulateReference(short, params)));
  });

  it('WASM equals the reference on the first minute with the 12.5k machines of machine_events', () => {
    const short = { ...input, end: input.start + 60e6 };
    const params = { policy: 'coarse_grained' as const, machines: 'trace' as const, usage: 'request' as const, interval: 20 };
    expect(JSON.stringify(simulate(short, params))).toBe(JSON.stringify(simulateReference(short, params)));
  });

  it('the whole sample with 800 machines: every task arrives, counts add up, 1 part = 5 parts', () => {
    const prep = prepareReplay(input, { policy: 'fine_grained', usage: 'request' });
    const one = mergeRuns(prep, [simulateCells(prep)]);
    expect(one.info!.arriving).toBe(input.tasks.count);
    expect(one.info!.arrived).toBe(input.tasks.count);
    expect(one.info!.tasksWithWindows).toBe(0);
    expect(one.metrics.meanCpu).toBeGreaterThan(0);
    expect(one.metrics.meanCpu).toBeLessThanOrEqual(1);
    const last = one.series.running!.length - 1;
    // every arrived task is running, pending or finished at the end
    expect(one.series.running![last]! + one.series.pending![last]! + Number(one.info!.finished)).toBe(input.tasks.count);
    const parts = [0, 40, 80, 120, 160].map((first) => simulateCells(prep, { first, count: 40 }));
    expect(JSON.stringify(mergeRuns(prep, parts))).toBe(JSON.stringify(one));
  });
});
