/**
 * Stopping without Redis. The queue's clients wait for Redis as long as it
 * takes (`maxRetriesPerRequest: null`, which BullMQ's blocking reads need), so
 * a coordinator or a worker stopping while Redis is gone for good would wait
 * forever; both give Redis {@link CLOSE_MS} to answer, then disconnect.
 *
 * @module
 */

/** Ms a coordinator or worker that is stopping waits for Redis before it gives up and disconnects. */
export const CLOSE_MS = 5000;

/** True when `p` settles (either way) within `ms`. */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([p.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
