/**
 * The piscina worker of {@link WorkerPool}. At start-up it registers the
 * compiled WebAssembly module it received in `workerData` (nothing is compiled
 * again in this thread), imports the job handler module of every system the
 * pool was built with and runs each handler's `init`; then it hands every
 * {@link JobMessage} to the handler its `system` names.
 *
 * Loaded as JavaScript from `dist/runner/worker.js` (piscina cannot load .ts).
 *
 * @module
 */
import { workerData } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { adoptModule, type WasmBuild } from '../wasm/module.ts';
import { errorOutcome, type ErrorOutcome, type JobHandler, type JobMessage, type JobOutcome } from './job.ts';
import type { WasmModule } from '../wasm/wasm-types.ts';

/** What {@link WorkerPool} puts in `workerData`. */
export interface RunnerWorkerData {
  module: WasmModule;
  build: WasmBuild;
  /** System name → URL of its built job handler module (a `handler` export). */
  systems: Record<string, string>;
}

const data = workerData as RunnerWorkerData;
adoptModule(data.module, data.build);

const handlers = new Map<string, JobHandler>();
for (const [system, url] of Object.entries(data.systems)) {
  const handler = ((await import(url)) as { handler: JobHandler }).handler;
  // Instantiate at start-up, while the pool's first jobs are still being prepared and posted, not inside the first job.
  handler.init?.();
  handlers.set(system, handler);
}

/**
 * piscina's entry point: one job in, one outcome out. The buffers the handler names
 * (`JobHandler.transfer`) are moved, not copied: a copy is written twice into fresh pages
 * (serialised here, deserialised in the caller) and the worker's own arrays become garbage.
 */
export default function run(message: JobMessage): JobOutcome | ErrorOutcome | object {
  const handler = handlers.get(message.system);
  if (handler === undefined) return errorOutcome(message.job.index, new Error(`no job handler registered for system '${message.system}'`));
  const outcome = handler.execute(message.job);
  const buffers = outcome.kind === 'error' ? [] : (handler.transfer?.(outcome) ?? []);
  if (buffers.length === 0) return outcome;
  return move({ [transferableSymbol]: buffers, [valueSymbol]: outcome });
}
