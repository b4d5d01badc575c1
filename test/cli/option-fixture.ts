/**
 * What the option tests share: a small generated Google trace and a one-job
 * SWF log in a temporary folder, the built CLI run as a child process, and the
 * FairfitError an API call rejects with (test/rejection.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { spawnSyncChild } from '../children.ts';

export const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** A temporary folder holding `trace` (20 machines, 100 tasks) and `swf` (one job), made before the file's tests and removed after. */
export function optionFixture(prefix: string): { dir: string; trace: string; swf: string } {
  // Only named here, and made before the first test: made while the file was collected (this is called at its
  // top level), it stayed when every test was skipped (a -t that selects none), since a file with no test to
  // run runs no afterAll. The name is known now because the files' it.each tables hold these paths; mkdirSync
  // fails if the name is taken, as mkdtempSync never reuses a folder.
  const dir = join(tmpdir(), `${prefix}${randomBytes(6).toString('hex')}`);
  const trace = join(dir, 'trace');
  const swf = join(dir, 'log.swf');
  let made = false;
  afterAll(() => {
    if (made) rmSync(dir, { recursive: true, force: true });
  });
  beforeAll(async () => {
    mkdirSync(dir, { mode: 0o700 });
    made = true;
    if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run \`npm run build\` first (npm test does)`);
    await generateTrace({ machines: 20, tasks: 100, days: 0.01, seed: 2, out: trace });
    writeFileSync(swf, '; Version: 2.2\n;\n1 0 0 100 4 -1 -1 4 200 -1 1 1 -1 -1 -1 -1 -1 -1\n');
  });
  return { dir, trace, swf };
}

/** The built CLI with `args`: exit code and output. */
export function fairfit(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSyncChild(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: process.env.CI ?? '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * How many of the collections V8 traced (`--trace-gc`, on stdout) were `gc()` calls (reason `testing`):
 * the command's own at its end (src/cli/exit-collection.ts), which nothing else in it makes.
 */
export function forcedCollections(stdout: string): number {
  return stdout.split('\n').filter((l) => /Mark-Compact .* testing; /.test(l)).length;
}

export { rejection } from '../rejection.ts';
