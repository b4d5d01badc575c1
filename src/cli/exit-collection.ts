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
 * the end of a command (measured on `gen` and on a 614k-task replay, 6–9 MB of heap left), made
 * by the program's end or, on a `process.exit`, by an 'exit' listener.
 *
 * `--expose-gc` set at run time reaches the contexts made afterwards: a new context gives the
 * `gc` function (a user's own `--expose-gc` gives it too). Only the command does this, never the
 * library.
 *
 * @module
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Whether the collection was made (one is enough: nothing runs after it but the way out). */
let collected = false;

/** Makes a full collection of the main thread's heap now, once a process. */
export function collectBeforeExit(): void {
  if (collected) return;
  collected = true;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
}

/**
 * The same collection on the ways out that call `process.exit` themselves (a signal while standard
 * input is copied, a queue worker stopped twice or left without Redis): Node runs the 'exit'
 * listeners before it shuts its threads down there. (On a natural end it runs them only after the
 * drain, too late: the program's end makes the collection first.)
 */
export function collectOnProcessExit(): void {
  process.on('exit', collectBeforeExit);
}
