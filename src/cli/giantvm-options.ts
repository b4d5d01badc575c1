/**
 * What `fairfit replay` and `fairfit sweep` share: their GiantVM options
 * (declared with defaults from `DEFAULT_PARAMS` and choices from `POLICIES`
 * and `USAGE_MODES`, the lists the API checks against, so help and
 * validation cannot drift), turning their text into typed values for
 * {@link replay} / {@link sweep}, and printing and writing a finished report.
 *
 * @module
 */
import type { Command } from 'commander';
import { toJson } from '../report/json.ts';
import { invalid, parseNumber } from '../runner/checks.ts';
import { toCsv } from '../systems/giantvm/csv-report.ts';
import { renderHtml } from '../systems/giantvm/html-report.ts';
import { DEFAULT_PARAMS, defaultParams, MAX_TICK_US, MAX_TICKS, RULE_CHOICES } from '../systems/giantvm/replay-params.ts';
import { describeModes, formatTable } from '../systems/giantvm/summary.ts';
import { isSweepReport, POLICIES, PRESETS, USAGE_MODES, type PolicyName, type PresetName, type ReplayParams, type ReplayReport, type UsageMode } from '../systems/giantvm/types.ts';
import type { TraceReadOptions } from '../systems/giantvm/trace.ts';
import { withInput, type StdinInput } from './stdin.ts';
import { checkOutputs, DEFAULT_MAX_SKIPPED, describeRead, EXIT_INTERRUPTED, intOption, maxSkippedOption, messenger, plural, startSession, STDIN, STDIN_NAME, summaryWriter, sayWhenWritten, withSignalsHeld, writeOutputs, type Session, REPORT_FILE, outputsAlone, type BatchCliOptions } from './common.ts';
import { QUEUE_FLAGS } from './queue-flags.ts';

/** Defaults shown in --help come from DEFAULT_PARAMS, so the help cannot drift from the model. */
const D = DEFAULT_PARAMS;

/** What the help says about a usage mode beyond its name. */
const USAGE_NOTES: Partial<Record<UsageMode, string>> = { trace: 'task_usage, falling back per task' };

/** `'a' (note), 'b' or 'c'`: the usage modes as the help lists them. */
function usageChoices(): string {
  const names = USAGE_MODES.map((m) => `'${m}'${USAGE_NOTES[m] ? ` (${USAGE_NOTES[m]})` : ''}`);
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** Options every replay-like command shares (as commander hands them over: strings). */
export interface CommonCliOptions extends BatchCliOptions {
  trace: string;
  policy: string;
  cellSize?: string;
  interval?: string;
  capacity?: string;
  usage?: string;
  usageRatio?: string;
  tick?: string;
  minMove?: string;
  preset?: string;
  tasks?: string;
  time0?: string;
  arrival?: string;
  delay?: string;
  migratedRequest?: string;
  destinationCheck?: string;
  memOrder?: string;
  gini?: string;
  /** Undefined when not given (1): so `--workers` given with `--queue`, where it cannot act, is told apart. */
  workers?: string;
  taskEventParts?: string;
  usageRead?: string;
  /** commander's `--no-series` sets this to false. */
  series: boolean;
}

/** Adds the first options of `replay` and `sweep`: what to replay. */
export function addTraceOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--trace <path>', "Google 2011 trace folder (task_events/, optional task_usage/ and machine_events/) or SWF log; the format is detected and named on stderr ('-': standard input, one file, plain or gzip: an SWF log or a task_events file)")
    .option('--policy <list>', "'all' or a comma-separated list of policies", 'all');
}

/** Adds the model, run and output options shared by `replay` and `sweep`. */
export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--cell-size <n>', `machines per cell, at most the machines (default ${D.cellSize}, or the machines when fewer)`)
    .option('--interval <ticks>', `rebalance every this many ticks, at most ${MAX_TICKS} (default ${D.interval})`)
    .option('--capacity <cpu>', `CPU capacity of a machine, normalised (default ${D.capacity})`)
    .option('--usage <mode>', `task usage: ${usageChoices()} (default ${D.usage})`)
    .option('--usage-ratio <r>', `CPU = request × r for 'request' usage, and for the tasks that fall back to it: those without task_usage rows under 'trace', without a synthetic window under 'synthetic' (default ${D.usageRatio})`)
    .option('--tick <us>', `tick length in µs, at most ${MAX_TICK_US} (one day) (default ${D.tick})`)
    .option('--min-move <cpu>', `fine-grained usefulness threshold: the CPU a move must exceed, 0 allowed (default ${D.minMove})`)
    .option('--preset <name>', `a set of regime choices: ${Object.keys(PRESETS).map((k) => `'${k}' (${presetText(k as PresetName)})`).join(', ')}; options given explicitly override it`)
    .option('--tasks <which>', `tasks that take part: 'all', 'ended' (only those whose run ends inside the window) or 'finished' (only those whose run ends inside it by FINISH) (default ${D.tasks})`)
    .option('--time0 <rule>', `tasks submitted at or before the trace start: 'queue' (admitted like every SUBMIT) or 'running' (start at tick 0 without the admission check) (default ${D.time0})`)
    .option('--arrival <rule>', `a task submitted inside a tick arrives at that 'tick', or at the next tick 'boundary' (stretch ≥ 1 by construction) (default ${D.arrival})`)
    .option('--delay <over>', `delay and stretch averaged over 'finished' tasks, or 'all' (open ones: delay so far + remaining work) (default ${D.delay})`)
    .option('--migrated-request <rule>', `a migrated task's request 'follows' it to the destination's admission ledger, or 'stays' on the source until it ends (default ${D.migratedRequest})`)
    .option('--destination-check <what>', `a migration checks the destination's 'usage' only, or also its 'request' total against the capacity (default ${D.destinationCheck})`)
    .option('--mem-order <dir>', `sort direction of mem_usage and cache_misses: 'asc' or 'desc' (default ${D.memOrder})`)
    .option('--gini <rule>', `Gini of each machine's 'time-mean' utilisation, or the 'series-mean' of the series points' Gini (default ${D.gini})`)
    .option('--workers <n>', 'worker threads (results are identical for any value; refused with --queue, whose workers run the jobs) (default 1)')
    .option('--task-event-parts <n>', 'read only the first n task_events part files of a Google folder (n ≥ 1; refused for an SWF log or a task_events file)')
    .option('--strict', 'stop at the first bad trace line instead of skipping and counting it')
    .option('--max-skipped <ratio>', `refuse the trace (exit 1, before any run) when more than this fraction of its lines is skipped, or a file is truncated (unless 1) (default ${DEFAULT_MAX_SKIPPED})`)
    .option('--usage-read <how>', "task_usage of a Google folder for --usage trace (refused with another usage, or without task_usage/): 'stream' (read in time order as the replay advances) or 'whole' (into memory first) (default stream)")
    .option('--json [file]', "write the runs as JSON (alone or '-': on stdout, the table then on stderr)")
    .option('--csv [file]', "write one CSV row per run (alone or '-': on stdout)")
    .option('--report [file]', `write the self-contained HTML report (alone: ${REPORT_FILE}; '-': on stdout)`)
    .hook('preAction', outputsAlone)
    .option('--no-series', 'leave the time series out of the runs (metrics only: smaller JSON, less memory)')
    .option('--quiet', 'no progress bar and no messages on stderr (errors still are, and with --queue a worker refusing a job and Redis lost or not answering)');
}

/** The choices of a preset, as `key=value` text for the help. */
function presetText(name: PresetName): string {
  return Object.entries(PRESETS[name]).map(([k, v]) => `${k}=${String(v)}`).join(', ');
}

/** `migratedRequest` → `migrated-request`: the option's name on the command line. */
function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * The command-line option of each API key a replay or sweep error may name
 * (`minMove` → `min-move`), for {@link withOptionNames}: every bad option is
 * named as it was typed, whichever layer found it.
 */
export const GIANTVM_FLAGS: Readonly<Record<string, string>> = {
  machines: 'machines', cellSize: 'cell-size', interval: 'interval', capacity: 'capacity', overcommit: 'overcommit', seed: 'seed', seeds: 'seeds',
  usage: 'usage', tick: 'tick', usageRatio: 'usage-ratio', minMove: 'min-move', policies: 'policy', workers: 'workers', preset: 'preset',
  ...Object.fromEntries(Object.keys(RULE_CHOICES).map((k) => [k, flagName(k)])),
  taskEventParts: 'task-event-parts', maxSkipped: 'max-skipped', 'read.usageRead': 'usage-read', 'read.taskEventParts': 'task-event-parts',
  ...QUEUE_FLAGS,
};

/** Replay parameters set by the shared options. */
export type CommonParams = Partial<Pick<ReplayParams, 'cellSize' | 'interval' | 'capacity' | 'usage' | 'usageRatio' | 'tick' | 'minMove' | keyof typeof RULE_CHOICES>>;

/** The replay parameters shared by both commands, parsed from their text form (ranges are checked by the API). */
export function commonParams(o: CommonCliOptions): CommonParams {
  const out: CommonParams = {};
  // The preset first: every option given explicitly overrides it.
  if (o.preset !== undefined) {
    if (!Object.hasOwn(PRESETS, o.preset)) invalid('preset', `'${o.preset}' is not one of ${Object.keys(PRESETS).join(', ')}`);
    Object.assign(out, PRESETS[o.preset as PresetName]);
  }
  if (o.usageRatio !== undefined) out.usageRatio = parseNumber(o.usageRatio, 'usage-ratio');
  if (o.tick !== undefined) out.tick = parseNumber(o.tick, 'tick');
  if (o.minMove !== undefined) out.minMove = parseNumber(o.minMove, 'min-move');
  if (o.cellSize !== undefined) out.cellSize = intOption(o.cellSize, 'cell-size');
  if (o.interval !== undefined) out.interval = intOption(o.interval, 'interval');
  if (o.capacity !== undefined) out.capacity = parseNumber(o.capacity, 'capacity');
  if (o.usage !== undefined) {
    if (!(USAGE_MODES as readonly string[]).includes(o.usage)) invalid('usage', `'${o.usage}' is not one of ${USAGE_MODES.join(', ')}`);
    out.usage = o.usage as UsageMode;
  }
  // Each rule's commander option has the parameter's own name (`--migrated-request` → migratedRequest).
  for (const key of Object.keys(RULE_CHOICES) as (keyof typeof RULE_CHOICES)[]) {
    const v = o[key];
    if (v === undefined) continue;
    const choices = RULE_CHOICES[key] as readonly string[];
    if (!choices.includes(v)) invalid(flagName(key), `'${v}' is not one of ${choices.join(', ')}`);
    (out as Record<string, unknown>)[key] = v;
  }
  return out;
}

/**
 * Refuses an explicit `--cell-size` larger than a machine count (the API
 * quietly makes one cell of all machines, which is right for its default
 * cell size on a tiny cluster but hides a mistake when the size was asked for):
 * a number of `--machines` before any work, the trace's machines once read.
 */
export function checkCellSize(o: CommonCliOptions, machines: readonly (number | 'trace')[], source = '--machines'): void {
  if (o.cellSize === undefined) return;
  const cell = intOption(o.cellSize, 'cell-size');
  for (const m of machines) if (m !== 'trace' && cell > m) invalid('cell-size', `${cell} is larger than the ${m} machines of ${source}: a cell groups machines, so it can hold at most ${m}`);
}

/**
 * The open rules that act in some policies only, and those policies: `--min-move` in the
 * fine-grained moves (fine_grained and the sorted variants), `--mem-order` in the memory-ordered
 * sorts, `--migrated-request` and `--destination-check` in every migration (not no_migration).
 */
const RULE_POLICIES: readonly [keyof CommonCliOptions, string, readonly PolicyName[]][] = [
  ['minMove', 'the fine-grained policies', POLICIES.filter((p) => p !== 'no_migration' && p !== 'coarse_grained')],
  ['memOrder', 'the memory-ordered policies', ['mem_usage', 'cache_misses']],
  ['migratedRequest', 'the migrating policies', POLICIES.filter((p) => p !== 'no_migration')],
  ['destinationCheck', 'the migrating policies', POLICIES.filter((p) => p !== 'no_migration')],
];

/**
 * Refuses a rule option given explicitly that none of the selected policies uses (it could not
 * take effect: `--mem-order desc --policy fine_grained` ran, said `memOrder desc` in every output,
 * and changed nothing). Its value is checked first. A preset sets none of these rules.
 */
export function checkRulesTakeEffect(o: CommonCliOptions, policies: readonly PolicyName[]): void {
  defaultParams(commonParams(o)); // a bad value is named as such first (`min-move: must be …`)
  for (const [key, who, users] of RULE_POLICIES) {
    if (o[key] === undefined || policies.some((p) => users.includes(p))) continue;
    invalid(flagName(key), `only takes effect in ${who} (${users.join(', ')}); --policy ${policies.join(',')} uses none of them`);
  }
}

function usageReadOption(v: string): 'stream' | 'whole' {
  if (v !== 'stream' && v !== 'whole') invalid('usage-read', `'${v}' must be 'stream' or 'whole'`);
  return v;
}

/** `--task-event-parts`: an integer ≥ 1 (0 would read nothing, a negative count drop parts from the end). */
function taskEventPartsOption(text: string): number {
  const n = intOption(text, 'task-event-parts');
  if (n < 1) invalid('task-event-parts', `'${text}' must be an integer ≥ 1`);
  return n;
}

/**
 * Reader options from the CLI: strict, parts, --max-skipped, and the stderr account of what was read (unless quiet).
 * `--usage-read` with a usage other than 'trace' is refused: only 'trace' usage reads task_usage, so it
 * could not take effect (`--task-event-parts` on an SWF log is refused by the API once the format is known).
 */
export function readOptions(o: CommonCliOptions, cmd: string): TraceReadOptions {
  const say = messenger(o.quiet);
  const usage = commonParams(o).usage ?? D.usage;
  if (o.usageRead !== undefined && usage !== 'trace') invalid('usage-read', `only takes effect with --usage trace (it says how task_usage is read); --usage ${usage} reads no task_usage`);
  return {
    ...(o.strict ? { strict: true } : {}),
    ...(o.taskEventParts !== undefined ? { taskEventParts: taskEventPartsOption(o.taskEventParts) } : {}),
    maxSkipped: maxSkippedOption(o.maxSkipped),
    ...(o.usageRead !== undefined ? { usageRead: usageReadOption(o.usageRead) } : {}),
    onRead: (r) => {
      say(describeRead(cmd, r));
      if (r.machines !== undefined) checkCellSize(o, [r.machines], "the trace's machine_events (--machines trace)");
    },
  };
}

/** `read` whose account of the read (`onRead`) names standard input, not the copy the reader read (`--trace -`). */
function readNaming(read: TraceReadOptions, input: StdinInput): TraceReadOptions {
  const onRead = read.onRead;
  return onRead ? { ...read, onRead: (r) => onRead(input.renamed(r)) } : read;
}

/**
 * Refuses `--trace -` with `--queue` before standard input is read: the queue's workers read the
 * trace from its path on their own machines, and standard input is no path they can read.
 */
function checkQueueInput(o: { trace: string; queue?: string }): void {
  if (o.trace === STDIN && o.queue !== undefined) invalid('queue', `its workers read the trace from its path on their own machines, and ${STDIN_NAME} (--trace -) has none: give the trace as a file`);
}

/**
 * `fairfit replay` and `sweep` once their options are parsed: the queue and output checks, the
 * trace (`-`: standard input, copied to a file first, since the format detection and the reader
 * both read it), a session (progress bar, Ctrl-C), `run` on the path to read with `read` naming
 * it, then {@link finish}.
 */
export async function runTraceCommand(cmd: 'replay' | 'sweep', o: CommonCliOptions & { queue?: string }, read: TraceReadOptions, run: (trace: string, read: TraceReadOptions, session: Session) => Promise<ReplayReport>): Promise<void> {
  checkQueueInput(o);
  await withSignalsHeld(() => checkCommonOutputs(o));
  await withInput('--trace', o.trace, async (input) => {
    const session = startSession(cmd, 'runs', o.quiet === true);
    const t0 = performance.now();
    try {
      // On a terminal, a line says the trace is being read until the account of the read replaces it.
      const named = readNaming(read, input);
      const onRead = named.onRead;
      session.reading(input.path === o.trace ? o.trace : STDIN_NAME);
      const report = input.renamed(await run(input.path, { ...named, onRead: (r) => { session.readDone(); onRead?.(r); } }, session));
      session.end();
      finish(report, o, (performance.now() - t0) / 1000, session);
    } finally {
      session.close();
    }
  });
}

/** Checks the output paths of a replay-like command before any work (`OUTPUT_ERROR`, exit 1; the trace itself or a file inside it: `INVALID_OPTION`, exit 2). */
export function checkCommonOutputs(o: { trace: string; json?: string; csv?: string; report?: string }): void {
  checkOutputs([['--json', o.json], ['--csv', o.csv], ['--report', o.report]], [['--trace', o.trace]]);
}

/**
 * Prints the modes line and the table on stdout (stderr when an output goes
 * there), writes the requested files (all or none), and sets exit code 130 if
 * interrupted (by the report or by a signal that came after the last run).
 */
export function finish(report: ReplayReport, o: { json?: string; csv?: string; report?: string; quiet?: boolean }, seconds: number, session?: Session): void {
  summaryWriter([o.json, o.csv, o.report], o.quiet)(describeModes(report) + '\n' + formatTable(report));
  const say = messenger(o.quiet);
  if (report.interrupted) {
    const total = isSweepReport(report) ? report.sweep.configurations : undefined;
    say(`fairfit: interrupted after ${report.runs.length}${total === undefined ? ` ${report.runs.length === 1 ? 'run' : 'runs'}` : ` of ${plural(total, 'run')}`}; outputs are marked "interrupted": true`);
  }
  const files = writeOutputs([
    [o.json, () => toJson(report)],
    [o.csv, () => toCsv(report)],
    [o.report, () => renderHtml(report)],
  ]);
  sayWhenWritten(files, say, `${plural(report.runs.length, 'run')} in ${seconds.toFixed(1)} s${files.length ? `; wrote ${files.join(', ')}` : ''}`);
  if (report.interrupted || session?.interrupted) process.exitCode = EXIT_INTERRUPTED;
}
