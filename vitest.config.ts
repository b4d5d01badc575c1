import { defineConfig } from 'vitest/config';
import LongFirstSequencer from './test/long-first-sequencer.ts';

export default defineConfig({
  test: {
    // Node 20 (V8 11.3) can abort a test process when a worker thread ends while V8 is still optimising one of
    // its functions on a background thread: the compile job's allocation asks the platform for the worker's
    // task runner after the worker left it ("Assertion failed: (data.first) != nullptr" in
    // NodePlatform::ForIsolate, under OptimizingCompileDispatcher::CompileTask). The tests start and end
    // hundreds of worker pools; one of four CI runs on 6 Dec lost a test file to it. Optimising on each
    // thread's own time instead of in the background removes that path; results do not depend on it. It also
    // keeps a test process out of Node 20's hang at exit (docs/model.md, nodejs/node#54918), which needs a
    // background compile job of the main thread.
    execArgv: ['--no-concurrent-recompilation'],
    // Two test files at a time: vitest's default on a 2-core machine is one (cores − 1), and most files
    // wait on processes they start. Measured on a fresh clone, 6 Dec: 747 s → 579 s.
    maxWorkers: 2,
    // The files that run a minute or more start first (test/long-first-sequencer.ts says why).
    sequence: { sequencer: LongFirstSequencer },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The JSON report is what .ci/run counts for its closing line.
    // The last line of a run says how many tests were skipped and why (test/skip-summary-reporter.ts).
    reporters: ['default', ['json', { outputFile: 'test-results.json' }], './test/skip-summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'release', include: ['test/**/*.test.ts'] } },
      // The kernel and engine differential tests again against the debug build (asserts on):
      // --noAssert removes assert() from release, so both builds must agree with the reference.
      // Not v8-math: assembly/v8-math.ts has no assert(), and WebAssembly's f64 arithmetic gives the same bits
      // at every optimisation level, so its 10^6-argument runs (≈ 24 s) would check the release build's maths again.
      { extends: true, test: { name: 'debug', include: ['test/kernels/**/*.test.ts', 'test/engine/engine-equals-reference.test.ts', 'test/docklet/wasm-equals-reference.test.ts', 'test/docklet/placer-heap.test.ts'], exclude: ['test/kernels/v8-math.test.ts'], env: { FAIRFIT_WASM: 'debug' } } },
    ],
  },
});
