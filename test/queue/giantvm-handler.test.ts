/**
 * The GiantVM queue handler on its own: a `lockstep` job whose configurations
 * differ in more than their policy is refused before any trace is read (the
 * coordinator never makes one; a foreign payload must not run half-checked).
 * A refusal of the worker's trace copy names the trace as the sweep's or the
 * replay's, as the job is one's or the other's.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { contentHash } from '../../src/queue/content-hash.ts';
import { giantvmQueueHandler, type GiantvmQueueJob } from '../../src/systems/giantvm/queue-handler.ts';
import { defaultParams } from '../../src/systems/giantvm/replay-params.ts';

const handler = giantvmQueueHandler(1);
const dir = mkdtempSync(join(tmpdir(), 'fairfit-handler-'));
afterAll(async () => {
  await handler.close?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('GiantVM queue handler', () => {
  it('refuses a lockstep job of configurations that differ in more than their policy, or of none', async () => {
    const trace = { path: '/nonexistent-trace', files: [], hash: 'x', read: {}, needs: { usage: false, machineEvents: false } };
    const cells = { first: 0, count: 1 };
    const a = defaultParams({ policy: 'fine_grained', usage: 'synthetic' });
    for (const params of [[a, defaultParams({ policy: 'cpu_usage', usage: 'synthetic', machines: 7 })], []]) {
      const job: GiantvmQueueJob = { kind: 'lockstep', trace, params, cells };
      await expect(handler.run(job, { id: '1', label: 'lockstep' })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { field: 'params' } });
    }
  });

  it("names the trace of a refused job as the sweep's (a run job) or the replay's (a cells job), each time the copy is looked at", async () => {
    const path = join(dir, 'trace');
    await generateTrace({ machines: 20, tasks: 200, days: 0.02, seed: 3, out: path });
    const events = join(path, 'task_events');
    const [part] = readdirSync(events);
    const files = [`task_events/${part}`];
    const needs = { usage: false, machineEvents: false };
    const params = defaultParams({ policy: 'no_migration', usage: 'synthetic', machines: 20 });
    const jobs = (trace: { path: string; files: string[]; hash: string; read: object; needs: typeof needs }): [GiantvmQueueJob, string][] => [
      [{ kind: 'run', trace, params: [params], series: false }, 'sweep'],
      [{ kind: 'cells', trace, params, cells: { first: 0, count: 1 } }, 'replay'],
    ];
    const refused = (job: GiantvmQueueJob) => handler.run(job, { id: '1', label: 'x' }).then(() => 'served', (e: Error) => e.message);
    for (const [job, run] of jobs({ path: join(dir, 'none'), files, hash: 'x', read: {}, needs })) {
      expect(await refused(job)).toMatch(new RegExp(`^trace: refused: this worker cannot read the ${run}'s trace `));
    }
    for (const [job, run] of jobs({ path, files, hash: 'x', read: {}, needs })) {
      expect(await refused(job)).toMatch(new RegExp(`^trace: refused: this worker's copy \\S+ has content hash [0-9a-f]{64}, but the ${run}'s trace \\S+ has x;`));
    }
    // An extra part: the same hash for the coordinator's files, but the reader reads another.
    copyFileSync(join(events, part!), join(events, part!.replace(/^part-\d+/, 'part-99999')));
    const hash = await contentHash(path, files);
    for (const [job, run] of jobs({ path, files, hash, read: {}, needs })) {
      expect(await refused(job)).toMatch(new RegExp(`^trace: refused: this worker's copy \\S+ has other files to read \\(\\S+, \\S+\\) than the ${run}'s trace `));
    }
  });
});
