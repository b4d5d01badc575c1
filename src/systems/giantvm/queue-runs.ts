/**
 * The queue's part of `replay` and `sweep`, loaded only when a run goes on a
 * queue: BullMQ and ioredis take ≈ 170 ms to load, which every other run, every
 * CLI command and every host that embeds the engine would pay otherwise.
 *
 * @module
 */
import { loadQueueLibrary } from '../../queue/libraries.ts';
import { checkReachable, type QueueConnection } from '../../queue/redis-url.ts';

/** Checks that the queue's Redis answers, then loads what runs configurations on the queue. */
export async function queueRuns(connection: QueueConnection): Promise<typeof import('./queue-plan.ts')> {
  await checkReachable(connection);
  return loadQueueLibrary(() => import('./queue-plan.ts'));
}
