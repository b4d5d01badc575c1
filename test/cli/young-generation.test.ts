/**
 * The `fairfit` command keeps V8's young generation at its first size
 * (src/cli/young-generation.ts), unless the user chose its size: checked on
 * the built CLI, whose loading alone grows it to 8 MiB and more otherwise.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { userSetYoungGeneration } from '../../src/cli/young-generation.ts';
import { MAIN } from './option-fixture.ts';
import { spawnSyncChild } from '../children.ts';

const PRELOAD = fileURLToPath(new URL('./new-space-at-exit.cjs', import.meta.url));
/** V8's first new-space size on 64-bit builds (two 1 MiB semi-spaces): what the command keeps. */
const FIRST_SIZE = 2 * 1024 * 1024;

/** The new space's size at the end of `fairfit demo` run with these Node flags and NODE_OPTIONS. */
function newSpaceAfterDemo(nodeFlags: string[], nodeOptions = ''): number {
  const r = spawnSyncChild(process.execPath, [...nodeFlags, '--require', PRELOAD, MAIN, 'demo'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: nodeOptions } });
  expect(r.status, r.stderr).toBe(0);
  const m = /new-space-bytes=(\d+)/.exec(r.stderr);
  expect(m, r.stderr).not.toBeNull();
  return Number(m![1]);
}

describe('the young generation of the fairfit command', () => {
  it('stays at its first size through a whole command', () => {
    expect(newSpaceAfterDemo([])).toBeLessThanOrEqual(FIRST_SIZE);
  });

  it("is left to the user's own flag, on the command line or in NODE_OPTIONS (V8's growth then shows)", () => {
    expect(newSpaceAfterDemo(['--semi-space-growth-factor=2'])).toBeGreaterThan(FIRST_SIZE);
    // NODE_OPTIONS takes only this one of V8's semi-space flags.
    expect(newSpaceAfterDemo([], '--max-semi-space-size=8')).toBeGreaterThan(FIRST_SIZE);
  });

  it('knows every spelling of the semi-space flags', () => {
    for (const flag of ['--max-semi-space-size=4', '--max_semi_space_size=4', '--min-semi-space-size=2', '--semi-space-growth-factor=2', '--semi_space_growth_factor=3']) {
      expect(userSetYoungGeneration([flag], undefined), flag).toBe(true);
      expect(userSetYoungGeneration([], `--enable-source-maps ${flag}`), flag).toBe(true);
    }
    expect(userSetYoungGeneration(['--max-old-space-size=4096', '--require', 'x.cjs'], '--enable-source-maps')).toBe(false);
    expect(userSetYoungGeneration([], undefined)).toBe(false);
  });
});
