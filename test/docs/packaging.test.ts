/**
 * What a user installing the package meets: the plain-JavaScript embedding
 * example runs on this Node, the published typings compile with `lib: ES2022`
 * and `@types/node` alone (no DOM library), source maps carry their sources,
 * the licence file matches package.json, the JSON command schema ships and resolves as
 * `fairfit/schemas/…`, and a git install builds (`prepare`).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnSyncChild } from '../children.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; license: string; scripts: Record<string, string>; files: string[] };

describe('the package as a user meets it', () => {
  it('examples/embed.mjs runs as plain JavaScript on this Node and prints what the README example computes', () => {
    const r = spawnSyncChild(process.execPath, [join(ROOT, 'examples/embed.mjs')], { encoding: 'utf8', cwd: ROOT });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('NOT_FINITE demand[0] must be a finite number, got NaN\n');
    const out = JSON.parse(r.stdout) as { placed: unknown; nodes: number[]; gang: unknown; pri: number[] };
    expect(out.placed).toEqual({ kind: 'placed', node: 1 });
    expect(out.nodes).toEqual([1, 0]);
    expect(out.gang).toEqual({ kind: 'placed', nodes: [0, 2] });
    expect(out.pri).toEqual([5, 0]);
  });

  it('the published typings compile with lib ES2022 and @types/node only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairfit-typings-'));
    try {
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')], strict: true, noEmit: true },
          files: ['consumer.ts'],
        }),
      );
      writeFileSync(join(dir, 'consumer.ts'), `import * as api from '${join(ROOT, 'dist/index.js')}';\nimport * as internals from '${join(ROOT, 'dist/internals.js')}';\nexport const all: unknown = [api, internals];\n`);
      const r = spawnSyncChild(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every source map in dist/ embeds the sources it points at (src/ is not shipped)', () => {
    const maps = readdirSync(join(ROOT, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(20);
    for (const m of maps) {
      const map = JSON.parse(readFileSync(join(ROOT, 'dist', m), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sourcesContent?.length, m).toBe(map.sources.length);
      expect(map.sourcesContent!.every((c) => typeof c === 'string' && c.length > 0), m).toBe(true);
    }
  });

  it('ships the JSON command schema, reachable as fairfit/schemas/… and equal to IPTAS_COMMAND_SCHEMA', async () => {
    // What `npm pack` would put in the tarball (scripts off: no build here).
    const npm = spawnSyncChild('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', cwd: ROOT });
    expect(npm.status, npm.stderr).toBe(0);
    const packed = (JSON.parse(npm.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(packed).toContain('schemas/iptas-command.schema.json');
    expect(packed).toContain('dist/index.js');
    // The package's own name resolves through its exports map, as it does for a user.
    const resolved = createRequire(join(ROOT, 'package.json')).resolve('fairfit/schemas/iptas-command.schema.json');
    expect(resolved).toBe(join(ROOT, 'schemas/iptas-command.schema.json'));
    const { IPTAS_COMMAND_SCHEMA } = await import('../../src/index.ts');
    expect(JSON.parse(readFileSync(resolved, 'utf8'))).toEqual(IPTAS_COMMAND_SCHEMA);
  });

  it('ships an MIT LICENSE matching package.json, builds on a git install, and prints its version', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    expect(pkg.files).toContain('LICENSE');
    expect(pkg.scripts.prepare).toBe('npm run build');
    const r = spawnSyncChild(process.execPath, [join(ROOT, 'dist/cli/main.js'), '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });
});
