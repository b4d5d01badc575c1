/** The named benchmark suites; each file in bench/ adds its own line. */
import type { BenchRow } from './run.ts';
import { kernelSuite } from './kernels.ts';
import { sweepSuite } from './sweep.ts';

export const SUITES: Record<string, () => Promise<BenchRow[]>> = {
  kernels: kernelSuite,
  sweep: sweepSuite,
};
