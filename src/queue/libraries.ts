/**
 * The Redis queue's libraries, BullMQ and ioredis, are optional peer
 * dependencies: a host that embeds the engine, or runs replays on one machine,
 * does not install them (≈ 30 packages, one with a native build step). A run
 * that asks for the queue loads them through {@link loadQueueLibrary}, which
 * says how to install them when they are absent.
 *
 * @module
 */
import { FairfitError } from '../errors.ts';

/** `load()` (an `import` that reaches bullmq or ioredis), or `INVALID_OPTION` naming the packages to install when one is absent. */
export async function loadQueueLibrary<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    if (e?.code === 'ERR_MODULE_NOT_FOUND' && /['"](bullmq|ioredis)['"]/.test(String(e.message))) {
      throw new FairfitError('INVALID_OPTION', 'queue: the Redis queue needs the packages bullmq and ioredis, which fairfit leaves to the runs that use it: npm install bullmq@^6 ioredis@^6', { field: 'queue' }, { cause: err });
    }
    throw err;
  }
}
