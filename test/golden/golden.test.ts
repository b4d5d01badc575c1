/**
 * The command line's outputs on a generated trace are byte-identical to the
 * recorded golden files: `fairfit gen` bytes, `fairfit inspect` output,
 * `fairfit replay` JSON for every policy and usage mode (1 and 2 workers), its
 * CSV rows and stdout table, the thesis preset's JSON, and `fairfit sweep` JSON. A refactoring must not change any of them.
 *
 * The golden files are rewritten only on request: `FAIRFIT_UPDATE_GOLDEN=1 npx vitest run test/golden`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSyncChild } from '../children.ts';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const GOLDEN = fileURLToPath(new URL('./files/', import.meta.url));
const UPDATE = process.env.FAIRFIT_UPDATE_GOLDEN === '1';
// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
let trace = '';

function fairfit(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSyncChild(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Compares `actual` with the golden file `name` (or writes it when updating). */
function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${name} missing: run FAIRFIT_UPDATE_GOLDEN=1 npx vitest run test/golden`);
  // Not toBe on the whole text: a mismatch in a 100 kB JSON would print all of it.
  const expected = readFileSync(file, 'utf8');
  if (actual !== expected) {
    let i = 0;
    while (i < actual.length && actual[i] === expected[i]) i++;
    expect.fail(`${name} differs at character ${i}: expected …${JSON.stringify(expected.slice(Math.max(0, i - 60), i + 60))}…, got …${JSON.stringify(actual.slice(Math.max(0, i - 60), i + 60))}…`);
  }
}

function filesOf(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-golden-'));
  trace = join(dir, 'trace');
  if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run \`npm run build\` first (npm test does)`);
  const r = fairfit('gen', '--out', trace, '--machines', '48', '--tasks', '900', '--days', '0.05', '--seed', '11');
  expect(r.code).toBe(0);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the command line gives the recorded golden outputs', () => {
  it('fairfit gen writes the same bytes', () => {
    const lines = filesOf(trace).map((f) => `${f} ${createHash('sha256').update(readFileSync(join(trace, f))).digest('hex')}`);
    golden('gen.sha256', `${lines.join('\n')}\n`);
  });

  it('fairfit inspect prints the same counts', () => {
    const r = fairfit('inspect', trace);
    expect(r.code).toBe(0);
    golden('inspect.txt', r.stdout.replaceAll(trace, '<trace>') + r.stderr.replaceAll(trace, '<trace>'));
  });

  for (const usage of ['trace', 'request', 'synthetic']) {
    it(`fairfit replay --usage ${usage} gives the same JSON for every policy, with 1 and 2 workers`, () => {
      const outs = [1, 2].map((workers) => {
        const json = join(dir, `replay-${usage}-${workers}.json`);
        const r = fairfit('replay', '--trace', trace, '--policy', 'all', '--machines', '40', '--usage', usage, '--seed', '3', '--workers', String(workers), '--json', json, '--quiet');
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        return readFileSync(json, 'utf8').replaceAll(trace, '<trace>');
      });
      expect(outs[1] === outs[0]).toBe(true);
      golden(`replay-${usage}.json`, outs[0]!);
    });
  }

  it('fairfit replay gives the same CSV rows and the same table on stdout, and the thesis preset the same JSON', () => {
    const csv = join(dir, 'replay-synthetic.csv');
    const r = fairfit('replay', '--trace', trace, '--policy', 'all', '--machines', '40', '--usage', 'synthetic', '--seed', '3', '--csv', csv, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    golden('replay-synthetic.csv', readFileSync(csv, 'utf8').replaceAll(trace, '<trace>'));
    golden('replay-synthetic-table.txt', r.stdout.replaceAll(trace, '<trace>'));
    const json = join(dir, 'replay-thesis.json');
    const t = fairfit('replay', '--trace', trace, '--policy', 'all', '--machines', '40', '--usage', 'synthetic', '--seed', '3', '--preset', 'thesis', '--json', json, '--quiet');
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    golden('replay-thesis.json', readFileSync(json, 'utf8').replaceAll(trace, '<trace>'));
  });

  it('fairfit sweep gives the same JSON', () => {
    const json = join(dir, 'sweep.json');
    const r = fairfit('sweep', '--trace', trace, '--policy', 'no_migration,fine_grained,cpu_usage_desc', '--machines', '36:44:4', '--overcommit', '0.8:1.2:0.4', '--seeds', '2', '--usage', 'synthetic', '--workers', '2', '--json', json, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    golden('sweep.json', readFileSync(json, 'utf8').replaceAll(trace, '<trace>'));
  });
});
