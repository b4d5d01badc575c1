/**
 * BullMQ and ioredis are loaded only by what uses the queue: importing the
 * package or running a CLI command without `--queue` loads neither (they took
 * ≈ 170 ms of every start), and a replay given a queue still loads them (its
 * unreachable Redis is reported as before, by queue-cli.test.ts too).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** Runs `code` (an ES module body) in a fresh Node and returns the queue libraries' CommonJS files it loaded. */
function queueModulesAfter(code: string): string[] {
  const probe = `${code}
const { createRequire } = await import('node:module');
const cache = createRequire(import.meta.url).cache;
console.log(JSON.stringify(Object.keys(cache).filter((k) => /node_modules[\\\\/](bullmq|ioredis)[\\\\/]/.test(k))));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', cwd: DIST });
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
