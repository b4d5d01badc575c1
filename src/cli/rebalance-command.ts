/**
 * `fairfit rebalance`: CRS, SS and FF rebalancing plans for one scenario file
 * (validated against schemas/crs-scenario.schema.json; `--input -` standard input), replayed period by
 * period when the scenario has periods; prints the comparison table and
 * writes JSON / CSV / HTML. A thin layer over {@link runScenario}.
 *
 * @module
 */
import type { Command } from 'commander';
import { FairfitError } from '../errors.ts';
import { toJson } from '../report/json.ts';
import { invalid, parseNumber } from '../runner/checks.ts';
import { REBALANCE_ALGORITHMS, resolveRebalanceOptions, type RebalanceAlgorithm, type RebalanceOptions } from '../systems/crs/model.ts';
import { formatRebalanceTable, rebalanceCsv, renderRebalanceHtml, type RebalanceReport } from '../systems/crs/rebalance-report.ts';
import { readScenario } from '../systems/crs/scenario-schema.ts';
import { runScenario } from '../systems/crs/scenario-run.ts';
import { checkOutputs, intOption, messenger, plural, renameOptionError, sayWhenWritten, shownInput, shownPath, summaryWriter, withSignalsHeld, writeOutputsStoppable, REPORT_FILE, outputsAlone } from './common.ts';
import { withInput } from './stdin.ts';

interface RebalanceCliOptions {
  input: string;
  algorithm: string;
  high?: string;
  low?: string;
  highWhen?: string;
  lowWhen?: string;
  bounds?: string;
  targets?: string;
  maxPowerOff?: string;
  json?: string;
  csv?: string;
  report?: string;
  quiet?: boolean;
}

/** `crs,ss` or `all` → the algorithms. */
function parseAlgorithms(text: string): RebalanceAlgorithm[] {
  if (text.trim() === 'all') return [...REBALANCE_ALGORITHMS];
  const list = text.split(',').map((s) => s.trim());
  for (const a of list) if (!(REBALANCE_ALGORITHMS as readonly string[]).includes(a)) invalid('--algorithm', `'${a}' is not one of ${REBALANCE_ALGORITHMS.join(', ')} (or 'all')`);
  if (new Set(list).size !== list.length) invalid('--algorithm', `'${text}' names an algorithm twice`);
  return list as RebalanceAlgorithm[];
}

/** `cpu,mem` fractions. */
function pair(text: string, field: string): { cpu: number; mem: number } {
  const parts = text.split(',');
  if (parts.length !== 2) invalid(field, `'${text}' must be cpu,mem (e.g. 0.7,0.9)`);
  const [cpu, mem] = parts.map((p) => parseNumber(p, field)) as [number, number];
  return { cpu, mem };
}

/** The option of each API field an error may name (`maxPowerOff` → `--max-power-off`). */
const REBALANCE_FLAGS: Readonly<Record<string, string>> = { highWhen: '--high-when', lowWhen: '--low-when', bounds: '--bounds', targets: '--targets', maxPowerOff: '--max-power-off' };

/**
 * Checks the options before the scenario is read (a scenario of 10^5 hosts takes a minute to read,
 * and a bad option is exit 2 whatever the file holds), naming the option as typed; `--high` and
 * `--low` keep the value at fault (`--high: high.cpu: …`).
 */
function checkOptions(options: Omit<RebalanceOptions, 'algorithm'>): void {
  try {
    resolveRebalanceOptions(options);
  } catch (e) {
    if (e instanceof FairfitError && e.code === 'INVALID_OPTION') {
      const field = String(e.details?.field ?? '');
      if (Object.hasOwn(REBALANCE_FLAGS, field)) throw renameOptionError(e, REBALANCE_FLAGS);
      if (field.startsWith('high') || field.startsWith('low')) invalid(field.startsWith('high') ? '--high' : '--low', e.message);
    }
    throw e;
  }
}

/**
 * Runs `plan`, naming the scenario (`input`) in an error about its data: the options were checked
 * first, so what planning refuses is in the file (a use that sums past the largest number), and the
 * file's other errors name it too (`PARSE_ERROR`, readScenario).
 */
function inScenario<T>(input: string, plan: () => T): T {
  try {
    return plan();
  } catch (e) {
    if (!(e instanceof FairfitError)) throw e;
    throw new FairfitError(e.code, `${input}: ${e.message}`, { ...e.details, file: input }, { cause: e });
  }
}

/** Registers `fairfit rebalance`. */
export function registerRebalance(program: Command): void {
  program
    .command('rebalance')
    .description('plan VM migrations for a scenario with CRS ("balance first, then save energy"), SS and FF and compare them (docs/model.md "CRS rebalancing")')
    .requiredOption('--input <file>', "scenario JSON (schemas/crs-scenario.schema.json; fairfit gen-scenario writes one; '-': standard input)")
    .option('--algorithm <list>', `comma-separated list of ${REBALANCE_ALGORITHMS.join(', ')}, or 'all'`, 'all')
    .option('--high <cpu,mem>', 'high thresholds H (default 0.7,0.9)')
    .option('--low <cpu,mem>', 'low thresholds L (default 0.1,0.3)')
    .option('--high-when <any|all>', 'a host is high when any (default) or all dimensions reach H')
    .option('--low-when <any|all>', 'a host is low when any (default) or all dimensions reach L')
    .option('--bounds <inclusive|strict>', 'inclusive (default: ≥ H, ≤ L) or strict (> H, < L)')
    .option('--targets <normal-then-low|normal>', 'where VMs may go (default normal-then-low)')
    .option('--max-power-off <n>', 'most hosts one plan powers off (default 1; 0 = no energy phase)')
    .option('--json [file]', "write the plans and the replay as JSON (alone or '-': on stdout, the table then on stderr)")
    .option('--csv [file]', "write one CSV row per algorithm (alone or '-': on stdout)")
    .option('--report [file]', `write the self-contained HTML report (alone: ${REPORT_FILE}; '-': on stdout)`)
    .hook('preAction', outputsAlone)
    .option('--quiet', 'no messages on stderr')
    .action(async (o: RebalanceCliOptions) => {
      const algorithms = parseAlgorithms(o.algorithm);
      const options: Omit<RebalanceOptions, 'algorithm'> = {};
      if (o.high !== undefined) options.high = pair(o.high, '--high');
      if (o.low !== undefined) options.low = pair(o.low, '--low');
      if (o.highWhen !== undefined) options.highWhen = o.highWhen as 'any';
      if (o.lowWhen !== undefined) options.lowWhen = o.lowWhen as 'any';
      if (o.bounds !== undefined) options.bounds = o.bounds as 'inclusive';
      if (o.targets !== undefined) options.targets = o.targets as 'normal';
      if (o.maxPowerOff !== undefined) options.maxPowerOff = intOption(o.maxPowerOff, '--max-power-off');
      checkOptions(options);
      await withSignalsHeld(() => checkOutputs([['--json', o.json], ['--csv', o.csv], ['--report', o.report]], [['--input', o.input]]));
      const say = messenger(o.quiet);
      const t0 = performance.now();
      // `--input -`: standard input, copied to a file first (as every input), removed once the scenario is read.
      const scenario = await withInput('--input', o.input, async (input) => readScenario(input.path));
      const input = shownInput(o.input);
      const seconds = (t: number) => `${((performance.now() - t) / 1000).toFixed(2)} s`;
      // Progress, one line per stage: a scenario of 10^5 hosts takes a minute and said nothing until the end.
      say(`read ${input}: ${plural(scenario.hosts.length, 'host')}, ${plural(scenario.vms.length, 'VM')}${scenario.periods?.length ? `, ${plural(scenario.periods.length, 'period')}` : ''} in ${seconds(t0)}`);
      const runs = [];
      for (const algorithm of algorithms) {
        const t1 = performance.now();
        const [run] = inScenario(input, () => runScenario(scenario, { ...options, algorithms: [algorithm] }));
        runs.push(run!);
        say(`${algorithm}: ${plural(run!.plan.moves, 'migration')} planned${run!.periods.length ? `, ${plural(run!.periods.length, 'period')} replayed` : ''} in ${seconds(t1)}`);
      }
      const report: RebalanceReport = {
        input, description: scenario.description ?? '', hosts: scenario.hosts.length, vms: scenario.vms.length,
        courses: scenario.courses?.length ?? 0, periods: scenario.periods?.length ?? 0, runs,
      };
      summaryWriter([o.json, o.csv, o.report], o.quiet)(formatRebalanceTable(report));
      const outputs = [o.json, o.csv, o.report].filter((f) => f !== undefined);
      const files = await writeOutputsStoppable([
        [o.json, () => toJson(report)],
        [o.csv, () => rebalanceCsv(report)],
        [o.report, () => renderRebalanceHtml(scenario, report)],
      ], () => {
        if (outputs.length) say(`writing ${outputs.map(shownPath).join(', ')}`);
      });
      sayWhenWritten(files, say, `${plural(runs.length, 'algorithm')} in ${((performance.now() - t0) / 1000).toFixed(2)} s${files.length ? `; wrote ${files.join(', ')}` : ''}`);
    });
}
