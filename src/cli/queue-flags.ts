/**
 * The options `fairfit sweep` and `fairfit replay` take to run on a queue
 * (`--queue` and its companions), turned into the API's `queue` option.
 *
 * @module
 */
import type { Command } from 'commander';
import { QUEUE_DEFAULTS, type QueueOptions } from '../queue/queue-options.ts';
import { invalid } from '../runner/checks.ts';
import { intOption, messenger } from './common.ts';

/** The queue options as commander hands them over (strings). */
export interface QueueCliOptions {
  queue?: string;
  sweepId?: string;
  attempts?: string;
  backoff?: string;
  resultTtl?: string;
  parts?: string;
  quiet?: boolean;
  /** `--workers`, when given: it cannot act on a queue run. */
  workers?: string;
}

/** Adds `--queue`, `--sweep-id`, `--attempts`, `--backoff`, `--result-ttl` (and `--parts` where runs are split by cells). */
export function addQueueOptions(cmd: Command, parts: boolean): Command {
  cmd
    .option('--queue <url>', 'run on the Redis-backed job queue redis://[USER:PASSWORD@]HOST:PORT[/DB] (no user: redis://:PASSWORD@HOST…) or a password in the environment variable FAIRFIT_REDIS_PASSWORD, which ps does not show, served by `fairfit worker` processes (see README "Running on several machines")')
    .option('--sweep-id <id>', 'with --queue: name of this run\'s jobs and stored results; the same id resumes (default: derived from the trace and the configurations)')
    .option('--attempts <n>', `with --queue: tries per job before the run fails (default ${QUEUE_DEFAULTS.attempts})`)
    .option('--backoff <ms>', `with --queue: first retry delay, doubled per further try (default ${QUEUE_DEFAULTS.backoff})`)
    .option('--result-ttl <s>', `with --queue: seconds stored results are kept (default ${QUEUE_DEFAULTS.resultTtl}, 7 days)`);
  if (parts) cmd.option('--parts <n>', `with --queue: cell ranges each configuration is split into (default ${QUEUE_DEFAULTS.parts})`);
  return cmd;
}

/** The environment variable a Redis password may come from instead of the URL. */
export const PASSWORD_ENV = 'FAIRFIT_REDIS_PASSWORD';

/**
 * The `--queue` URL with the password from {@link PASSWORD_ENV} when that is set: a password in
 * the URL is on the command line, which `ps` shows every user of the machine. Set in both places is
 * `INVALID_OPTION` (which one was meant?); a URL that does not parse is left to the URL check.
 */
export function queueUrl(url: string, env: NodeJS.ProcessEnv = process.env): string {
  const password = env[PASSWORD_ENV];
  if (password === undefined || password === '') return url;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (u.password !== '') invalid('queue', `the Redis password is given twice, in the URL and in ${PASSWORD_ENV}: give it once`);
  // Percent-encoded (the setter would leave a '%' as it is); the URL check decodes it.
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** The command-line names of the queue options' API keys. */
export const QUEUE_FLAGS = { queue: 'queue', sweepId: 'sweep-id', attempts: 'attempts', backoff: 'backoff', resultTtl: 'result-ttl', parts: 'parts' } as const;

/**
 * The API's `queue` option from the CLI text (undefined without `--queue`; values are checked by
 * the API). A companion option without `--queue` is refused (`INVALID_OPTION`, exit 2).
 */
export function queueOption(o: QueueCliOptions): { queue?: QueueOptions } {
  if (o.queue === undefined) {
    // Without a queue they would do nothing: a forgotten --queue must not run in this process unnoticed.
    const given = (['sweepId', 'attempts', 'backoff', 'resultTtl', 'parts'] as const).filter((k) => o[k] !== undefined).map((k) => QUEUE_FLAGS[k]);
    if (given.length > 0) invalid(given[0]!, `only takes effect with --queue (${given.map((f) => `--${f}`).join(', ')} given without it)`);
    return {};
  }
  // The jobs run in the `fairfit worker` processes (their --threads), so --workers would change nothing.
  if (o.workers !== undefined) invalid('workers', "does not take effect with --queue: the queue's `fairfit worker` processes run the jobs (give them --threads instead)");
  // A worker's refusal is said even under --quiet: a sweep it leaves waiting must not wait in silence.
  const q: QueueOptions = { url: queueUrl(o.queue), log: messenger(o.quiet), warn: messenger(false) };
  if (o.sweepId !== undefined) q.sweepId = o.sweepId;
  if (o.attempts !== undefined) q.attempts = intOption(o.attempts, 'attempts');
  if (o.backoff !== undefined) q.backoff = intOption(o.backoff, 'backoff');
  if (o.resultTtl !== undefined) q.resultTtl = intOption(o.resultTtl, 'result-ttl');
  if (o.parts !== undefined) q.parts = intOption(o.parts, 'parts');
  return { queue: q };
}
