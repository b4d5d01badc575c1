/**
 * `fairfit gen-scenario`: writes a rebalancing scenario — seed 002's
 * experiment (`--preset paper`), a seeded random cluster of any size
 * (`--preset random`), or one derived from the Alibaba 2018 machine tables
 * (`--alibaba DIR`) — as JSON for `fairfit rebalance --input`.
 *
 * @module
 */
import type { Command } from 'commander';
import { toJson } from '../report/json.ts';
import { checkSeed } from '../rng.ts';
import { invalid } from '../runner/checks.ts';
import { alibabaScenario, leftOut } from '../systems/crs/alibaba-scenario.ts';
import { generateScenario, type ScenarioGenOptions } from '../systems/crs/scenario.ts';
import { validateScenario } from '../systems/crs/scenario-schema.ts';
import { checkOutputs, describeRead, intOption, messenger, plural, sayWhenWritten, shownPath, STDIN, STDIN_NAME, withOptionNames, withSignalsHeld, writeOutputsStoppable } from './common.ts';

/** The option of each API field an error may name (`vmsPerHost` → `--vms-per-host`), so that it is named as typed. */
const SCENARIO_FLAGS: Readonly<Record<string, string>> = {
  hosts: '--hosts', vms: '--vms', courses: '--courses', now: '--now', day: '--day', periodMinutes: '--period-minutes', vmsPerHost: '--vms-per-host',
};

interface GenScenarioCliOptions {
  out: string;
  preset: string;
  hosts?: string;
  vms?: string;
  courses?: string;
  seed: string;
  now?: string;
  alibaba?: string;
  day?: string;
  periodMinutes?: string;
  vmsPerHost?: string;
  quiet?: boolean;
}

/** Registers `fairfit gen-scenario`. */
export function registerGenScenario(program: Command): void {
  program
    .command('gen-scenario')
    .description('write a rebalancing scenario for fairfit rebalance: the paper\'s experiment, a seeded random cluster, or one derived from Alibaba 2018 machine tables')
    .requiredOption('--out <file>', "scenario JSON to write ('-': on stdout)")
    .option('--preset <paper|random>', 'paper: 7 compute nodes and a term of 1 vCPU / 2 GB course VMs placed by timetable; random: --hosts/--vms/--courses', 'random')
    .option('--hosts <n>', 'random preset: hosts (default 100)')
    .option('--vms <n>', 'random preset: VMs (default 20 per host)')
    .option('--courses <n>', 'random preset: courses (default 40)')
    .option('--seed <n>', 'seed, an integer in [-2^31, 2^32 − 1]', '1')
    .option('--now <week,day,section>', 'the point of the term the use describes (default 1,1,1)')
    .option('--alibaba <dir>', 'derive the scenario from machine_meta*/machine_usage* in this folder instead')
    .option('--day <n>', 'Alibaba: day of the trace, 1–8 (default 2)')
    .option('--period-minutes <n>', 'Alibaba: period length (default 30)')
    .option('--vms-per-host <n>', 'Alibaba: synthesised VMs per host (default 12)')
    .option('--quiet', 'no messages on stderr')
    .action(async (o: GenScenarioCliOptions, command: Command) => {
      const seed = checkSeed(intOption(o.seed, '--seed'), '--seed');
      // A flag of the other source was ignored (--hosts with --alibaba, --day without): refuse it.
      const given = (key: keyof GenScenarioCliOptions) => command.getOptionValueSource(key) === 'cli';
      if (o.alibaba !== undefined) {
        // As `gen --out -`: '-' is a stream, and the machine tables are a folder of files.
        if (o.alibaba === STDIN) invalid('--alibaba', `'-' (${STDIN_NAME}) cannot hold a folder of machine_meta and machine_usage files: give the folder`);
        for (const [key, flag] of [['preset', '--preset'], ['hosts', '--hosts'], ['vms', '--vms'], ['courses', '--courses'], ['now', '--now']] as const) {
          if (given(key)) invalid(flag, 'applies to the presets only, not to --alibaba');
        }
      } else {
        for (const [key, flag] of [['day', '--day'], ['periodMinutes', '--period-minutes'], ['vmsPerHost', '--vms-per-host']] as const) {
          if (given(key)) invalid(flag, 'applies to --alibaba only');
        }
      }
      await withSignalsHeld(() => checkOutputs([['--out', o.out]], [['--alibaba', o.alibaba]]));
      const say = messenger(o.quiet);
      let scenario;
      if (o.alibaba !== undefined) {
        const dir = o.alibaba;
        scenario = await withOptionNames(SCENARIO_FLAGS, () => alibabaScenario(dir, {
          seed,
          onRead: ({ summary, noMeta, noCapacity, noSample, day }) => {
            say(describeRead('gen-scenario', { format: 'alibaba2018', detected: 'machine_meta*/machine_usage* files', summary }));
            const out = leftOut(noMeta, noCapacity, noSample, day);
            if (out) say(`fairfit gen-scenario: ${out.slice(2)}`);
          },
          ...(o.day !== undefined ? { day: intOption(o.day, '--day') } : {}),
          ...(o.periodMinutes !== undefined ? { periodMinutes: intOption(o.periodMinutes, '--period-minutes') } : {}),
          ...(o.vmsPerHost !== undefined ? { vmsPerHost: intOption(o.vmsPerHost, '--vms-per-host') } : {}),
        }));
      } else {
        if (o.preset !== 'paper' && o.preset !== 'random') invalid('--preset', `'${o.preset}' is not one of paper, random`);
        let now;
        if (o.now !== undefined) {
          const parts = o.now.split(',');
          if (parts.length !== 3) invalid('--now', `'${o.now}' must be week,day,section (e.g. 1,1,1)`);
          const [week, day, section] = parts.map((p) => intOption(p, '--now')) as [number, number, number];
          now = { week, day, section };
        }
        const options: ScenarioGenOptions = {
          preset: o.preset, seed,
          ...(o.hosts !== undefined ? { hosts: intOption(o.hosts, '--hosts') } : {}),
          ...(o.vms !== undefined ? { vms: intOption(o.vms, '--vms') } : {}),
          ...(o.courses !== undefined ? { courses: intOption(o.courses, '--courses') } : {}),
          ...(now ? { now } : {}),
        };
        // The API names its field (hosts); the error names the flag it came from (--hosts).
        scenario = await withOptionNames(SCENARIO_FLAGS, () => generateScenario(options));
      }
      validateScenario(scenario, 'generated scenario');
      // A scenario of 10^5 hosts takes a minute to write: say what is happening first.
      const written = await writeOutputsStoppable([[o.out, () => toJson(scenario)]], () => say(`writing ${shownPath(o.out)}: ${plural(scenario.hosts.length, 'host')}, ${plural(scenario.vms.length, 'VM')}`));
      sayWhenWritten(written, say, `wrote ${shownPath(o.out)}: ${plural(scenario.hosts.length, 'host')}, ${plural(scenario.vms.length, 'VM')}, ${plural(scenario.courses?.length ?? 0, 'course')}${scenario.periods ? `, ${plural(scenario.periods.length, 'period')}` : ''}`);
    });
}
