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
}

/** Adds `--queue`, `--sweep-id`, `--attempts`, `--backoff`, `--result-ttl` (and `--parts` where runs are split by cells). */
export function addQueueOptions(cmd: Command, parts: boolean): Command {
  cmd
    .option('--queue <url>', 'run on the Redis-backed job queue redis://[USER:PASSWORD@]HOST:PORT[/DB] (no user: redis://:PASSWORD@HOST…), served by `fairfit worker` processes (see README "Running on several machines")')
    .option('--sweep-id <id>', 'with --queue: name of this run\'s jobs and stored results; the same id resumes (default: derived from the trace and the configurations)')
    .option('--attempts <n>', `with --queue: tries per job before the run fails (default ${QUEUE_DEFAULTS.attempts})`)
    .option('--backoff <ms>', `with --queue: first retry delay, doubled per further try (default ${QUEUE_DEFAULTS.backoff})`)
    .option('--result-ttl <s>', `with --queue: seconds stored results are kept (default ${QUEUE_DEFAULTS.resultTtl}, 7 days)`);
  if (parts) cmd.option('--parts <n>', `with --queue: cell ranges each configuration is split into (default ${QUEUE_DEFAULTS.parts})`);
  return cmd;
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
  const q: QueueOptions = { url: o.queue, log: messenger(o.quiet) };
  if (o.sweepId !== undefined) q.sweepId = o.sweepId;
  if (o.attempts !== undefined) q.attempts = intOption(o.attempts, 'attempts');
  if (o.backoff !== undefined) q.backoff = intOption(o.backoff, 'backoff');
  if (o.resultTtl !== undefined) q.resultTtl = intOption(o.resultTtl, 'result-ttl');
  if (o.parts !== undefined) q.parts = intOption(o.parts, 'parts');
  return { queue: q };
}
