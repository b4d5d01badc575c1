/**
 * The `fairfit` command's V8 setting for worker threads: each optimises its
 * JavaScript on its own thread, not in the background.
 *
 * Why: Node 20 (V8 11.3) can abort the whole process when a worker thread ends
 * while V8 is still optimising one of the worker's functions on a background
 * thread: the compile job's allocation asks the platform for the worker's task
 * runner after the worker has left it ("Assertion failed: (data.first) !=
 * nullptr" in NodePlatform::ForIsolate, under
 * OptimizingCompileDispatcher::CompileTask). The command ends its worker pools
 * when a run is done, so a finished run could die at its last step; the test
 * processes lost a test file to it once in four CI runs (vitest.config.ts).
 *
 * Set at run time, `--no-concurrent-recompilation` reaches only the isolates
 * made after it, that is every worker's: the main thread keeps optimising in the
 * background (V8 decides that once, when an isolate starts).
 * test/cli/worker-optimisation.test.ts checks both on the built CLI. The
 * workers' hot code is WebAssembly, whose tiering is another mechanism, left
 * as it is. Only the command sets it, never the library (a host application
 * chooses its own V8 flags), and a user's own flag wins.
 *
 * @module
 */
import { setFlagsFromString } from 'node:v8';
import { userGaveFlag } from './user-flags.ts';

/** V8's flag, in its spellings: `--concurrent-recompilation`, `--no-concurrent-recompilation`, `--noconcurrent_recompilation`… */
const USER_FLAG = /--(?:no-?)?concurrent[-_]recompilation(?=$|[\s=])/;

/** Whether the user already chose how V8 optimises (`execArgv`, then NODE_OPTIONS). */
export function userSetRecompilation(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return userGaveFlag(USER_FLAG, execArgv, nodeOptions);
}

/** Worker threads started from now on optimise on their own thread, unless the user chose otherwise. */
export function optimiseWorkersOnTheirThread(): void {
  if (userSetRecompilation(process.execArgv, process.env.NODE_OPTIONS)) return;
  setFlagsFromString('--no-concurrent-recompilation');
}
