/**
 * Which fairfit build a coordinator or a worker is: the package version, the
 * SHA-256 of its release WebAssembly module (the engine every job runs) and
 * the SHA-256 of its built JavaScript (`dist/**\/*.js`: the drivers around
 * the engine, which decide as much of a job's numbers). Jobs carry the
 * coordinator's; a worker refuses a job of another build, since "the same
 * bytes as a local run" holds only when both run the same code, and a sweep's
 * default id covers it, so a sweep run again after an upgrade (or a patch
 * within one version) does not re-use results the old build stored.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHash } from '../wasm/module.ts';

let known: string | undefined;

/**
 * The first 16 hex digits of the SHA-256 of every `.js` file under `dir` (its path from `dir`, a
 * zero byte, its bytes, a zero byte; in path order), or `no-js` when there is none.
 */
export function scriptsHash(dir: string): string {
  const files: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.js')) files.push(p);
    }
  };
  walk(dir);
  if (files.length === 0) return 'no-js';
  // Sorted by the path with '/' (the same order on every platform and file system).
  const named = files.map((p) => [relative(dir, p).split('\\').join('/'), p] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const h = createHash('sha256');
  for (const [name, p] of named) {
    h.update(name);
    h.update('\0');
    h.update(readFileSync(p));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * `VERSION+WASM.JS`: the first 16 hex digits of the release module's SHA-256 and of the built
 * JavaScript's (`scriptsHash` of `dist/`, what the worker threads run whether the caller
 * runs `dist/` or the sources), read once per process.
 */
export function buildId(): string {
  if (known === undefined) {
    // The same relative places from src/queue and dist/queue.
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    let wasm: string;
    try {
      wasm = buildHash('release').toString('hex').slice(0, 16);
    } catch {
      wasm = 'no-release-wasm';
    }
    known = `${version}+${wasm}.${scriptsHash(fileURLToPath(new URL('../../dist/', import.meta.url)))}`;
  }
  return known;
}
