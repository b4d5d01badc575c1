// Preloaded into a CLI child (`node --allow-natives-syntax --require`) by
// worker-optimisation.test.ts, so it runs in the main thread and in every worker thread. Each
// asks V8 to optimise a small function in the background if its thread may
// (%OptimizeFunctionOnNextCall with "concurrent": V8 compiles it at once on the thread when
// not): `probeInWorker` when a worker starts, `probeInMain` at the main thread's exit, after
// the command set its flags. With --trace-concurrent-recompilation V8 prints
// "Queued <JSFunction NAME" for a function queued for the background. Each worker also says on
// stderr that it ran its probe, so that the test knows how many to expect.
'use strict';
const { isMainThread } = require('node:worker_threads');

function probeInWorker(i) { return (i * 7) % 13; }
function probeInMain(i) { return (i * 5) % 11; }

/** Asks V8 to optimise `f` at its next call, in the background if it may, and calls it. */
function optimise(f) {
  %PrepareFunctionForOptimization(f);
  f(1); f(2);
  %OptimizeFunctionOnNextCall(f, 'concurrent');
  return f(3);
}

if (isMainThread) process.on('exit', () => optimise(probeInMain));
else {
  optimise(probeInWorker);
  // Straight to fd 2: a worker's process.stderr goes through the main thread, and a worker ended right
  // after its probe (the pool destroyed) could lose the line while V8's "Queued" line is already out.
  require('node:fs').writeSync(2, 'probe-in-worker-ran\n');
}
