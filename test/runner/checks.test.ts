import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FairfitError } from '../../src/errors.ts';
import { POLICIES } from '../../src/systems/giantvm/types.ts';
import { checkInteger, checkValues, checkWorkers, parseNumber, parseRange } from '../../src/runner/checks.ts';
import { parsePolicies } from '../../src/systems/giantvm/options.ts';

function invalidField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FairfitError);
    expect((e as FairfitError).code).toBe('INVALID_OPTION');
    return (e as FairfitError).details.field;
  }
  throw new Error('expected INVALID_OPTION');
}

describe('sweep ranges a:b:step are inclusive and float-safe', () => {
  it('expands the issue\'s example ranges exactly', () => {
    expect(parseRange('700:900:100', 'machines')).toEqual([700, 800, 900]);
    expect(parseRange('0.5:1.4:0.3', 'overcommit')).toEqual([0.5, 0.8, 1.1, 1.4]);
    expect(parseRange('0.1:0.3:0.1', 'x')).toEqual([0.1, 0.2, 0.3]);
    expect(parseRange('1:2:0.25', 'x')).toEqual([1, 1.25, 1.5, 1.75, 2]);
    expect(parseRange('5', 'x')).toEqual([5]);
    expect(parseRange('3,1,2', 'x')).toEqual([3, 1, 2]);
    expect(parseRange('1:1:1', 'x')).toEqual([1]);
    expect(parseRange('0:1:0.4', 'x')).toEqual([0, 0.4, 0.8]); // end not on the grid: stop below it
    expect(Object.is(parseRange('-18.6:0:0.6', 'x').at(-1), 0)).toBe(true); // -18.6 + 31·0.6 is a hair below 0: +0, not -0
  });

  it('gives exactly round((b-a)/step)+1 values that print as typed (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -500, max: 500 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 3 }), (ai, ni, si, places) => {
        const scale = 10 ** places;
        const a = ai / scale;
        const step = si / scale;
        const b = (ai + ni * si) / scale;
        const values = parseRange(`${a}:${b}:${step}`, 'x');
        expect(values.length).toBe(ni + 1);
        values.forEach((v, i) => expect(v).toBe((ai + i * si) / scale));
      }),
    );
  });

  it('rejects malformed ranges naming the option', () => {
    for (const bad of ['', '1:2', '1:2:3:4', '2:1:1', '1:2:0', '1:2:-1', 'a:b:c', '0x10', '1,,2', '0:1e9:1']) {
      expect(invalidField(() => parseRange(bad, 'overcommit'))).toBe('overcommit');
    }
    expect(() => parseNumber('NaN', 'seed')).toThrow(/seed/);
    // Not text: a TypeError from trim() (fairfit/internals exports both).
    for (const bad of [5, null, Object.create(null)]) {
      expect(() => parseNumber(bad as never, 'seed')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: `seed: must be text, got ${bad === 5 ? '5' : bad === null ? 'null' : 'an object'}` }));
      expect(invalidField(() => parseRange(bad as never, 'overcommit'))).toBe('overcommit');
    }
  });
});

describe('values that are null-prototype objects (no toString)', () => {
  it('checkInteger, checkValues, checkWorkers and parsePolicies refuse them quoting them (the message threw a TypeError; found by an API fuzz)', () => {
    const np = Object.create(null) as never;
    for (const call of [() => checkInteger(np, 'f', 0, 1), () => checkValues([np], 'f'), () => checkWorkers(np), () => parsePolicies([np])]) {
      expect(call).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/an object/) }));
    }
  });
});

describe('policy selections', () => {
  it("'all' and undefined are the eight policies in canonical order; lists keep their order", () => {
    expect(parsePolicies('all')).toEqual([...POLICIES]);
    expect(parsePolicies(undefined)).toHaveLength(8);
    expect(parsePolicies('fine_grained, no_migration')).toEqual(['fine_grained', 'no_migration']);
    expect(parsePolicies(['cache_misses'])).toEqual(['cache_misses']);
  });
  it('rejects unknown, duplicate and empty selections naming the option', () => {
    expect(invalidField(() => parsePolicies('fine_grained,best'))).toBe('policy');
    expect(invalidField(() => parsePolicies('fine_grained,fine_grained'))).toBe('policy');
    expect(invalidField(() => parsePolicies([]))).toBe('policy');
  });
  it("'all' in a list is said to stand alone (it was 'unknown policy 'all'')", () => {
    for (const v of ['all,fine_grained', 'fine_grained, all', ['no_migration', 'all']]) {
      expect(() => parsePolicies(v)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining("'all' stands for every policy and cannot be listed with others") }));
    }
  });
});

describe('worker counts', () => {
  it('default to 1 and must be integers in [1, 256]', () => {
    expect(checkWorkers(undefined)).toBe(1);
    expect(checkWorkers(4)).toBe(4);
    for (const bad of [0, -1, 1.5, NaN, 1000, '2']) expect(invalidField(() => checkWorkers(bad))).toBe('workers');
  });
});
