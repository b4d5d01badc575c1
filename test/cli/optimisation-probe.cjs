// Preloaded into a CLI child (`node --allow-natives-syntax --require`) by
// worker-optimisation.test.ts, so it runs in the main thread and in every worker thread. Each
// says whether V8 lets its thread optimise in the background: %IsConcurrentRecompilationSupported,
// V8's own per-isolate answer, fixed when the isolate starts (`probeInWorker` when a worker starts,
// `probeInMain` at the main thread's exit, after the command set its flags). One line each, one
// write straight to fd 2 (a worker's process.stderr goes through the main thread and could lose
// the line of a worker ended right after).
//
// Why not V8's own trace of what it queues (--trace-concurrent-recompilation), read before: its
// lines come in pieces, and two threads printing at once interleaved them, which once broke the
// test's count; nor %GetOptimizationStatus after asking for a concurrent optimisation: a quick
// background job is sometimes installed before the status is read, and then reads as optimised
// on the thread.
'use strict';
const { isMainThread } = require('node:worker_threads');
const { writeSync } = require('node:fs');

function say(name) {
  writeSync(2, `fairfit-probe ${name} ${%IsConcurrentRecompilationSupported() ? 'background' : 'own-thread'}\n`);
}

if (isMainThread) process.on('exit', () => say('probeInMain'));
else say('probeInWorker');
