/**
 * The piscina worker of {@link ReplayPool}. At start-up it registers the
 * compiled WebAssembly module it received in `workerData`, so nothing is
 * compiled again in this thread; then it runs {@link ReplayTask}s, whose
 * trace columns live in shared memory.
 *
 * Loaded as JavaScript from `dist/sim/worker.js` (piscina cannot load .ts).
 *
 * @module
 */
import { workerData } from 'node:worker_threads';
import { replayCore } from '../systems/giantvm/replay.ts';
import { adoptModule, withScratch, type WasmBuild } from '../wasm/module.ts';
import { executeTask, type ReplayTask, type TaskOutcome } from './tasks.ts';

/** What {@link ReplayPool} puts in `workerData`. */
export interface ReplayWorkerData {
  module: WebAssembly.Module;
  build: WasmBuild;
}

const data = workerData as ReplayWorkerData;
adoptModule(data.module, data.build);
// Instantiate at start-up (STYLE §4), while the pool's first tasks are still
// being prepared and posted, not inside the first task: the replay instance
// and the scratch instance (merges, Gini) are then kept for every task.
replayCore();
withScratch(() => undefined);

/** piscina's entry point: one task in, one outcome out. */
export default function run(task: ReplayTask): TaskOutcome {
  return executeTask(task);
}
