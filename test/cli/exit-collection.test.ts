/**
 * The `fairfit` command ends with one full collection of its main thread's heap, on every way
 * out through the program and on its own `process.exit` calls (src/cli/exit-collection.ts says why: Node 20's hang at exit), seen
 * in V8's own trace of its collections (`--trace-gc`, on stdout): a mark-compact whose reason is
 * `testing`, the reason of a `gc()` call, which nothing else in the command makes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSyncChild } from '../children.ts';
import { forcedCollections, MAIN } from './option-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'fairfit-exit-gc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Node run with `nodeArgs` under `--trace-gc`: its exit code and how many collections were `gc()` calls. */
function traced(nodeArgs: string[]): { code: number | null; forced: number } {
  const r = spawnSyncChild(process.execPath, ['--trace-gc', ...nodeArgs], { encoding: 'utf8' });
  return { code: r.status, forced: forcedCollections(r.stdout) };
}

/** The built command with `args`, under `--trace-gc`. */
const run = (args: string[]) => traced([MAIN, ...args]);

describe('the command collects its heap before it exits', () => {
  it('after a command that succeeds', () => {
    expect(run(['gen', '--out', join(dir, 'trace'), '--machines', '10', '--tasks', '100', '--days', '0.02'])).toEqual({ code: 0, forced: 1 });
  });

  it('after a runtime failure, a usage error and --version', () => {
    expect(run(['replay', '--trace', join(dir, 'none')])).toEqual({ code: 1, forced: 1 });
    expect(run(['replay', '--machines', 'x'])).toEqual({ code: 2, forced: 1 });
    expect(run(['--version'])).toEqual({ code: 0, forced: 1 });
  });

  it('on a process.exit of its own (a signal while stdin is copied, a queue worker stopped twice): by an exit listener, once', () => {
    const module = JSON.stringify(pathToFileURL(join(dirname(MAIN), 'exit-collection.js')).href);
    const forced = (body: string) => traced(['--input-type=module', '-e', `import { collectBeforeExit, collectOnProcessExit } from ${module};\n${body}`]);
    expect(forced('collectOnProcessExit(); process.exit(3);')).toEqual({ code: 3, forced: 1 });
    expect(forced('collectOnProcessExit(); collectBeforeExit(); process.exit(4);')).toEqual({ code: 4, forced: 1 });
    expect(forced('process.exit(5);')).toEqual({ code: 5, forced: 0 });
  });

  it('which a Node program does not do by itself (the trace would show none)', () => {
    const r = spawnSyncChild(process.execPath, ['--trace-gc', '-e', 'const a = []; for (let i = 0; i < 1e6; i++) a.push({ i }); console.log(a.length)'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Mark-Compact|Scavenge/);
    expect(r.stdout).not.toMatch(/testing; /);
  });
});
