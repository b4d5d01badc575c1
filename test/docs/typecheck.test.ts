/**
 * The benchmarks, the examples and the tests type-check (`bench/tsconfig.json`,
 * `examples/tsconfig.json`, `test/tsconfig.json`): tsx and vitest run them
 * without checking types, and nothing else compiles bench/, examples/ or test/,
 * so code that no longer matches the API it uses would only show when someone
 * runs it (an example's untested branch), or never: a test calling a method
 * with an argument fewer, or importing a type src/ no longer exports, still runs.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe.each(['bench', 'examples', 'test'])('%s/', (dir) => {
  it('type-checks against src/', () => {
    const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', `${dir}/tsconfig.json`], { cwd: root, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});
