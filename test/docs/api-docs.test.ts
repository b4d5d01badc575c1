/**
 * The API reference (`npm run docs`, typedoc over src/index.ts) builds without
 * a warning: every public symbol a comment links to or a signature mentions is
 * exported and documented. Checked without writing the HTML (`--emit none`).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('API docs', () => {
  it('typedoc finds no error and no warning', () => {
    const r = spawnSync(process.execPath, ['node_modules/typedoc/bin/typedoc', '--emit', 'none', '--treatWarningsAsErrors'], { cwd: root, encoding: 'utf8' });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out).not.toMatch(/\[(warning|error)\]/);
    expect(r.status).toBe(0);
  }, 60_000);
});
