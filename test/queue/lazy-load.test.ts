/**
 * BullMQ and ioredis are loaded only by what uses the queue: importing the
 * package or running a CLI command without `--queue` loads neither (they took
 * ≈ 170 ms of every start), and a replay given a queue still loads them (its
 * unreachable Redis is reported as before, by queue-cli.test.ts too). They are
 * optional peer dependencies: where they are not installed (simulated by a
 * module-resolution hook that finds neither), everything but the queue runs,
 * and the queue's commands say what to install.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSyncChild } from '../children.ts';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** Runs `code` (an ES module body) in a fresh Node and returns the queue libraries' CommonJS files it loaded. */
function queueModulesAfter(code: string): string[] {
  const probe = `${code}
const { createRequire } = await import('node:module');
const cache = createRequire(import.meta.url).cache;
console.log(JSON.stringify(Object.keys(cache).filter((k) => /node_modules[\\\\/](bullmq|ioredis)[\\\\/]/.test(k))));`;
  const r = spawnSyncChild(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', cwd: DIST });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as string[];
}

describe('the queue libraries are loaded only by the queue', () => {
  it('importing the package loads neither BullMQ nor ioredis', () => {
    expect(queueModulesAfter(`await import(${JSON.stringify(`${DIST}index.js`)});`)).toEqual([]);
  });

  it('the CLI (every command registered) loads neither for --version', () => {
    const code = `process.argv = [process.argv[0], 'fairfit', '--version']; await import(${JSON.stringify(`${DIST}cli/main.js`)});`;
    expect(queueModulesAfter(code)).toEqual([]);
  });

  it('a replay given a queue loads them (and reports the Redis it cannot reach)', () => {
    const code = `const { replay } = await import(${JSON.stringify(`${DIST}index.js`)});
try { await replay({ trace: 'nowhere', queue: 'redis://127.0.0.1:1' }); } catch (e) { if (e.code !== 'INVALID_OPTION') throw e; }`;
    expect(queueModulesAfter(code).some((f) => /ioredis/.test(f))).toBe(true);
  });
});

describe('without the queue libraries installed', () => {
  // Made before the test: made while the file was collected, it stayed when the test was skipped
  // (a -t that selects none of it), since only the test's finally removes it.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairfit-noqueue-'));
    // A resolve hook that finds neither package, as on a host that did not install the optional peers.
    writeFileSync(join(dir, 'hooks.mjs'), `export async function resolve(spec, ctx, next) {
  if (spec === 'bullmq' || spec === 'ioredis') { const e = new Error(\`Cannot find package '\${spec}' imported from \${ctx.parentURL}\`); e.code = 'ERR_MODULE_NOT_FOUND'; throw e; }
  return next(spec, ctx);
}\n`);
    writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
  });
  const run = (...args: string[]) => spawnSyncChild(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, `${DIST}cli/main.js`, ...args], { encoding: 'utf8' });

  it('the queue commands say which packages to install (exit 2); the rest of the CLI runs', () => {
    try {
      const need = 'fairfit: INVALID_OPTION: queue: the Redis queue needs the packages bullmq and ioredis, which fairfit leaves to the runs that use it: npm install bullmq@^6 ioredis@^6\n';
      const trace = join(dir, 't');
      expect(run('gen', '--out', trace, '--machines', '8', '--tasks', '50', '--days', '0.01').status).toBe(0);
      const replay = run('replay', '--trace', trace, '--machines', '8', '--policy', 'no_migration', '--queue', 'redis://127.0.0.1:1', '--quiet');
      expect(replay.stderr).toBe(need);
      expect(replay.status).toBe(2);
      const worker = run('worker', '--queue', 'redis://127.0.0.1:1', '--quiet');
      expect(worker.stderr).toBe(need);
      expect(worker.status).toBe(2);
      // The same replay without the queue runs.
      expect(run('replay', '--trace', trace, '--machines', '8', '--policy', 'no_migration', '--quiet').status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
