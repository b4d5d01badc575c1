/** The README's virtual-cluster example (examples/virtual-clusters.ts) runs, says what the README says, and the README shows its code. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/virtual-clusters.ts';

describe('the README virtual-cluster example', () => {
  it('spreads 4 members over 3 hosts, refuses a scale-out past the quota, and restarts all 5 members', () => {
    const lines: string[] = [];
    main((t) => lines.push(t));
    expect(lines).toEqual([
      'web: web#0@h1 web#1@h2 web#2@h3 web#3@h1\n',
      "QUOTA_EXCEEDED: nodes: tenant 'acme' would hold cpu 16 with cluster 'web' at 8 members, over its quota limit cpu 12\n",
      '["h1","h2","h3","h1","h2"]\n',
    ]);
  });

  it('the README shows the example\'s code', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const code = readFileSync(new URL('../../examples/virtual-clusters.ts', import.meta.url), 'utf8');
    const body = code.slice(code.indexOf('  using vc'), code.indexOf('  return {')).split('\n').filter((l) => l.trim() !== '');
    for (const line of body) expect(readme).toContain(line.trim());
  });
});
