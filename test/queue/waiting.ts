/** Waiting in the queue tests (for a time, or for a condition that other processes or Redis make true), and a misconfigured worker's handler. */
import { refusal } from '../../src/queue/protocol.ts';

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `ok` every 20 ms until it is true; throws 'timed out' after `ms`. */
export async function until(ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !(await ok()); await sleep(20)) if (Date.now() > end) throw new Error('timed out');
}

/** A queue handler that refuses every job as a worker with another trace copy does (`reason` after "trace: refused: "). */
export function refusingHandler(reason = 'this worker has another copy') {
  return { run: async (): Promise<never> => { throw refusal('trace', reason); } };
}
