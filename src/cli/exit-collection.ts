/**
 * The `fairfit` command's last step: one full collection of the main thread's heap, before its
 * event loop runs empty.
 *
 * Why: Node 20 can hang at exit (nodejs/node#54918; seen here, docs/model.md says how). When the
 * loop runs empty, Node waits for every background task still running; a Turbofan job of the main
 * isolate whose allocation meets the old generation's limit waits in turn for a collection that
 * only the main thread can make, and neither ever goes on. After a full collection V8 sets that
 * limit above the heap in use by at least its minimum step, far more than the few kilobytes a job
 * still running allocates, so no job can meet it in the window that follows. V8's own rules, read:
 * the hang cannot be brought on at will, so the protection is argued, not shown. Cost: 6–11 ms at
 * the end of a command (measured on `gen` and on a 614k-task replay, 6–9 MB of heap left).
 *
 * `--expose-gc` set at run time reaches the contexts made afterwards: a new context gives the
 * `gc` function (a user's own `--expose-gc` gives it too). Only the command does this, never the
 * library.
 *
 * @module
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Makes a full collection of the main thread's heap now. */
export function collectBeforeExit(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
}
