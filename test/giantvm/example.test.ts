import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/replay.ts';

describe('the README replay example runs', () => {
  it('replays three policies on two workers, prints their table and writes the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairfit-example-test-'));
    try {
      let text = '';
      const file = join(dir, 'r.html');
      const report = await main(file, (t) => (text += t));
      expect(report.runs.map((r) => r.policy)).toEqual(['no_migration', 'coarse_grained', 'fine_grained']);
      expect(text).toMatch(/^policy\s+meanCpu/);
      expect(text).toContain(`wrote ${file}`);
      expect(existsSync(file)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
