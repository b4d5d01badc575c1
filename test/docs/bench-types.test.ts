/**
 * The benchmarks type-check (`bench/tsconfig.json`): tsx runs them without
 * checking types, and nothing else compiles bench/, so a suite that no longer
 * matches the API it measures would only show when someone runs it.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('bench/', () => {
  it('type-checks against src/', () => {
    const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'bench/tsconfig.json'], { cwd: root, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});
