/**
 * The worker thread of `threadedTaskEventBatches` (task-events.ts): reads,
 * gunzips and parses task_events files in order and posts each batch's
 * columns (transferred, not copied), at most `credit` ahead of the reader
 * (one credit back per batch taken; the columns come back too, to be written
 * again), then what it skipped; or the error that
 * stopped it (strict mode's first bad line, a missing file).
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FairfitError } from '../../errors.ts';
import { adoptModule } from '../../wasm/module.ts';
import type { WasmModule } from '../../wasm/wasm-types.ts';
import { Problems } from '../csv/problems.ts';
import { readCsvBatches, SpareColumns } from '../csv/read-batches.ts';
import type { ReadOptions } from '../csv/spec.ts';
import { TASK_EVENTS_SPEC } from './schema.ts';

const data = workerData as { files: string[]; opts: ReadOptions; credit: number; module: WasmModule };
const port = parentPort!;
adoptModule(data.module);
let credit = data.credit;
let wake: (() => void) | undefined;
// Batches' columns come back once the reader is done with them, and the next batches are written into them.
const spare = new SpareColumns();
port.on('message', (m: number | Record<string, Float64Array>) => {
  if (typeof m === 'object') {
    spare.give(m);
    return;
  }
  credit++;
  wake?.();
  wake = undefined;
});

async function run(): Promise<void> {
  const problems = new Problems(data.opts.strict === true);
  try {
    for (const file of data.files) {
      for await (const b of readCsvBatches(file, TASK_EVENTS_SPEC, problems, data.opts, spare)) {
        while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
        credit--;
        const transfer = Object.values(b.cols).map((c) => c.buffer as ArrayBuffer);
        if (b.lines) transfer.push(b.lines.buffer as ArrayBuffer);
        port.postMessage({ kind: 'batch', batch: b }, transfer);
      }
    }
    port.postMessage({ kind: 'done', skipped: problems.skipped, corruptFiles: problems.corruptFiles, first: problems.first });
  } catch (err) {
    const error = err instanceof FairfitError ? { code: err.code, message: err.message, details: err.details } : { message: err instanceof Error ? err.message : String(err) };
    port.postMessage({ kind: 'error', error });
  }
}

void run();
