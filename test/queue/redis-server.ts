/**
 * A real Redis for the queue tests and bench: Debian's `redis-server` on a
 * free port on 127.0.0.1, with a temporary directory and no persistence,
 * stopped (and its directory removed) by `stop()`. `.ci/run` installs
 * redis-server when it is missing; without it these tests fail, saying so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { spawnSyncChild } from '../children.ts';

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** The process id of the Redis answering on `port`, or undefined when none does. */
async function serverPid(port: number): Promise<number | undefined> {
  const c = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
  c.on('error', () => undefined);
  try {
    await c.connect();
    const pid = /process_id:(\d+)/.exec(await c.info('server'))?.[1];
    return pid === undefined ? undefined : Number(pid);
  } catch {
    return undefined;
  } finally {
    c.disconnect();
  }
}

export interface RedisServer {
  port: number;
  /** The server's process (a test freezes it with SIGSTOP: a Redis that does not answer). */
  pid: number;
  /** `redis://127.0.0.1:PORT/db`. */
  url(db?: number): string;
  /** A client on database `db` (closed by the caller). */
  client(db?: number): Redis;
  stop(): Promise<void>;
}

/** Starts one on a free port, or on `at` (a Redis started again where a stopped one was). */
export async function startRedis(at?: number): Promise<RedisServer> {
  if (spawnSyncChild('redis-server', ['--version']).error) {
    throw new Error("redis-server not found: install Debian's redis-server (apt-get install redis-server; .ci/run does it)");
  }
  const dir = mkdtempSync(join(tmpdir(), 'fairfit-redis-'));
  const port = at ?? (await freePort());
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--databases', '32'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = (db = 0) => `redis://127.0.0.1:${port}/${db}`;
  const client = (db = 0) => new Redis({ host: '127.0.0.1', port, db, lazyConnect: false });
  // Wait until it answers: it, not a server another test file started on the port between freePort() and the bind.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pid = await serverPid(port);
    if (pid === child.pid) break;
    if (pid !== undefined || Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(pid !== undefined ? `port ${port} is served by another Redis (pid ${pid}, ours ${child.pid})` : `redis-server on port ${port} did not start`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    pid: child.pid!,
    url,
    client,
    async stop() {
      // A frozen one (SIGSTOP) would not act on SIGTERM.
      if (child.exitCode === null) child.kill('SIGCONT');
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
