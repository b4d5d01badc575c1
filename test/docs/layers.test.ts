/**
 * The layers of docs/architecture.md, checked on the sources' relative imports (static, dynamic,
 * re-exports, and worker scripts named by `new URL`): the generic layers import no system, no
 * command line and not the engine; a system imports no other system and not the command line;
 * the engine (built on IPTAS) imports no other system.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Every source file, as a path from src/. */
function sources(): string[] {
  return (readdirSync(SRC, { recursive: true, withFileTypes: true }) as { name: string; parentPath: string; isFile(): boolean }[])
    .filter((d) => d.isFile() && d.name.endsWith('.ts'))
    .map((d) => relative(SRC, join(d.parentPath, d.name)))
    .sort();
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]/g;

/** What `file` (a path from src/) imports relatively, as paths from src/ (outside src/: starting with `..`). */
function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (spec.startsWith('.')) out.push(relative(SRC, resolve(SRC, dirname(file), spec)));
  }
  return out;
}

/** The layer of a path from src/: `systems/<name>` for a system, else its first part. */
function layer(path: string): string {
  const parts = path.split('/');
  return parts[0] === 'systems' ? `systems/${parts[1]}` : parts[0]!;
}

/** The layers a layer may not import; undefined: no rule (the package's entry points). */
function forbidden(from: string): ((to: string) => boolean) | undefined {
  if (from === 'index.ts' || from === 'internals.ts' || from === 'cli') return undefined;
  if (from === 'engine') return (to) => to === 'cli' || (to.startsWith('systems/') && to !== 'systems/iptas');
  if (from.startsWith('systems/')) return (to) => to === 'cli' || (to.startsWith('systems/') && to !== from);
  return (to) => to === 'cli' || to === 'engine' || to.startsWith('systems/');
}

/** Every import that breaks a rule, as `file -> target`. */
function breaches(files: { file: string; text: string }[]): string[] {
  const out: string[] = [];
  for (const { file, text } of files) {
    const rule = forbidden(layer(file));
    if (!rule) continue;
    for (const target of importsOf(file, text)) if (rule(layer(target))) out.push(`${file} -> ${target}`);
  }
  return out;
}

describe('the layers of docs/architecture.md', () => {
  const files = sources().map((file) => ({ file, text: readFileSync(join(SRC, file), 'utf8') }));

  it('finds the imports it checks (the engine\'s of IPTAS, a system\'s of the generic layers, a dynamic one, a worker script)', () => {
    const all = files.flatMap(({ file, text }) => importsOf(file, text).map((t) => `${file} -> ${t}`));
    expect(all.length).toBeGreaterThan(500);
    expect(all).toContain('engine/engine.ts -> systems/iptas/engine-api.ts');
    expect(all.some((x) => x.startsWith('systems/giantvm/') && x.endsWith('-> wasm/module.ts'))).toBe(true);
    expect(all).toContain('cli/program.ts -> cli/clusters-command.ts');
    expect(all).toContain('io/google/task-events.ts -> ../dist/io/google/task-events-worker.js');
  });

  it('no generic layer imports a system, the command line or the engine; no system imports another or the command line', () => {
    expect(breaches(files)).toEqual([]);
  });

  it('would name a breach', () => {
    expect(breaches([
      { file: 'report/x.ts', text: "import { POLICIES } from '../systems/giantvm/types.ts';" },
      { file: 'systems/crs/x.ts', text: "export { gini } from '../docklet/model.ts';" },
      { file: 'engine/x.ts', text: "import type { A } from '../systems/crs/model.ts';\nimport { B } from '../systems/iptas/model.ts';" },
      { file: 'io/x.ts', text: "const w = new URL('../cli/main.ts', import.meta.url);" },
      { file: 'cli/x.ts', text: "import { C } from '../systems/crs/model.ts';" },
    ])).toEqual(['report/x.ts -> systems/giantvm/types.ts', 'systems/crs/x.ts -> systems/docklet/model.ts', 'engine/x.ts -> systems/crs/model.ts', 'io/x.ts -> cli/main.ts']);
  });
});
