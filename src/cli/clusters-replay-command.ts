/**
 * `fairfit clusters-replay`: a Google 2011 trace replayed through the Docklet virtual-cluster
 * manager, each job one virtual cluster, under `spread` and `pack` (or one of them); prints the
 * comparison table on stdout, the account of what was read and left out on stderr, and writes
 * the report as JSON, CSV (a row per rule) and a self-contained HTML page
 * (src/systems/docklet/clusters-replay-report.ts). A separate command, not a mode of `fairfit clusters`: that one is an online
 * manager answering JSON lines, this one a batch comparison with a table and a report, as
 * `replay` and `schedule` are; a progress bar on a terminal, and the first Ctrl-C writes the rules
 * finished (exit 130). A thin layer over {@link readClusterTrace} and {@link replayClusterTrace}.
 *
 * @module
 */
import type { Command } from 'commander';
import { toJson } from '../report/json.ts';
import { invalid, parseNumber } from '../runner/checks.ts';
import { PLACEMENTS, type ClusterPlacement } from '../systems/docklet/model.ts';
import { readClusterTrace } from '../systems/docklet/trace-gangs.ts';
import { clustersReplayCsv, renderClustersReplayHtml } from '../systems/docklet/clusters-replay-report.ts';
import { DEFAULT_SAMPLE_SECONDS, describeClustersReplay, formatClustersReplay, replayClusterTrace } from '../systems/docklet/trace-replay.ts';
import { checkOutputs, DEFAULT_MAX_SKIPPED, EXIT_INTERRUPTED, maxSkippedOption, messenger, outputsAlone, REPORT_FILE, sayWhenWritten, startSession, summaryWriter, withSignalsHeld, writeOutputs, type BatchCliOptions } from './common.ts';

interface ClustersReplayCliOptions extends BatchCliOptions {
  trace: string;
  placement: string;
  sampleSeconds: string;
  engine: string;
  machineEvents: string;
}

/** Registers `fairfit clusters-replay`. */
export function registerClustersReplay(program: Command): void {
  program
    .command('clusters-replay')
    .description('replay a Google 2011 trace through the Docklet virtual-cluster manager, one cluster per job, and compare the spread and pack placements (docs/model.md "Replaying a Google trace")')
    .requiredOption('--trace <dir>', 'Google 2011 trace folder with task_events/ and machine_events/')
    .option('--placement <rule>', `${PLACEMENTS.join(', ')}, or both`, 'both')
    .option('--sample-seconds <s>', 'interval of the hosts\' load samples (hosts in use, Gini), seconds of trace time', String(DEFAULT_SAMPLE_SECONDS))
    .option('--engine <wasm|reference>', 'where placement runs (same results)', 'wasm')
    .option('--machine-events <ignore|apply>', 'the machine events inside the window: ignore (counted; the hosts at the start throughout) or apply (ADD adds a host, REMOVE drains it, evicting the clusters that find no room; UPDATE counted)', 'ignore')
    .option('--strict', 'stop at the first bad trace line instead of skipping and counting it')
    .option('--max-skipped <ratio>', `refuse the trace (exit 1, before any replay) when more than this fraction of its lines is skipped, or a file is truncated (unless 1) (default ${DEFAULT_MAX_SKIPPED})`)
    .option('--json [file]', "write the report as JSON, with each rule's load samples (alone or '-': on stdout, the table then on stderr)")
    .option('--csv [file]', "write one CSV row per placement rule (alone or '-': on stdout)")
    .option('--report [file]', `write the self-contained HTML report: a chart per metric, the hosts' load and the queue over time (alone: ${REPORT_FILE}; '-': on stdout)`)
    .hook('preAction', outputsAlone)
    .option('--quiet', 'no progress bar and no messages on stderr')
    .action(async (o: ClustersReplayCliOptions) => {
      const placements: ClusterPlacement[] = o.placement === 'both' ? [...PLACEMENTS] : [o.placement as ClusterPlacement];
      if (o.placement !== 'both' && !(PLACEMENTS as readonly string[]).includes(o.placement)) invalid('--placement', `'${o.placement}' is not one of ${PLACEMENTS.join(', ')}, both`);
      const sampleSeconds = parseNumber(o.sampleSeconds, '--sample-seconds');
      if (!(sampleSeconds > 0)) invalid('--sample-seconds', `'${o.sampleSeconds}' must be > 0`);
      if (o.engine !== 'wasm' && o.engine !== 'reference') invalid('--engine', `'${o.engine}' is not one of wasm, reference`);
      if (o.machineEvents !== 'ignore' && o.machineEvents !== 'apply') invalid('--machine-events', `'${o.machineEvents}' is not one of ignore, apply`);
      const maxSkipped = maxSkippedOption(o.maxSkipped);
      await withSignalsHeld(() => checkOutputs([['--json', o.json], ['--csv', o.csv], ['--report', o.report]], [['--trace', o.trace]]));
      const say = messenger(o.quiet);
      // A progress bar on a terminal; the first Ctrl-C stops the replay and the rules finished are written (exit 130).
      const session = startSession('clusters-replay', 'placements', o.quiet === true, 'the placements finished');
      const t0 = performance.now();
      try {
        session.reading(o.trace);
        const trace = await readClusterTrace(o.trace, { strict: o.strict === true, maxSkipped, signal: session.signal });
        session.readDone();
        const report = await replayClusterTrace(trace, o.trace, { placements, sampleSeconds, engine: o.engine, machineEvents: o.machineEvents, signal: session.signal, onProgress: session.onProgress });
        session.end();
        say(describeClustersReplay(report));
        summaryWriter([o.json, o.csv, o.report], o.quiet)(formatClustersReplay(report));
        if (report.interrupted) say(`fairfit: interrupted after ${report.runs.length} of ${report.placements.length} placements; outputs are marked "interrupted": true`);
        const files = writeOutputs([
          [o.json, () => toJson(report)],
          [o.csv, () => clustersReplayCsv(report)],
          [o.report, () => renderClustersReplayHtml(report)],
        ]);
        sayWhenWritten(files, say, `${report.runs.length} placement${report.runs.length === 1 ? '' : 's'} in ${((performance.now() - t0) / 1000).toFixed(1)} s${files.length ? `; wrote ${files.join(', ')}` : ''}`);
        if (report.interrupted || session.interrupted) process.exitCode = EXIT_INTERRUPTED;
      } finally {
        session.close();
      }
    });
}
