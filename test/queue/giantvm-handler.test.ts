/**
 * The GiantVM queue handler on its own: a `lockstep` job whose configurations
 * differ in more than their policy is refused before any trace is read (the
 * coordinator never makes one; a foreign payload must not run half-checked).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { giantvmQueueHandler, type GiantvmQueueJob } from '../../src/systems/giantvm/queue-handler.ts';
import { defaultParams } from '../../src/systems/giantvm/replay-params.ts';

const handler = giantvmQueueHandler(1);
afterAll(() => handler.close?.());

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
});
