/**
 * The share of lines skipped in the `--max-skipped` refusal (`checkDamage`,
 * shared by replay, sweep, schedule and the Alibaba scenario): never shown as
 * 0 when lines were skipped, never as the limit it exceeds. One decimal read
 * "2 of 5300 lines skipped (0.0 %), more than the limit 0.0001" (found by an
 * exploratory audit).
 */
import { describe, expect, it } from 'vitest';
import { checkDamage, type ReadSummary } from '../../src/io/csv/problems.ts';

const summary = (rows: number, skipped: number): ReadSummary => ({ files: ['t'], rows, skipped, firstProblems: [] });
const refusal = (rows: number, skipped: number, limit: number): string => {
  try {
    checkDamage('t', summary(rows, skipped), limit);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('not refused');
};
const shown = (rows: number, skipped: number, limit: number) => /skipped \((.*) %\)/.exec(refusal(rows, skipped, limit))![1];

describe('the share of lines skipped in the --max-skipped refusal', () => {
  it('is not 0 when lines were skipped: more decimals below 0.05 %', () => {
    expect(refusal(5298, 2, 0.0001)).toBe('t: 2 of 5300 lines skipped (0.04 %), more than the limit 0.0001 (--max-skipped)');
    expect(shown(10 ** 7 - 1, 1, 0)).toBe('0.00001');
  });

  it('is not the limit it exceeds: more decimals until the figure is above it', () => {
    // 1 of 4999 = 0.020004 %: 0.02 is the limit itself.
    expect(shown(4998, 1, 0.0002)).toBe('0.020004');
    // 0.29001 against 0.29: 29.0 % would read as the limit.
    expect(shown(70999, 29001, 0.29)).toBe('29.001');
  });

  it('keeps one decimal when that already says it (the messages of every other refusal are unchanged)', () => {
    expect(shown(300, 100, 0.1)).toBe('25.0');
    expect(shown(60, 1, 0)).toBe('1.6');
  });
});
