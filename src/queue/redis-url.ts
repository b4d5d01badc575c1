/**
 * The Redis a queue lives on, named by a URL `redis://[user:pass@]HOST[:PORT][/DB]`,
 * checked before anything is enqueued or read: a wrong URL or a Redis that
 * does not answer is an `INVALID_OPTION` naming the URL (the CLI exits 2),
 * not a client that retries forever in the background.
 *
 * @module
 */
import { FairfitError } from '../errors.ts';
import { invalid } from '../runner/checks.ts';
import { loadQueueLibrary } from './libraries.ts';

/** Connection options, as both ioredis and BullMQ take them. */
export interface RedisOptions {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  maxRetriesPerRequest: null;
}

/** A checked queue URL and the ioredis options it stands for. */
export interface QueueConnection {
  /** The URL as the user wrote it (passwords are never printed: see {@link shownUrl}). */
  url: string;
  options: RedisOptions;
}

/** The URL as messages show it: without a password. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Parses `redis://HOST:PORT[/DB]`; throws `INVALID_OPTION` (field `queue`) naming the URL. */
export function parseQueueUrl(url: unknown): QueueConnection {
  if (typeof url !== 'string' || url.trim() === '') invalid('queue', `expected a URL redis://HOST:PORT[/DB], got ${JSON.stringify(url)}`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    invalid('queue', `'${url}' is not a URL; expected redis://HOST:PORT[/DB]`);
  }
  if (u.protocol !== 'redis:') invalid('queue', `'${shownUrl(url)}' must start with redis:// (got ${u.protocol}//)`);
  if (u.hostname === '') invalid('queue', `'${shownUrl(url)}' names no host; expected redis://HOST:PORT[/DB]`);
  if (u.search !== '' || u.hash !== '') invalid('queue', `'${shownUrl(url)}': no query or fragment expected`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,5}$/.test(path)) invalid('queue', `'${shownUrl(url)}': the database after the host must be a number (redis://HOST:PORT/DB)`);
  const options: RedisOptions = {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    db: path === '' ? 0 : Number(path),
    // BullMQ's blocking commands must wait as long as they need.
    maxRetriesPerRequest: null,
  };
  if (u.username) options.username = decodeURIComponent(u.username);
  if (u.password) options.password = decodeURIComponent(u.password);
  return { url, options };
}

/** How long the first connection may take before the URL is reported as unreachable. */
export const CONNECT_TIMEOUT_MS = 5000;

/**
 * Connects once, without retrying, and checks the server answers PING (and
 * that the database exists): the clear failure a user needs when Redis is not
 * running, the port is wrong, or the URL names a database the server lacks.
 */
export async function checkReachable(conn: QueueConnection): Promise<void> {
  // Loaded here: parsing a URL must not load the Redis client (docs/architecture.md, `src/queue/`).
  const { Redis } = await loadQueueLibrary(() => import('ioredis'));
  const client = new Redis({ ...conn.options, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: CONNECT_TIMEOUT_MS });
  // The socket's own error (ECONNREFUSED, ENOTFOUND…) comes as an event; connect() then rejects with a generic one.
  let socketError: Error | undefined;
  client.on('error', (err: Error) => (socketError ??= err));
  try {
    await client.connect();
    await client.ping();
    // The database must exist (a server has 16 unless configured otherwise).
    await client.select(conn.options.db);
  } catch (err) {
    const reason = (socketError ?? (err instanceof Error ? err : new Error(String(err)))).message;
    throw new FairfitError('INVALID_OPTION', `queue: cannot reach Redis at ${shownUrl(conn.url)}: ${reason}`, { field: 'queue' }, { cause: err });
  } finally {
    client.disconnect();
  }
}

/** What {@link watchRedis} listens on: an ioredis client (or BullMQ's view of one). */
interface ConnectionEvents {
  on(event: 'close' | 'ready', listener: () => void): unknown;
}

/**
 * Calls `change(true)` once when one of `clients` closes (they then retry without end) and
 * `change(false)` once when all are ready again, while `quiet()` is false (a stop closes them
 * on purpose): a worker or coordinator whose Redis went away waited in silence.
 */
export function watchRedis(clients: readonly ConnectionEvents[], change: (lost: boolean) => void, quiet: () => boolean): void {
  const lost = new Set<ConnectionEvents>();
  for (const c of clients) {
    c.on('close', () => {
      if (lost.size === 0 && !quiet()) change(true);
      lost.add(c);
    });
    c.on('ready', () => {
      if (lost.delete(c) && lost.size === 0 && !quiet()) change(false);
    });
  }
}

/** How long a connected Redis may leave a PING unanswered before {@link watchAnswers} says it is silent. */
export const SILENT_MS = 10_000;

/** What the worker and the coordinator say of a silent Redis, after its name. */
export const SILENT_WORDS = `has not answered for ${SILENT_MS / 1000} s (frozen, or the network cut without a reset); waiting until it does`;

/** What {@link watchAnswers} pings: an ioredis client. */
interface Pingable {
  readonly status: string;
  ping(): Promise<unknown>;
}

/**
 * Calls `change(true)` once when `client`, connected, has left a PING unanswered for `silentMs`
 * (a frozen server, or a network cut without a reset: no connection closes, so {@link watchRedis}
 * hears nothing and a run waited in silence), and `change(false)` once it answers again; nothing
 * while `quiet()` or while the client is not connected (a lost connection is {@link watchRedis}'s to
 * say). One PING at a time, every quarter of `silentMs`. Returns the stop; its timer keeps no process alive.
 */
export function watchAnswers(client: Pingable, change: (silent: boolean) => void, quiet: () => boolean, silentMs = SILENT_MS): () => void {
  let since: number | undefined;
  let silent = false;
  let stopped = false;
  const answered = () => {
    since = undefined;
    if (silent && !stopped) {
      silent = false;
      if (!quiet()) change(false);
    }
  };
  const timer = setInterval(() => {
    if (stopped) return;
    if (since === undefined) {
      if (client.status !== 'ready') return;
      since = Date.now();
      // A PING failing (the connection closed under it) is an answer of a kind: the next one is sent afresh.
      client.ping().then(answered, () => (since = undefined));
    } else if (!silent && Date.now() - since >= silentMs && client.status === 'ready' && !quiet()) {
      silent = true;
      change(true);
    }
  }, Math.max(1, Math.floor(silentMs / 4)));
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
