/**
 * The build skips itself when nothing it is made from changed (scripts/build.mjs): npm test's own
 * build, just before these tests, must have left the record of these very sources.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildState } from '../../scripts/build-state.mjs';
import { spawnSyncChild } from '../children.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the build record', () => {
  it('matches these sources after npm test built them, and the next build skips (run npm run build if this fails outside npm test)', () => {
    expect(buildState().current).toBe(true);
    const r = spawnSyncChild(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, 'build: up to date (no input changed since the last build; npm run build -- --force builds anyway)\n']);
  });
});
