/** Waiting in the queue tests: for a time, or for a condition that other processes or Redis make true. */

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `ok` every 20 ms until it is true; throws 'timed out' after `ms`. */
export async function until(ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !(await ok()); await sleep(20)) if (Date.now() > end) throw new Error('timed out');
}
