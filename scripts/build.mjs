// `npm run build`: both WebAssembly builds and the TypeScript, skipped when
// nothing they are made from changed since the last build here.
//
// npm ci, npm install (prepare) and npm test each ask for a build; CI runs all
// three, which built three times (≈ 17 s each). The inputs are hashed by
// content (not by date: a checkout or a copy changes dates, not bytes), and the
// hash of the last complete build is kept in node_modules/.cache, which
// `npm ci` empties: a fresh install always builds. `--force` builds anyway.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildState, ROOT, STAMP } from './build-state.mjs';
import { BUILD_STEP_TIMEOUT_MS, runChild } from './run-child.mjs';

const require = createRequire(join(ROOT, 'package.json'));

// Each step may take BUILD_STEP_TIMEOUT_MS (10 min; each takes seconds to a minute): one that hangs is
// killed and the build fails naming it, instead of holding npm ci / npm test / CI for ever.
function run(args) {
  let r;
  try {
    r = runChild(process.execPath, args, { cwd: ROOT, stdio: 'inherit', timeout: BUILD_STEP_TIMEOUT_MS });
  } catch (err) {
    process.stderr.write(`build: ${err.message}\n`);
    process.exit(1);
  }
  if (r.error) {
    process.stderr.write(`build: ${r.error.message}\n`);
    process.exit(1);
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const { current, hash } = buildState();
if (current && !process.argv.includes('--force')) {
  process.stderr.write('build: up to date (no input changed since the last build; npm run build -- --force builds anyway)\n');
  process.exit(0);
}
// A build stopped half-way must not pass for a complete one.
rmSync(STAMP, { force: true });
const asc = require.resolve('assemblyscript/bin/asc.js');
for (const target of ['release', 'debug']) run([asc, 'assembly/index.ts', '--config', 'asconfig.json', '--target', target]);
run([require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']);
mkdirSync(dirname(STAMP), { recursive: true });
writeFileSync(STAMP, JSON.stringify({ inputs: hash }) + '\n');
