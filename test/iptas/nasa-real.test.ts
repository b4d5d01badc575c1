/**
 * FCFS, EASY and IPTAS on the real NASA iPSC/860 1993 SWF log (cleaned, 18 239
 * jobs, 128 processors): every job is scheduled, EASY waits no more than FCFS on
 * average, and the IPTAS T0 pathology of docs/model.md shows with minEpsilon 0.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readSwf } from '../../src/io/swf.ts';
import { jobsFromSwf, scheduleJobs, type TraceJob } from '../../src/systems/iptas/schedule-trace.ts';

const LOG = join(import.meta.dirname, '../../../shared/traces/swf-nasa-ipsc-1993/NASA-iPSC-1993-3.1-cln.swf.gz');
const HAVE = existsSync(LOG);
if (!HAVE) console.warn(`skipped: the NASA iPSC SWF log is absent because ../shared is absent (${LOG})`);

describe.skipIf(!HAVE)('NASA iPSC/860 1993 log (skipped when ../shared is absent)', () => {
  let jobs: TraceJob[];
  beforeAll(async () => {
    jobs = jobsFromSwf(await readSwf(LOG));
  });
  it('FCFS and EASY schedule all 18 239 jobs; EASY waits no longer on average', () => {
    expect(jobs).toHaveLength(18239);
    const f = scheduleJobs(jobs, { algorithm: 'fcfs', nodes: 128 });
    const e = scheduleJobs(jobs, { algorithm: 'easy', nodes: 128 });
    console.log('fcfs', JSON.stringify(f.metrics));
    console.log('easy', JSON.stringify(e.metrics));
    expect(f.metrics.completed).toBe(18239);
    expect(e.metrics.completed).toBe(18239);
    expect(e.metrics.meanWait).toBeLessThanOrEqual(f.metrics.meanWait);
  });
  it('IPTAS with minEpsilon 0 kills the tasks of users whose history ran 0 s; with a floor of 0.667 it does not', () => {
    const lit = scheduleJobs(jobs, { algorithm: 'iptas', nodes: 128 });
    const floor = scheduleJobs(jobs, { algorithm: 'iptas', nodes: 128, params: { minEpsilon: 0.667 } });
    console.log('iptas', JSON.stringify(lit.metrics));
    console.log('iptas minEpsilon 0.667', JSON.stringify(floor.metrics));
    expect(lit.metrics.killed).toBeGreaterThan(1000);
    expect(floor.metrics.killed).toBe(0);
    expect(floor.metrics.completed).toBe(18239);
  });
});
