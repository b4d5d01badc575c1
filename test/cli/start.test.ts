import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { POLICIES } from '../../src/systems/giantvm/types.ts';
import { namingTimeout, SYNC_CHILD } from '../children.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('npm start (the README\'s first command) works without ../shared', () => {
  it('after its build step: generates the trace, replays all eight policies, prints the table, writes the report', () => {
    const steps = pkg.scripts.start!.split('&&').map((s) => s.trim());
    expect(steps[0]).toMatch(/^npm run (-s )?build$/);
    // The build already ran (npm test builds first); run the rest in an empty folder, as on a fresh clone.
    const rest = steps.slice(1).join(' && ').replaceAll('node dist/cli/main.js', `"${process.execPath}" "${join(root, 'dist/cli/main.js')}"`);
    const cwd = mkdtempSync(join(tmpdir(), 'fairfit-start-'));
    try {
      const t0 = performance.now();
      const stdout = namingTimeout(() => execSync(rest, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...SYNC_CHILD }));
      expect(performance.now() - t0).toBeLessThan(60_000);
      const lines = stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^trace out\/demo-trace \(google2011\): 8000 tasks · usage trace .* · 80 identical machines · seed 1$/);
      // Every generated task has usage windows: no CPU came from the ratio, so none is stated.
      expect(lines[1]).toBe('model: capacity 0.3, overcommit 0.4, cell size 4, interval 10 ticks, tick 1 s');
      expect(lines[2]).toMatch(/^rules: tasks all, /);
      expect(lines.slice(6).map((l) => l.split(/\s+/)[0])).toEqual([...POLICIES]);
      expect(existsSync(join(cwd, 'out/report.html'))).toBe(true);
      expect(JSON.parse(readFileSync(join(cwd, 'out/replay.json'), 'utf8')).runs).toHaveLength(8);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
