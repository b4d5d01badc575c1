/**
 * The build's and the benchmarks' children run with a timeout (scripts/run-child.mjs): one that hangs
 * is killed and named, instead of holding `npm run build` or `npm run bench` for ever.
 */
import { describe, expect, it } from 'vitest';
import { caseTimeoutMs, CASE_TIMEOUT_MIN_MS } from '../../bench/replay-memory.ts';
import { ChildTimeoutError, runChild } from '../../scripts/run-child.mjs';

describe('runChild', () => {
  it('kills a child that outlives its timeout and throws naming the command', () => {
    const t0 = performance.now();
    let caught: unknown;
    try {
      runChild(process.execPath, ['-e', 'setTimeout(() => {}, 1e6)'], { encoding: 'utf8', timeout: 200 });
    } catch (err) {
      caught = err;
    }
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(caught).toBeInstanceOf(ChildTimeoutError);
    const e = caught as ChildTimeoutError;
    expect(e.message).toMatch(/^timed out after 0\.2 s and killed: \S+ -e 'setTimeout\(\(\) => \{\}, 1e6\)'/);
    expect([e.command, e.args, e.timeoutMs]).toEqual([process.execPath, ['-e', 'setTimeout(() => {}, 1e6)'], 200]);
  });

  it('ends its message with the end of the stderr captured so far (a child may be killed before it wrote any)', () => {
    expect(new ChildTimeoutError('git', ['status'], 30_000, 'waiting\n').message).toBe('timed out after 30 s and killed: git status\nits stderr so far:\nwaiting\n');
    expect(new ChildTimeoutError('git', ['status'], 30_000, null).message).toBe('timed out after 30 s and killed: git status');
  });

  it('returns the result of a child that ends in time, as spawnSync does', () => {
    const r = runChild(process.execPath, ['-e', 'process.stdout.write("ok"); process.exitCode = 3'], { encoding: 'utf8', timeout: 60_000 });
    expect([r.status, r.stdout, r.error]).toEqual([3, 'ok', undefined]);
  });

  it('requires a timeout', () => {
    expect(() => runChild(process.execPath, ['-e', ''], {} as never)).toThrow('a timeout in ms > 0 is required');
  });
});

describe('a giantvm-memory bench case', () => {
  it('may run 15 minutes, or 0.2 ms per task and policy when that is longer', () => {
    expect(caseTimeoutMs({ tasks: 614_000, policy: 'fine_grained' })).toBe(CASE_TIMEOUT_MIN_MS);
    expect(caseTimeoutMs({ tasks: 25_000_000, policy: 'fine_grained' })).toBe(5_000_000);
    expect(caseTimeoutMs({ tasks: 25_000_000, policy: 'all' })).toBe(40_000_000);
  });
});
