/** The README's rebalancing example (examples/rebalance.ts) runs and does what its comments say. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/rebalance.ts';

describe('examples/rebalance.ts', () => {
  it('relieves node1, empties the idle node2, and places a new Java VM by timetable', () => {
    let text = '';
    const { plan, placed, period } = main((t) => (text += t));
    expect(plan.waves.flat()[0]).toMatchObject({ vm: 'java-1', from: 'node1', phase: 'balance' });
    expect(plan.after.find((u) => u.host === 'node1')!.class).not.toBe('high');
    expect(plan.powerOff).toEqual(['node2']);
    expect(period).toBe(45);
    // node1 would reach 7 of 8 cores at the Java lessons (≥ 0.70); node2 is powered off; node3 takes it.
    expect(placed[0]).toMatchObject({ kind: 'placed', host: 'node3' });
    expect(text).toContain('wave 1: java-1 node1→node3 (balance)');
  });

  it('the README shows lines of examples/rebalance.ts', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const code = readFileSync(new URL('../../examples/rebalance.ts', import.meta.url), 'utf8');
    const block = readme.slice(readme.indexOf('// examples/rebalance.ts'), readme.indexOf('```', readme.indexOf('// examples/rebalance.ts')));
    const lines = block.split('\n').slice(1).filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(code).toContain(line.trim());
  });
});
