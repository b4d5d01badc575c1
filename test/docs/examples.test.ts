import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../examples/embed.ts';
import { main as engineMain } from '../../examples/engine.ts';
import { spawnSyncChild } from '../children.ts';

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

/** The shell blocks of the README, continuation lines joined, comments dropped. */
function readmeShellLines(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((b) => b.replace(/\\\n\s*/g, ' ').split('\n')).map((l) => l.replace(/(^|\s)#.*$/, '').trim()).filter((l) => l !== '');
}

describe("the README's command lines", () => {
  const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));
  const cli = (args: string[], cwd = ROOT) => spawnSyncChild(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd });

  it('run the CLI as a clone has it (node dist/cli/main.js), never a bare `fairfit`, which is not on the PATH there', () => {
    const lines = readmeShellLines();
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line, line).not.toMatch(/(^|[|;&]\s*)fairfit\s/);
  });

  it('give each command only options its --help lists', () => {
    const helps = new Map<string, string>();
    for (const line of readmeShellLines()) {
      for (const m of line.matchAll(/node dist\/cli\/main\.js ([a-z-]+)([^|;&]*)/g)) {
        const command = m[1]!;
        if (!helps.has(command)) helps.set(command, cli([command, '--help']).stdout);
        for (const option of m[2]!.match(/--[a-z][a-z0-9-]*/g) ?? []) expect(helps.get(command), `${command} ${option}: ${line}`).toMatch(new RegExp(`${option}[ ,\\n]`));
      }
    }
    expect([...helps.keys()].sort()).toEqual(['clusters', 'clusters-replay', 'gen-scenario', 'rebalance', 'replay', 'schedule', 'sweep', 'worker']);
  });

  it('the CRS block runs as written (outputs in a temporary out/)', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fairfit-readme-crs-'));
    try {
      const block = readmeShellLines().filter((l) => / (gen-scenario|rebalance) /.test(l));
      expect(block).toHaveLength(2);
      for (const line of block) {
        // examples/ is the checkout's; out/ is the temporary folder's.
        const args = line.replace(/^node dist\/cli\/main\.js /, '').split(/\s+/).map((a) => (a.startsWith('examples/') ? join(ROOT, a) : a));
        const r = cli(args, cwd);
        expect(r.stderr, line).not.toMatch(/^fairfit: /m);
        expect(r.status, line).toBe(0);
      }
      for (const f of ['campus.json', 'crs.json', 'crs.csv', 'crs.html']) expect(existsSync(join(cwd, 'out', f)), f).toBe(true);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
