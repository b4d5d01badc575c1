/**
 * The benchmarks, the examples and the tests type-check (`bench/tsconfig.json`,
 * `examples/tsconfig.json`, `test/tsconfig.json`): tsx and vitest run them
 * without checking types, and nothing else compiles bench/, examples/ or test/,
 * so code that no longer matches the API it uses would only show when someone
 * runs it (an example's untested branch), or never: a test calling a method
 * with an argument fewer, or importing a type src/ no longer exports, still runs.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSyncChild } from '../children.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe.each(['bench', 'examples', 'test'])('%s/', (dir) => {
  it('type-checks against src/', () => {
    const r = spawnSyncChild(process.execPath, ['node_modules/typescript/bin/tsc', '-p', `${dir}/tsconfig.json`], { cwd: root, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});

describe("the README's TypeScript blocks", () => {
  it("that import from 'fairfit' type-check against src/ as they are written", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    // Whole programs only: a block without an import is an excerpt of an example file, which examples/ checks.
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^import .* from 'fairfit';$/m.test(b));
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    const dir = mkdtempSync(join(tmpdir(), 'fairfit-readme-ts-'));
    try {
      const files = blocks.map((b, i) => {
        writeFileSync(join(dir, `block${i}.ts`), `${b}\nexport {};\n`);
        return `block${i}.ts`;
      });
      writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n'); // an ES module, as a host of its own is: top-level await
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
        extends: join(root, 'tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: '/', declaration: false, paths: { fairfit: [join(root, 'src/index.ts')] }, typeRoots: [join(root, 'node_modules/@types')] },
        files,
        include: [],
      }));
      const r = spawnSyncChild(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
