/**
 * The test processes run with the V8 setting vitest.config.ts gives them (why: its comment): a
 * configuration that lost it would bring back a rare abort of a whole test file.
 */
import { describe, expect, it } from 'vitest';

describe('the test processes', () => {
  it('optimise on each thread, not in the background (vitest.config.ts execArgv)', () => {
    expect(process.execArgv).toContain('--no-concurrent-recompilation');
  });
});
