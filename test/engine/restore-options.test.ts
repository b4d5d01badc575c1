/**
 * `Engine.restore(bytes, options)` checks its options as the constructor checks
 * its own: an object of known keys. Before, `null` was a TypeError (no
 * FairfitError code) and any other key was ignored — a misspelt `memorylimit`
 * restored an engine without the limit the host asked for.
 */
import { describe, expect, it } from 'vitest';
import { FairfitError } from '../../src/errors.ts';
import { Engine } from '../../src/engine/engine.ts';

function failure(f: () => unknown): string {
  try {
    const e = f() as Engine;
    e.close();
  } catch (err) {
    return err instanceof FairfitError ? `${err.code} ${String(err.details.field)}: ${err.message}` : `not a FairfitError: ${String(err)}`;
  }
  return 'no error';
}

describe('Engine.restore options', () => {
  const e = new Engine();
  e.addNode({ capacity: [4, 4] });
  e.submit({ id: 'a', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 5 });
  const bytes = e.snapshot();
  e.close();

  it('refuses options that are not an object with a FairfitError naming options', () => {
    expect(failure(() => Engine.restore(bytes, null as never))).toMatch(/^INVALID_OPTION options: options must be an object/);
    expect(failure(() => Engine.restore(bytes, 'x' as never))).toMatch(/^INVALID_OPTION options: /);
    expect(failure(() => Engine.restore(bytes, [] as never))).toMatch(/^INVALID_OPTION options: /);
  });

  it('refuses a key that is not a restore option, naming it and the one meant', () => {
    expect(failure(() => Engine.restore(bytes, { memorylimit: 2 ** 20 } as never))).toBe(
      'INVALID_OPTION options.memorylimit: options.memorylimit is not an option of Engine.restore (memoryLimit) (did you mean memoryLimit?)');
    expect(failure(() => Engine.restore(bytes, { taskCapacity: 10 } as never))).toMatch(/^INVALID_OPTION options\.taskCapacity: /);
  });

  it('still takes memoryLimit, and no options at all', () => {
    expect(failure(() => Engine.restore(bytes, { memoryLimit: 2 ** 24 }))).toBe('no error');
    expect(failure(() => Engine.restore(bytes, {}))).toBe('no error');
    expect(failure(() => Engine.restore(bytes))).toBe('no error');
    expect(failure(() => Engine.restore(bytes, { memoryLimit: 1024 }))).toMatch(/^OUT_OF_MEMORY/);
  });
});
