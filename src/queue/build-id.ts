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
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHash } from '../wasm/module.ts';
import { contentHash } from './content-hash.ts';

let known: Promise<string> | undefined;

/**
 * The first 16 hex digits of {@link contentHash} over the `.js` files under `dir` (each with its
 * path and size), or `no-js` when there is none.
 */
export async function scriptsHash(dir: string): Promise<string> {
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    return 'no-js';
  }
  const scripts = entries.filter((e) => e.isFile() && e.name.endsWith('.js')).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
  return scripts.length === 0 ? 'no-js' : (await contentHash(dir, scripts)).slice(0, 16);
}

/**
 * `VERSION+WASM.JS`: the first 16 hex digits of the release module's SHA-256 and of the built
 * JavaScript's (`scriptsHash` of `dist/`, what the worker threads run whether the caller
 * runs `dist/` or the sources), found once per process.
 */
export function buildId(): Promise<string> {
  known ??= (async () => {
    // The same relative places from src/queue and dist/queue.
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    let wasm: string;
    try {
      wasm = buildHash('release').toString('hex').slice(0, 16);
    } catch {
      wasm = 'no-release-wasm';
    }
    return `${version}+${wasm}.${await scriptsHash(fileURLToPath(new URL('../../dist/', import.meta.url)))}`;
  })();
  return known;
}
