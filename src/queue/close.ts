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

/** What {@link wakeReconnecting} needs of an ioredis client. */
interface Reconnectable {
  readonly status: string;
  connect(): Promise<unknown>;
}

/**
 * Before a close, once Redis answers again (one of `clients` is ready): the others still waiting out a
 * reconnect delay connect now. ioredis leaves such a client with no socket, so its disconnect() never
 * says 'end' and its QUIT waits for the delay (up to 20 s in BullMQ's backoff), while BullMQ's closes wait
 * for that 'end' (a known limitation of BullMQ 6 with ioredis): a worker or coordinator stopped just after Redis came back gave up after
 * {@link CLOSE_MS} and said Redis did not answer. With Redis gone (none ready), nothing changes. A client
 * given as a promise counts only if it is already there: one still connecting for the first time is
 * waited for by nobody here, since with Redis gone it never comes.
 */
export async function wakeReconnecting(clients: readonly (Reconnectable | Promise<Reconnectable> | undefined)[]): Promise<void> {
  const now = await Promise.all(clients.map((c) => Promise.race([c, new Promise<undefined>((r) => setImmediate(() => r(undefined)))])));
  if (!now.some((c) => c?.status === 'ready')) return;
  for (const c of now) if (c?.status === 'reconnecting') c.connect().catch(() => undefined);
}
