/**
 * `fairfit worker --queue redis://HOST:PORT[/DB]`: take jobs from the queue
 * and run them on this machine's worker threads, until SIGTERM or Ctrl-C
 * (the jobs running then finish and are stored; a second signal exits at
 * once, abandoning them to another worker). One line per job on stderr unless `--quiet`.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { CLOSE_MS } from '../queue/close.ts';
import { loadQueueLibrary } from '../queue/libraries.ts';
import { parseQueueUrl, shownUrl, SILENT_WORDS } from '../queue/redis-url.ts';
import { WORKER_BOUNDS, WORKER_DEFAULTS } from '../queue/queue-options.ts';
import type { QueueWorker } from '../queue/queue-worker.ts';
import { checkInteger, MAX_WORKERS } from '../runner/checks.ts';
import { giantvmQueueHandler } from '../systems/giantvm/queue-handler.ts';
import { SYSTEM } from '../systems/giantvm/replay-pool.ts';
import { EXIT_FAILURE, intOption, messenger } from './common.ts';
import { keepSignals, takeSignals } from './early-signals.ts';
import { queueUrl } from './queue-flags.ts';

interface WorkerCliOptions {
  queue: string;
  threads?: string;
  concurrency?: string;
  lockDuration?: string;
  stalledInterval?: string;
  maxStalled?: string;
  quiet?: boolean;
}

/** Registers `fairfit worker`. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('serve a job queue: run the sweeps and replays enqueued with --queue on this machine')
    .requiredOption('--queue <url>', 'the Redis-backed job queue, redis://[USER:PASSWORD@]HOST:PORT[/DB] (no user: redis://:PASSWORD@HOST…) or a password in the environment variable FAIRFIT_REDIS_PASSWORD, which ps does not show')
    .option('--threads <n>', 'worker threads of the local pool (default: one per core)')
    .option('--concurrency <n>', 'jobs taken at the same time (default: --threads)')
    .option('--lock-duration <ms>', `a job whose worker stops renewing its lock this long is given to another worker (≥ ${WORKER_BOUNDS.lockDuration[0]}; default ${WORKER_DEFAULTS.lockDuration})`)
    .option('--stalled-interval <ms>', `how often to look for such stalled jobs (default ${WORKER_DEFAULTS.stalledInterval})`)
    .option('--max-stalled <n>', `times a job may stall before it fails (default ${WORKER_DEFAULTS.maxStalledCount})`)
    .option('--quiet', 'no messages on stderr')
    .action(async (o: WorkerCliOptions) => {
      const say = messenger(o.quiet);
      const connection = parseQueueUrl(queueUrl(o.queue));
      const threads = o.threads === undefined ? availableParallelism() : checkInteger(intOption(o.threads, 'threads'), 'threads', 1, MAX_WORKERS);
      const concurrency = o.concurrency === undefined ? threads : checkInteger(intOption(o.concurrency, 'concurrency'), 'concurrency', ...WORKER_BOUNDS.concurrency);
      const bounded = (text: string | undefined, field: string, [min, max]: readonly [number, number]) => (text === undefined ? undefined : checkInteger(intOption(text, field), field, min, max));
      const handler = giantvmQueueHandler(threads);
      // A signal while the worker starts (loading its modules and BullMQ, connecting: up to a second) is kept and
      // acted on once it has started, as one after: without a handler yet, Node ended the process with 143 and no
      // word. Kept from the entry on (main.ts; this call then does nothing).
      keepSignals();
      let early: NodeJS.Signals[] = [];
      let worker: QueueWorker;
      try {
        // BullMQ is loaded by this command only (≈ 170 ms that every other command would pay).
        const { QueueWorker } = await loadQueueLibrary(() => import('../queue/queue-worker.ts'));
        worker = await QueueWorker.start({
          connection,
          handlers: { [SYSTEM]: handler },
          concurrency,
          lockDuration: bounded(o.lockDuration, 'lock-duration', WORKER_BOUNDS.lockDuration),
          stalledInterval: bounded(o.stalledInterval, 'stalled-interval', WORKER_BOUNDS.stalledInterval),
          maxStalledCount: bounded(o.maxStalled, 'max-stalled', WORKER_BOUNDS.maxStalledCount),
          onEvent(e) {
            if (e.kind === 'start') say(`worker: started ${e.id} (${e.label})`);
            else if (e.kind === 'done') say(`worker: done ${e.id} in ${(e.ms / 1000).toFixed(2)} s`);
            else if (e.kind === 'failed') say(`worker: failed ${e.id}: ${e.reason}`);
            // A closing worker takes no job anyway (pauseMs 0): it announces no pause.
            else if (e.kind === 'refused') say(`worker: refused ${e.id}, handed back untried: ${e.reason}${e.pauseMs > 0 ? `; taking no job for ${e.pauseMs / 1000} s` : ''}`);
            else if (e.kind === 'redis-lost') say(`worker: lost Redis at ${shownUrl(o.queue)}; retrying until it is back`);
            else if (e.kind === 'redis-back') say(`worker: Redis at ${shownUrl(o.queue)} is back`);
            else if (e.kind === 'redis-silent') say(`worker: Redis at ${shownUrl(o.queue)} ${SILENT_WORDS}`);
            else say(`worker: Redis at ${shownUrl(o.queue)} answers again`);
          },
        });
      } catch (err) {
        await handler.close?.();
        throw err;
      } finally {
        early = takeSignals();
      }
      let disconnected = false;
      await new Promise<void>((resolve) => {
        let signals = 0;
        const stop = (name: string) => {
          signals++;
          if (signals === 1) {
            say(`worker: ${name}: finishing the running jobs, then stopping (${name} again abandons them)`);
            worker.close().then((answered) => {
              if (!answered) {
                disconnected = true;
                say(`worker: Redis at ${shownUrl(o.queue)} did not answer within ${CLOSE_MS / 1000} s; disconnected (a result not stored is computed again by another worker)`);
                process.exitCode = EXIT_FAILURE;
              }
              resolve();
            }, (err: unknown) => {
              say(`worker: stopping failed: ${err instanceof Error ? err.message : String(err)}`);
              process.exitCode = EXIT_FAILURE;
              resolve();
            });
          } else {
            // Their locks lapse; the stalled check of another worker puts them back in the queue.
            say(`worker: ${name} again: abandoning the running jobs to other workers`);
            process.exit(EXIT_FAILURE);
          }
        };
        process.on('SIGTERM', () => stop('SIGTERM'));
        process.on('SIGINT', () => stop('SIGINT'));
        if (early.length > 0) {
          stop(early[0]!);
          return;
        }
        // Said once the signals are handled: a supervisor that stops the worker on this line must not kill it.
        say(`worker: serving ${shownUrl(o.queue)} with ${threads} thread(s), ${concurrency} job(s) at a time (SIGTERM or Ctrl-C stops)`);
      });
      say('worker: stopped');
      // The clients' reconnection timers would keep the process alive.
      if (disconnected) process.exit(EXIT_FAILURE);
    });
}
