/**
 * The benchmarks, the examples and the tests type-check (`bench/tsconfig.json`,
 * `examples/tsconfig.json`, `test/tsconfig.json`): tsx and vitest run them
 * without checking types, and nothing else compiles bench/, examples/ or test/,
 * so code that no longer matches the API it uses would only show when someone
 * runs it (an example's untested branch), or never: a test calling a method
 * with an argument fewer, or importing a type src/ no longer exports, still runs.
 *
 * One tsc program holds the three folders and the README's blocks: src/ is then checked once, not four
 * times (71 s of CI's worker time as four programs, ≈ 25 s as one). The three folders' tsconfigs have the
 * root's options and nothing else, which the first test checks, so one program checks what each would.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSyncChild } from '../children.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const DIRS = ['bench', 'examples', 'test'] as const;

/** What one tsc run over the three folders and the README's blocks printed (its diagnostics), and its exit status. */
let out = '';
let status: number | null = null;
let blockFiles: string[] = [];
let blockDir = '';

beforeAll(() => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  // Whole programs only: a block without an import is an excerpt of an example file, which examples/ checks.
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^import .* from 'fairfit';$/m.test(b));
  blockDir = mkdtempSync(join(tmpdir(), 'fairfit-typecheck-'));
  try {
    blockFiles = blocks.map((b, i) => {
      const f = join(blockDir, `block${i}.ts`);
      writeFileSync(f, `${b}\nexport {};\n`);
      return f;
    });
    writeFileSync(join(blockDir, 'package.json'), '{ "type": "module" }\n'); // an ES module, as a host of its own is: top-level await
    writeFileSync(join(blockDir, 'tsconfig.json'), JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { noEmit: true, rootDir: '/', declaration: false, paths: { fairfit: [join(root, 'src/index.ts')] }, typeRoots: [join(root, 'node_modules/@types')] },
      files: blockFiles,
      include: [...DIRS, 'src'].map((d) => join(root, d)),
      exclude: [...DIRS, 'src'].map((d) => join(root, d, '**/node_modules')),
    }));
    // Run from the root: diagnostics name the folders' files as bench/…, examples/…, test/…
    const r = spawnSyncChild(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', blockDir, '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
    out = `${r.stdout}${r.stderr}`;
    status = r.status;
  } finally {
    rmSync(blockDir, { recursive: true, force: true });
  }
}, 180_000);

/** The diagnostics whose file starts with `prefix`. */
const diagnosticsOf = (prefix: string): string[] => out.split('\n').filter((l) => l.startsWith(prefix));

describe.each(DIRS)('%s/', (dir) => {
  it('has the root tsconfig\'s options and nothing else (so the one program checks it as its own tsconfig would)', () => {
    const own = JSON.parse(readFileSync(join(root, dir, 'tsconfig.json'), 'utf8')) as unknown;
    expect(own).toEqual({ extends: '../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '..', declaration: false }, include: ['.', '../src'] });
  });
  it('type-checks against src/', () => {
    expect(diagnosticsOf(`${dir}/`)).toEqual([]);
  });
});

describe("the README's TypeScript blocks", () => {
  it("that import from 'fairfit' type-check against src/ as they are written", () => {
    expect(blockFiles.length).toBeGreaterThanOrEqual(3);
    // tsc names them relative to the root, where it ran.
    expect(diagnosticsOf(`${relative(root, blockDir)}/`)).toEqual([]);
  });
});

describe('the one program', () => {
  it('has no diagnostic at all and exits 0 (none in src/, none the filters above would miss)', () => {
    expect(out).toBe('');
    expect(status).toBe(0);
  });
});
