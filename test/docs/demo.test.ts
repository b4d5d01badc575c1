import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { namingTimeout, SYNC_CHILD } from '../children.ts';

const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe('fairfit demo prints the kernels at work', () => {
  it('weights, placements, a Gini and priorities, the same for the same seed', () => {
    const a = namingTimeout(() => execFileSync(process.execPath, [main, 'demo', '--seed', '3'], { encoding: 'utf8', ...SYNC_CHILD }));
    expect(a).toMatch(/node 5: 2\.5 GHz × 16 vCPU, 32 GB → Wu = 1\.000/);
    expect(a).toMatch(/task 0 \(\d vCPU, \d GB\) → node \d/);
    expect(a).toMatch(/gini of per-node CPU use: 0\.\d{3}/);
    expect(a).toContain('priorities of a short, a medium and a long task (IPTAS paper eq. 5–7): 3, 3, 5');
    expect(namingTimeout(() => execFileSync(process.execPath, [main, 'demo', '--seed', '3'], { encoding: 'utf8', ...SYNC_CHILD }))).toBe(a);
  });
});
