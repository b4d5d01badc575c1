// Whether build/ and dist/ are a complete build of this checkout's sources: the
// hash of everything the build is made from, against the one recorded by the
// last complete build (scripts/build.mjs). Used by the build, to skip itself,
// and by the benchmarks, to warn when they would measure an older build.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The last complete build's input hash (node_modules/.cache: `npm ci` empties it). */
export const STAMP = join(ROOT, 'node_modules/.cache/fairfit-build.json');
/** What the build is made from: its sources, its configuration, the compilers' versions (the lockfile) and its script. */
const INPUTS = ['assembly', 'src', 'asconfig.json', 'tsconfig.json', 'package.json', 'package-lock.json', 'scripts/build.mjs', 'scripts/build-state.mjs', 'scripts/run-child.mjs'];
/** What it makes (one of each kind): a build with any missing is not complete. */
const OUTPUTS = ['build/release.wasm', 'build/debug.wasm', 'dist/index.js', 'dist/internals.js', 'dist/cli/main.js'];

/** Every file under `rel` (a file or a folder), relative to the root, in a fixed order. */
function files(rel) {
  const abs = join(ROOT, rel);
  if (!existsSync(abs)) return [];
  try {
    return readdirSync(abs, { withFileTypes: true })
      .map((d) => d.name)
      .sort()
      .flatMap((name) => files(join(rel, name)));
  } catch (err) {
    if (err.code === 'ENOTDIR') return [rel];
    throw err;
  }
}

/** The inputs' hash by content (not by date: a checkout or a copy changes dates, not bytes), and whether the last complete build had it. */
export function buildState() {
  const h = createHash('sha256');
  for (const rel of INPUTS.flatMap(files)) h.update(rel).update('\0').update(readFileSync(join(ROOT, rel))).update('\0');
  const hash = h.digest('hex');
  const last = existsSync(STAMP) ? JSON.parse(readFileSync(STAMP, 'utf8')).inputs : undefined;
  return { hash, current: last === hash && OUTPUTS.every((o) => existsSync(join(ROOT, o))) };
}
