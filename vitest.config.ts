import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The JSON report is what .ci/run counts for its closing line.
    // The last line of a run says how many tests were skipped and why (test/skip-summary-reporter.ts).
    reporters: ['default', ['json', { outputFile: 'test-results.json' }], './test/skip-summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'release', include: ['test/**/*.test.ts'] } },
      // The kernel and engine differential tests again against the debug build (asserts on):
      // --noAssert removes assert() from release, so both builds must agree with the reference.
      { extends: true, test: { name: 'debug', include: ['test/kernels/**/*.test.ts', 'test/engine/engine-equals-reference.test.ts'], env: { FAIRFIT_WASM: 'debug' } } },
    ],
  },
});
