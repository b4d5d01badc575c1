/**
 * `fairfit replay`: replay a Google 2011 trace through the GiantVM policies,
 * print the comparison table on stdout and write JSON / CSV / HTML outputs.
 * Also the helpers `fairfit sweep` shares: numeric option parsing, the
 * progress bar (stderr, TTY only, never with `--quiet`), Ctrl-C handling
 * (first Ctrl-C stops and still writes the finished runs, exit 130; a second
 * one quits at once) and the output writers.
 *
 * @module
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { writeCsv } from '../report/csv.ts';
import { writeHtml } from '../report/html.ts';
import { writeJson } from '../report/json.ts';
import { describeModes, formatTable } from '../report/table.ts';
import { invalid, parseNumber, parsePolicies } from '../sim/options.ts';
import { replay } from '../sim/replay.ts';
import type { ReplayReport } from '../sim/types.ts';
import { isSweepReport } from '../sim/types.ts';
import { DEFAULT_PARAMS } from '../systems/giantvm/replay.ts';
import type { ReplayParams, UsageMode } from '../systems/giantvm/types.ts';

/** Defaults shown in --help come from replay-core's DEFAULT_PARAMS, so the help cannot drift from the model. */
const D = DEFAULT_PARAMS;

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;

/** Options every replay-like command shares (as commander hands them over: strings). */
export interface CommonCliOptions {
  trace: string;
  policy: string;
  cellSize?: string;
  interval?: string;
  capacity?: string;
  usage?: string;
  usageRatio?: string;
  tick?: string;
  minMove?: string;
  workers: string;
  taskEventParts?: string;
  strict?: boolean;
  json?: string;
  csv?: string;
  report?: string;
  quiet?: boolean;
  /** commander's `--no-series` sets this to false. */
  series: boolean;
}

/** Adds the first options of `replay` and `sweep`: what to replay. */
export function addTraceOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--trace <dir>', 'Google 2011 trace folder (task_events/, optional task_usage/ and machine_events/)')
    .option('--policy <list>', "'all' or a comma-separated list of policies", 'all');
}

/** Adds the model, run and output options shared by `replay` and `sweep`. */
export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--cell-size <n>', `machines per cell (default ${D.cellSize})`)
    .option('--interval <ticks>', `rebalance every this many ticks (default ${D.interval})`)
    .option('--capacity <cpu>', `CPU capacity of a machine, normalised (default ${D.capacity})`)
    .option('--usage <mode>', `task usage: 'trace' (task_usage, falling back per task), 'request' or 'synthetic' (default ${D.usage})`)
    .option('--usage-ratio <r>', `'request' usage: CPU = request × r (default ${D.usageRatio})`)
    .option('--tick <us>', `tick length in µs (default ${D.tick})`)
    .option('--min-move <cpu>', `fine-grained usefulness threshold: least CPU a move must shift (default ${D.minMove})`)
    .option('--workers <n>', 'worker threads (results are identical for any value)', '1')
    .option('--task-event-parts <n>', 'read at most this many task_events part files')
    .option('--strict', 'stop at the first bad trace line instead of skipping and counting it')
    .option('--json <file>', 'write the runs as JSON')
    .option('--csv <file>', 'write one CSV row per run')
    .option('--report <file>', 'write the self-contained HTML report')
    .option('--no-series', 'leave the time series out of the runs (metrics only: smaller JSON, less memory)')
    .option('--quiet', 'no progress bar and no messages on stderr');
}

/** Parses an integer option given as text. */
export function intOption(text: string, field: string): number {
  const n = parseNumber(text, field);
  if (!Number.isInteger(n)) invalid(field, `'${text}' is not an integer`);
  return n;
}

/** Replay parameters set by the shared options. */
export type CommonParams = Partial<Pick<ReplayParams, 'cellSize' | 'interval' | 'capacity' | 'usage' | 'usageRatio' | 'tick' | 'minMove'>>;

/** The replay parameters shared by both commands, parsed from their text form (ranges are checked by `defaultParams`). */
export function commonParams(o: CommonCliOptions): CommonParams {
  const out: CommonParams = {};
  if (o.usageRatio !== undefined) out.usageRatio = parseNumber(o.usageRatio, 'usage-ratio');
  if (o.tick !== undefined) out.tick = parseNumber(o.tick, 'tick');
  if (o.minMove !== undefined) out.minMove = parseNumber(o.minMove, 'min-move');
  if (o.cellSize !== undefined) out.cellSize = intOption(o.cellSize, 'cell-size');
  if (o.interval !== undefined) out.interval = intOption(o.interval, 'interval');
  if (o.capacity !== undefined) out.capacity = parseNumber(o.capacity, 'capacity');
  if (o.usage !== undefined) {
    if (!['trace', 'request', 'synthetic'].includes(o.usage)) invalid('usage', `'${o.usage}' is not one of trace, request, synthetic`);
    out.usage = o.usage as UsageMode;
  }
  return out;
}

/** Reader options from the CLI. */
export function readOptions(o: CommonCliOptions): { strict?: boolean; taskEventParts?: number } {
  return {
    ...(o.strict ? { strict: true } : {}),
    ...(o.taskEventParts !== undefined ? { taskEventParts: intOption(o.taskEventParts, 'task-event-parts') } : {}),
  };
}

/** A running command's progress bar and Ctrl-C handler; call {@link Session.end} when done. */
export interface Session {
  signal: AbortSignal;
  onProgress: (done: number, total: number) => void;
  end(): void;
}

/** Starts the progress bar (stderr, TTY, not quiet) and the Ctrl-C handler. */
export function startSession(label: string, unit: string, quiet: boolean): Session {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      bar?.stop();
      bar = undefined;
      if (!quiet) process.stderr.write('\nfairfit: interrupted — stopping and writing the finished runs (Ctrl-C again to quit now)\n');
      controller.abort(new Error('interrupted'));
    } else {
      process.exit(EXIT_INTERRUPTED);
    }
  };
  process.on('SIGINT', onSigint);
  let bar: cliProgress.SingleBar | undefined;
  if (!quiet && process.stderr.isTTY) {
    bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${label} |{bar}| {percentage}% | {runs}/{total} ${unit} | {duration_formatted} elapsed, ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
  }
  let started = false;
  return {
    signal: controller.signal,
    onProgress(done, total) {
      if (!bar) return;
      if (!started) {
        bar.start(total, 0, { runs: 0 });
        started = true;
      }
      bar.update(done, { runs: Math.floor(done + 1e-9) });
    },
    end() {
      // Idempotent: called on success before printing and again in `finally`.
      bar?.stop();
      bar = undefined;
      process.off('SIGINT', onSigint);
    },
  };
}

/** Prints the modes line and the table on stdout, writes the requested files, and sets exit code 130 if interrupted. */
export function finish(report: ReplayReport, o: { json?: string; csv?: string; report?: string; quiet?: boolean }, seconds: number): void {
  process.stdout.write(describeModes(report) + '\n' + formatTable(report));
  const say = (s: string) => {
    if (!o.quiet) process.stderr.write(s + '\n');
  };
  if (report.interrupted) {
    const total = isSweepReport(report) ? report.sweep.configurations : undefined;
    say(`fairfit: interrupted after ${report.runs.length}${total === undefined ? '' : ` of ${total}`} runs; outputs are marked "interrupted": true`);
  }
  if (o.json) writeJson(o.json, report);
  if (o.csv) writeCsv(o.csv, report);
  if (o.report) writeHtml(o.report, report);
  const files = [o.json, o.csv, o.report].filter((f): f is string => !!f);
  say(`${report.runs.length} runs in ${seconds.toFixed(1)} s${files.length ? `; wrote ${files.join(', ')}` : ''}`);
  if (report.interrupted) process.exitCode = EXIT_INTERRUPTED;
}

interface ReplayCliOptions extends CommonCliOptions {
  machines?: string;
  overcommit?: string;
  seed?: string;
}

/** Registers `fairfit replay`. */
export function registerReplay(program: Command): void {
  addCommonOptions(
    addTraceOptions(program.command('replay'))
      .description('replay a trace through GiantVM cell-rebalancing policies and compare them (SPEC §6)')
      .option('--machines <n>', `number of identical machines, or 'trace' for the machines of machine_events (default ${D.machines})`)
      .option('--overcommit <ratio>', `admission: Σ request × ratio ≤ capacity (default ${D.overcommit})`)
      .option('--seed <n>', `PRNG seed (default ${D.seed})`),
  ).action(async (o: ReplayCliOptions) => {
    const policies = parsePolicies(o.policy);
    const workers = intOption(o.workers, 'workers');
    const params = {
      ...commonParams(o),
      ...(o.machines !== undefined ? { machines: o.machines === 'trace' ? ('trace' as const) : intOption(o.machines, 'machines') } : {}),
      ...(o.overcommit !== undefined ? { overcommit: parseNumber(o.overcommit, 'overcommit') } : {}),
      ...(o.seed !== undefined ? { seed: intOption(o.seed, 'seed') } : {}),
    };
    const session = startSession('replay', 'runs', o.quiet === true);
    const t0 = performance.now();
    try {
      const report = await replay({ trace: o.trace, policies, workers, ...params, series: o.series, read: readOptions(o), signal: session.signal, onProgress: session.onProgress });
      session.end();
      finish(report, o, (performance.now() - t0) / 1000);
    } finally {
      session.end();
    }
  });
}
