/**
 * The API reference (`npm run docs`, typedoc over src/index.ts) builds without
 * a warning: every public symbol a comment links to or a signature mentions is
 * exported and documented. Checked without writing the HTML (`--emit none`).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSyncChild } from '../children.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('API docs', () => {
  it('typedoc finds no error and no warning', () => {
    const r = spawnSyncChild(process.execPath, ['node_modules/typedoc/bin/typedoc', '--emit', 'none', '--treatWarningsAsErrors'], { cwd: root, encoding: 'utf8' });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out).not.toMatch(/\[(warning|error)\]/);
    expect(r.status).toBe(0);
  }, 60_000);
});

describe('references between the docs and the source', () => {
  const files = (dir: string, ext: RegExp): string[] => readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).filter((f) => ext.test(f)).map((f) => join(dir, f));
  const texts = ['README.md', ...files('docs', /^[^/]+\.md$/), ...files('src', /\.ts$/), ...files('assembly', /\.ts$/), ...files('examples', /\.(ts|mjs)$/)]
    .map((f) => ({ file: f, text: readFileSync(join(root, f), 'utf8') }));

  it('every `docs/<file>.md "Section"` named exists in that file', () => {
    const missing: string[] = [];
    for (const { file, text } of texts) {
      for (const m of text.matchAll(/docs\/(model|results|abi|architecture)\.md[,:]? ?\(?(?:section )?["“]([^"”\n]+)["”]/g)) {
        if (!readFileSync(join(root, 'docs', `${m[1]}.md`), 'utf8').includes(m[2]!)) missing.push(`${file}: docs/${m[1]}.md "${m[2]}"`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every path of this repository the README and docs/ name exists', () => {
    const missing: string[] = [];
    for (const { file, text } of texts.filter((t) => t.file.endsWith('.md'))) {
      for (const m of text.matchAll(/(?<![\w./-])((?:src|assembly|examples|schemas|scripts|bench|test|docs)\/[\w./-]*\w)/g)) {
        const path = m[1]!;
        // Not files of this checkout: patterns (src/kernels/x.ts, test/fixtures/engine-snapshot-v6-*.bin), an output
        // (docs/api/, what `npm run docs` writes) and V8's source (its src/base/ieee754.cc, where the maths ports come from).
        if (/(^|\/)x\.ts$/.test(path) || /^[\w.-]*\*/.test(text.slice(m.index! + path.length, m.index! + path.length + 40)) || path.startsWith('docs/api') || path.startsWith('src/base/')) continue;
        if (!existsSync(join(root, path))) missing.push(`${file}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('docs/abi.md', () => {
  it('names every function the WebAssembly module exports', async () => {
    const { CORE_FUNCTIONS } = await import('../../src/wasm/abi.ts');
    const abi = readFileSync(join(root, 'docs/abi.md'), 'utf8');
    expect(CORE_FUNCTIONS.filter((name) => !abi.includes(`\`${name}(`))).toEqual([]);
  });

  it('lists every layout assembly/layouts.ts holds in its Layouts table', () => {
    const abi = readFileSync(join(root, 'docs/abi.md'), 'utf8');
    const table = abi.slice(abi.indexOf('## Layouts'), abi.indexOf('## Status codes'));
    const names = [...readFileSync(join(root, 'assembly/layouts.ts'), 'utf8').matchAll(/^export namespace (\w+)/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((name) => !table.includes(`\`${name}\``))).toEqual([]);
  });
});

describe('error codes in the docs', () => {
  it("the README's lists of codes hold only codes of ERROR_CODES, and every code is documented in README or docs/", async () => {
    const { ERROR_CODES } = await import('../../src/errors.ts');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const lists = [...readme.matchAll(/with a stable `?code`? \(([^)]*)\)/g)].map((m) => m[1]!);
    expect(lists).toHaveLength(2);
    const listed = lists.flatMap((l) => [...l.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!)).filter((c) => c !== 'ERROR_CODES'); // the second list ends: every code is in `ERROR_CODES`
    expect(listed.filter((c) => !(ERROR_CODES as readonly string[]).includes(c))).toEqual([]);
    const docs = [readme, ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => readFileSync(join(root, 'docs', f), 'utf8'))].join('\n');
    expect(ERROR_CODES.filter((c) => !new RegExp(`\\b${c}\\b`).test(docs))).toEqual([]);
  });
});
