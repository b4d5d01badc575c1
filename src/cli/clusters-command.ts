/**
 * `fairfit clusters`: a Docklet virtual-cluster manager driven by JSON lines. Reads the hosts
 * (a JSON array of `{ id, cpu, mem }`), or a snapshot (`--restore`), then applies one command per line of `--commands`
 * (a file, or `-`: standard input, read as it arrives, so a host application can pipe commands
 * in and read each answer at once) and writes one JSON answer per line on stdout
 * (`{ ok, op, result }` or `{ ok: false, op, error }`). Blank lines are skipped. Messages (each
 * refusal with its line number, the closing count) go to stderr. Exit 0 when every command was
 * applied, 1 when any was refused or the hosts file or snapshot is bad (2: a bad option). With
 * `--report FILE`, the HTML report of the manager and the commands (src/systems/docklet/clusters-report.ts)
 * is written once the commands end; Ctrl-C (SIGINT, SIGTERM) then stops reading commands, the report of
 * those applied is written, marked interrupted, and the exit code is 130. A thin layer over {@link VirtualClusters}.
 *
 * @module
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { readCommandText } from '../command-answers.ts';
import { FairfitError } from '../errors.ts';
import { invalid } from '../runner/checks.ts';
import { DockletCommandLog, renderClustersHtml } from '../systems/docklet/clusters-report.ts';
import type { DockletCommandResult } from '../systems/docklet/commands.ts';
import type { HostInput } from '../systems/docklet/model.ts';
import { VirtualClusters } from '../systems/docklet/virtual-clusters.ts';
import { checkOutputs, EXIT_FAILURE, EXIT_INTERRUPTED, messenger, outputsAlone, plural, REPORT_FILE, sayWhenWritten, shownInput, startSession, STDIN, STDOUT, withSignalsHeld, writeOutputs } from './common.ts';

interface ClustersCliOptions {
  hosts?: string;
  restore?: string;
  commands: string;
  engine: string;
  report?: string;
  quiet?: boolean;
}

/** A JSON file's value (`--hosts`, `--restore`), `FILE_NOT_FOUND` / `PARSE_ERROR` naming the option and the file. */
function readJson(flag: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new FairfitError('FILE_NOT_FOUND', `${flag}: cannot read ${path}: ${(cause as Error).message}`, { file: path }, { cause });
  }
  try {
    // A UTF-8 byte-order mark (some editors write one) is not part of the JSON, as the CSV readers skip it.
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text) as unknown;
  } catch (cause) {
    throw new FairfitError('PARSE_ERROR', `${flag}: ${path} is not JSON: ${(cause as Error).message}`, { file: path }, { cause });
  }
}

/** A manager from `--restore FILE`: a snapshot, or the answer line of a `{ "op": "snapshot" }` command (its `result`). */
function restored(path: string, engine: 'wasm' | 'reference'): VirtualClusters {
  const v = readJson('--restore', path);
  const answer = v as { ok?: unknown; op?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } } | null;
  const isAnswer = answer !== null && typeof answer === 'object' && !Array.isArray(answer) && (answer.ok === true || answer.ok === false);
  // An answer line that holds no snapshot (a refusal, another op's answer) is named as such, not as a snapshot missing its format.
  if (isAnswer && (answer.ok === false || answer.op !== 'snapshot')) {
    const what = answer.ok === false
      ? `the answer line of a refused command (${String(answer.error?.code)}: ${String(answer.error?.message)})`
      : `the answer line of a ${JSON.stringify(answer.op)} command`;
    throw new FairfitError('CORRUPT_INPUT', `--restore: ${path}: ${what}, not a snapshot: give the answer line of a { "op": "snapshot" } command, or its result`, { field: 'snapshot', file: path });
  }
  const snapshot = isAnswer ? answer.result : v;
  try {
    return VirtualClusters.restore(snapshot, { engine });
  } catch (err) {
    if (err instanceof FairfitError) throw new FairfitError(err.code, `--restore: ${path}: ${err.message}`, { ...err.details, file: path }, { cause: err });
    throw err;
  }
}

/** Registers `fairfit clusters`. */
export function registerClusters(program: Command): void {
  program
    .command('clusters')
    .description('run a Docklet virtual-cluster manager on JSON-line commands: one JSON answer per line on stdout (docs/model.md "Docklet virtual clusters")')
    .option('--hosts <file>', 'hosts: a JSON array of { "id", "cpu", "mem" } (host order = file order)')
    .option('--restore <file>', 'start from a snapshot instead of --hosts: the result of a { "op": "snapshot" } command, or its whole answer line')
    .requiredOption('--commands <file>', "JSON lines, one command each (schemas/docklet-command.schema.json); '-': standard input, read as it arrives")
    .option('--engine <wasm|reference>', 'where placement runs (same answers)', 'wasm')
    .option('--report [file]', `write the self-contained HTML report once the commands end (alone: ${REPORT_FILE}; Ctrl-C: of the commands applied, exit 130)`)
    .hook('preAction', outputsAlone)
    .option('--quiet', 'no messages on stderr')
    .action(async (o: ClustersCliOptions) => {
      if (o.engine !== 'wasm' && o.engine !== 'reference') invalid('--engine', `'${o.engine}' is not one of wasm, reference`);
      if (o.commands !== STDIN) {
        try {
          if (!statSync(o.commands).isFile()) throw new Error('not a file');
        } catch (cause) {
          throw new FairfitError('FILE_NOT_FOUND', `--commands: cannot read ${o.commands}: ${(cause as Error).message}`, { file: o.commands }, { cause });
        }
      }
      if ((o.hosts === undefined) === (o.restore === undefined)) invalid('--hosts', o.hosts === undefined ? 'give --hosts or --restore' : 'give --hosts or --restore, not both');
      // Standard output carries the answers, one JSON line each: a page there would be mixed into them.
      if (o.report === STDOUT) invalid('--report', "'-' is standard output, which carries the answers: give a file name");
      await withSignalsHeld(() => checkOutputs([['--report', o.report]], [['--hosts', o.hosts], ['--restore', o.restore], ['--commands', o.commands]]));
      const say = messenger(o.quiet);
      using vc = o.restore === undefined ? new VirtualClusters({ engine: o.engine }) : restored(o.restore, o.engine);
      if (o.hosts !== undefined) {
        const hosts = readJson('--hosts', o.hosts);
        // The file's content is checked by apply (the schema) at run time, as any command line.
        const added = vc.apply({ op: 'addHosts', hosts: hosts as HostInput[] });
        if (!added.ok) {
          const field = added.error.field.replace(/^command\.hosts/, 'hosts');
          // Bad data in a file, as `rebalance` says of its scenario: PARSE_ERROR, exit 1 (exit 2 is for a bad option).
          throw new FairfitError('PARSE_ERROR', `--hosts: ${o.hosts}: ${added.error.message.replace(/command\.hosts/g, 'hosts')}${Array.isArray(hosts) ? '' : ' (the file must hold a JSON array of hosts)'}`, { field, file: o.hosts });
        }
        say(`${plural(added.result.length, 'host')} from ${o.hosts}`);
      } else {
        const s = vc.snapshot();
        say(`${plural(s.hosts.length, 'host')} and ${plural(s.clusters.length, 'cluster')} from ${o.restore}`);
      }
      const input = o.commands === STDIN ? process.stdin : createReadStream(o.commands);
      const lines = createInterface({ input, crlfDelay: Infinity });
      // With a report, the first Ctrl-C stops reading commands and the report of those applied is written (as `schedule` writes the finished runs).
      const log = o.report === undefined ? undefined : new DockletCommandLog(vc.snapshot());
      const session = o.report === undefined ? undefined : startSession('clusters', 'commands', o.quiet === true, 'the report of the commands applied');
      session?.signal.addEventListener('abort', () => {
        lines.close();
        input.destroy();
      }, { once: true });
      let n = 0;
      let applied = 0;
      let dryRuns = 0;
      let refused = 0;
      try {
        for await (let line of lines) {
          if (session?.interrupted) break;
          n++;
          if (n === 1 && line.startsWith('\uFEFF')) line = line.slice(1); // a byte-order mark, as in the hosts file
          if (line.trim() === '') continue;
          const text = readCommandText(line);
          const command = text.ok ? text.command : undefined;
          const answer: DockletCommandResult = text.ok ? vc.apply(command) : text;
          log?.record(command, answer, n);
          process.stdout.write(`${JSON.stringify(answer)}\n`);
          if (answer.ok && answer.dryRun === true) dryRuns++;
          else if (answer.ok) applied++;
          else {
            refused++;
            say(`line ${n}: ${answer.error.code}: ${answer.error.message}`);
          }
        }
        const counts = `${plural(applied + dryRuns + refused, 'command')}: ${applied} applied, ${dryRuns > 0 ? `${plural(dryRuns, 'dry run')} accepted, ` : ''}${refused} refused`;
        if (session === undefined) {
          say(counts);
          if (refused > 0) process.exitCode = EXIT_FAILURE;
          return;
        }
        session.end();
        const interrupted = session.interrupted;
        const files = writeOutputs([[o.report, () => renderClustersHtml(vc.snapshot(), { log, input: shownInput(o.commands), interrupted })]]);
        sayWhenWritten(files, say, `${counts}${interrupted ? ' (interrupted)' : ''}; wrote ${files.join(', ')}`);
        if (refused > 0) process.exitCode = EXIT_FAILURE;
        if (interrupted) process.exitCode = EXIT_INTERRUPTED;
      } finally {
        session?.close();
      }
    });
}
