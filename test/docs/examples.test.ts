import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { main } from '../../examples/embed.ts';
import { main as engineMain } from '../../examples/engine.ts';

describe('the README embedding example runs and says what the README says', () => {
  it('places on the weakest node, batches, and reports bad input by code', () => {
    const lines: unknown[][] = [];
    main((...a) => lines.push(a));
    expect(lines[0]).toEqual(['NOT_FINITE', 'demand[0] must be a finite number, got NaN']);
    const out = lines[1]![0] as { placed: unknown; nodes: number[]; gang: unknown; wu: number[]; pri: number[]; balance: number };
    expect(out.placed).toEqual({ kind: 'placed', node: 1 });
    expect(out.nodes).toEqual([1, 0]);
    expect(out.gang).toEqual({ kind: 'placed', nodes: Int32Array.of(0, 2) }); // both large (δ ≥ δ0): strongest node first
    expect(out.pri).toEqual([5, 0]);
    expect(out.balance).toBeCloseTo(((-2 * 0.2) + 0 + 2 * 0.9) / (3 * 1.5), 12);
  });
  it('the README shows the same code as examples/embed.ts', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const line of ['const placed = matcher.place([1, 2], \'small\');', 'matcher.placeAll({ demands: [[4, 4], [16, 16]] })', 'matcher.placeBatch({ demands: [[1, 4], [1, 8]], sizes: [0, 1] })', 'recomputePriorities({ dataGB: [5, 50], user: [0, 1], rounds: [2, 0], running: [3, 4] })']) {
      expect(readme).toContain(line);
    }
  });
});

describe('the README engine example runs and says what the README says', () => {
  it('places the task and the gang, drains the rings in order, restores a snapshot and takes a JSON command', () => {
    const lines: unknown[][] = [];
    engineMain((...a) => lines.push(a));
    expect(lines[0]).toEqual([0, ['etl-1', 'mpi#0', 'mpi#1', 'mpi#2', 'mpi#3']]);
    expect(lines[1]).toEqual([1, []]);
    expect(lines[2]![0]).toEqual({ placed: 5, why: ['never-fits', 'dimension-short'], answer: { ok: true, op: 'submit', result: 'x' } });
  });
  it('the README shows the same code as examples/engine.ts', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const code = readFileSync(new URL('../../examples/engine.ts', import.meta.url), 'utf8');
    const body = code.slice(code.indexOf('  using engine'), code.indexOf('  log({'));
    for (const line of body.split('\n').filter((l) => l.trim() !== '')) expect(readme).toContain(line.trim());
  });
});
