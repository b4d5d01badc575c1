/**
 * The layers of docs/architecture.md ("At a glance"), checked on the sources' relative imports as
 * TypeScript finds them (static, dynamic, re-exports, bare; a worker script named by `new URL` is a
 * file of dist/, outside the layers): each file imports only its own row of the table and the rows
 * above it, but for the two upward imports the text names; no system imports another; the engine
 * (built on IPTAS) imports no other system.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Every source file, as a path from src/. */
function sources(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).sort();
}

/** What `file` (a path from src/) imports relatively (TypeScript's own scan: static, dynamic, re-exports, bare), as paths from src/. */
function importsOf(file: string, text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(SRC, resolve(SRC, dirname(file), spec)));
}

/** The rows of docs/architecture.md's table "At a glance", from the bottom up: what each path from src/ starts with. */
const ROWS: readonly (readonly string[])[] = [
  ['errors.ts', 'schema-errors.ts', 'command-answers.ts'],
  ['wasm'],
  ['kernels', 'reference', 'rng.ts'],
  ['io', 'model'],
  ['runner', 'queue'],
  ['report'],
  ['systems'],
  ['engine'],
  ['cli'],
  ['index.ts', 'internals.ts'],
];

/** The two imports that go up, as docs/architecture.md names them (file → target, paths from src/). */
const UPWARD = [
  ['io/generate.ts', 'report/file.ts'],
  ['systems/iptas/', 'engine/'],
] as const;

/** The row of a path from src/ (−1 outside src/). */
function row(path: string): number {
  const first = path.split('/')[0]!;
  return ROWS.findIndex((r) => r.includes(first));
}

/** The system a path from src/ belongs to, if any. */
function system(path: string): string | undefined {
  const parts = path.split('/');
  return parts[0] === 'systems' ? parts[1] : undefined;
}

/** Whether `file` may import `target`: a row at or above its own, no other system, or one of the two upward imports. */
function allowed(file: string, target: string): boolean {
  if (target.startsWith('..')) return true;
  if (UPWARD.some(([f, t]) => file.startsWith(f) && target.startsWith(t))) return true;
  const from = system(file), to = system(target);
  if (from !== undefined && to !== undefined && from !== to) return false;
  if (file.startsWith('engine/') && to !== undefined && to !== 'iptas') return false;
  return row(target) <= row(file);
}

/** Every import that breaks a rule, as `file -> target`. */
function breaches(files: { file: string; text: string }[]): string[] {
  const out: string[] = [];
  for (const { file, text } of files) for (const target of importsOf(file, text)) if (!allowed(file, target)) out.push(`${file} -> ${target}`);
  return out;
}

describe('the layers of docs/architecture.md', () => {
  const files = sources().map((file) => ({ file, text: readFileSync(join(SRC, file), 'utf8') }));

  it('finds the imports it checks (the engine\'s of IPTAS, a system\'s of the generic layers, a dynamic one, a bare one, a re-export)', () => {
    const all = files.flatMap(({ file, text }) => importsOf(file, text).map((t) => `${file} -> ${t}`));
    expect(all.length).toBeGreaterThan(500);
    expect(all).toContain('engine/engine.ts -> systems/iptas/engine-api.ts');
    expect(all.some((x) => x.startsWith('systems/giantvm/') && x.endsWith('-> wasm/module.ts'))).toBe(true);
    expect(all).toContain('cli/program.ts -> cli/clusters-command.ts');
    expect(importsOf('cli/x.ts', "import './setup.ts';\nexport * from '../io/columns.ts';")).toEqual(['cli/setup.ts', 'io/columns.ts']);
  });

  it('every source file is in a row of the table', () => {
    expect(files.map((f) => f.file).filter((f) => row(f) < 0)).toEqual([]);
  });

  it('each layer imports only the rows at or above its own, no system another, the engine no system but IPTAS, and the two upward imports are the ones named', () => {
    expect(breaches(files)).toEqual([]);
  });

  it('would name a breach', () => {
    expect(breaches([
      { file: 'report/x.ts', text: "import { POLICIES } from '../systems/giantvm/types.ts';" },
      { file: 'systems/crs/x.ts', text: "export { gini } from '../docklet/model.ts';" },
      { file: 'engine/x.ts', text: "import type { A } from '../systems/crs/model.ts';\nimport { B } from '../systems/iptas/model.ts';" },
      { file: 'io/x.ts', text: "const w = await import('../cli/main.ts');" },
      { file: 'cli/x.ts', text: "import { C } from '../systems/crs/model.ts';" },
      { file: 'wasm/x.ts', text: "import { gini } from '../kernels/gini.ts';" },
      { file: 'io/google/x.ts', text: "import { writeAtomic } from '../../report/file.ts';" },
      { file: 'io/generate.ts', text: "import { writeAtomic } from '../report/file.ts';" },
      { file: 'systems/iptas/x.ts', text: "import { Engine } from '../../engine/engine.ts';" },
      { file: 'systems/giantvm/x.ts', text: "import { Engine } from '../../engine/engine.ts';" },
    ])).toEqual(['report/x.ts -> systems/giantvm/types.ts', 'systems/crs/x.ts -> systems/docklet/model.ts', 'engine/x.ts -> systems/crs/model.ts', 'io/x.ts -> cli/main.ts',
      'wasm/x.ts -> kernels/gini.ts', 'io/google/x.ts -> report/file.ts', 'systems/giantvm/x.ts -> engine/engine.ts']);
  });
});
