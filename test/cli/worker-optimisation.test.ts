/**
 * The `fairfit` command's worker threads optimise on their own thread, not in the background
 * (src/cli/worker-optimisation.ts says why), while its main thread keeps background
 * optimisation: checked on the built CLI, with V8's own answer in each thread
 * (optimisation-probe.cjs), and a user's own flag left alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userSetRecompilation } from '../../src/cli/worker-optimisation.ts';
import { fairfit, MAIN } from './option-fixture.ts';
import { spawnSyncChild } from '../children.ts';

const PROBE = fileURLToPath(new URL('./optimisation-probe.cjs', import.meta.url));

let dir = '';
let trace = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-optimisation-'));
  trace = join(dir, 'trace');
  const r = fairfit('gen', '--out', trace, '--machines', '20', '--tasks', '400', '--days', '0.05', '--seed', '3');
  expect(r.code, r.stderr).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A two-worker replay run with these Node flags: the probes whose thread V8 lets optimise in
 * the background (their names, sorted) and how many worker threads ran their probe.
 */
function backgroundProbes(nodeFlags: string[]): { background: string[]; workers: number } {
  const r = spawnSyncChild(process.execPath, ['--allow-natives-syntax', ...nodeFlags, '--require', PROBE, MAIN,
    'replay', '--trace', trace, '--machines', '8', '--policy', 'fine_grained', '--workers', '2', '--quiet'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const probes = [...r.stderr.matchAll(/^fairfit-probe (probeIn\w+) (\S+)$/gm)].map((m) => ({ name: m[1]!, where: m[2]! }));
  expect(probes.filter((p) => p.name === 'probeInMain'), r.stderr).toHaveLength(1);
  return {
    background: probes.filter((p) => p.where === 'background').map((p) => p.name).sort(),
    workers: probes.filter((p) => p.name === 'probeInWorker').length,
  };
}

describe('how the fairfit command optimises', () => {
  it('optimises in its worker threads on their own thread, and in its main thread in the background', () => {
    const { background, workers } = backgroundProbes([]);
    expect(workers).toBeGreaterThan(0);
    expect(background).toEqual(['probeInMain']);
  });

  it("leaves the choice to the user's own flag (every worker then optimises in the background)", () => {
    const { background, workers } = backgroundProbes(['--concurrent-recompilation']);
    expect(workers).toBeGreaterThan(0);
    expect(background).toEqual(['probeInMain', ...Array<string>(workers).fill('probeInWorker')]);
  });

  it('knows every spelling of the flag', () => {
    for (const flag of ['--concurrent-recompilation', '--no-concurrent-recompilation', '--noconcurrent_recompilation', '--concurrent_recompilation']) {
      expect(userSetRecompilation([flag], undefined), flag).toBe(true);
      expect(userSetRecompilation([], `--enable-source-maps ${flag}`), flag).toBe(true);
    }
    expect(userSetRecompilation(['--concurrent-recompilation-queue-length=4', '--require', 'x.cjs'], '--max-old-space-size=4096')).toBe(false);
    expect(userSetRecompilation([], undefined)).toBe(false);
  });
});
