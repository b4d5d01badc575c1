/** The named benchmark suites; each file in bench/ adds its own line. */
import type { BenchRow } from './run.ts';
import { kernelSuite } from './kernels.ts';
import { sweepSuite } from './sweep.ts';
import { ioSuite } from './io.ts';
import { replaySuite } from './replay.ts';
import { engineSuite } from './engine.ts';
import { crsSuite } from './crs.ts';
import { dockletSuite } from './docklet.ts';
import { dockletReplaySuite } from './docklet-replay.ts';
import { queueSuite } from './queue.ts';
import { replayFullSuite, replayMemorySuite, replayUsageMemorySuite } from './replay-memory.ts';

export const SUITES: Record<string, () => Promise<BenchRow[]>> = {
  replay: replaySuite,
  kernels: kernelSuite,
  sweep: sweepSuite,
  io: ioSuite,
  engine: engineSuite,
  crs: crsSuite,
  docklet: dockletSuite,
  'docklet-replay': dockletReplaySuite,
  queue: queueSuite,
  'giantvm-memory': replayMemorySuite,
  'giantvm-memory-usage': replayUsageMemorySuite,
  'giantvm-full': replayFullSuite,
};

/** Suites that run only when named (`npm run bench -- giantvm-full`): they take tens of minutes. */
export const OPT_IN = new Set(['giantvm-full']);
