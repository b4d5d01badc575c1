/**
 * Which fairfit build a coordinator or a worker is: the package version and
 * the SHA-256 of its release WebAssembly module (the engine every job runs).
 * Jobs carry the coordinator's; a worker refuses a job of another build,
 * since "the same bytes as a local run" holds only when both run the same
 * engine, and a sweep's default id covers it, so a sweep run again after an
 * upgrade does not re-use results the old build stored.
 *
 * The TypeScript around the engine is not covered: two checkouts with the
 * same version and the same `.wasm` but other TypeScript look alike.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { buildHash } from '../wasm/module.ts';

let known: string | undefined;

/** `VERSION+HASH` (the first 16 hex digits of the release module's SHA-256), read once per process. */
export function buildId(): string {
  if (known === undefined) {
    // The same relative place from src/queue and dist/queue.
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    let wasm: string;
    try {
      wasm = buildHash('release').toString('hex').slice(0, 16);
    } catch {
      wasm = 'no-release-wasm';
    }
    known = `${version}+${wasm}`;
  }
  return known;
}
