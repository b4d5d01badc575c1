/**
 * The `fairfit` command. Node conventions: `--help`, `--version`, data on
 * stdout, messages on stderr; exit 0 on success, 1 on a data or I/O error,
 * 2 on a bad option, 130 when interrupted (SIGINT/SIGTERM). Every error is
 * one line `fairfit: CODE: message` without a stack trace (`--debug` adds it).
 * A closed stdout or stderr (`fairfit demo | head`) ends that output quietly,
 * keeping the exit code; stdout failing otherwise (ENOSPC) is one line
 * `fairfit: IO_ERROR: standard output: …`, exit 1. A usage error commander finds (a missing required
 * option, an unknown option, an extra argument) is one line too,
 * `fairfit: INVALID_OPTION: message (see fairfit <command> --help)`, exit 2.
 *
 * Each subcommand lives in its own file (a thin layer over the public API)
 * and is registered here; shared plumbing is in common.ts. main.ts, the
 * entry, loads this module once it has set the process's V8 heap. However the
 * command ends (here, or by a `process.exit` of its own), its last step is one
 * full collection (exit-collection.ts).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { FairfitError } from '../errors.ts';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE } from './common.ts';
import { collectBeforeExit, collectOnProcessExit } from './exit-collection.ts';

// A reader that closed stdout or stderr early (`| head`, `2>&1 | head -0`) is not an error: the rest of
// that output is dropped and the exit code stays what the command set (2 for a bad option, not 1).
// Any other failure of stdout (a full disk: ENOSPC, EIO) is an I/O error: one line on stderr, exit 1
// (it was thrown, an uncaught exception with its stack). One of stderr has nowhere to be reported.
/** Whether stdout failed (not by a closed reader): the command then ends with exit code 1. */
let stdoutFailed = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED' || stream === process.stderr) return;
    if (!stdoutFailed) process.stderr.write(`fairfit: IO_ERROR: standard output: ${e.message}\n`);
    stdoutFailed = true;
    if (process.exitCode === undefined || process.exitCode === 0) process.exitCode = EXIT_FAILURE;
  });
}

const debug = process.argv.includes('--debug');
const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const program = new Command('fairfit')
  .description('Embeddable cluster-scheduling engine: trace replay, policy comparison, kernels')
  .version(version, '-V, --version', 'print the fairfit version')
  .option('--debug', 'print the stack trace of an error')
  // Commander's own error text is printed by the handler below, as one line (no help after it).
  .configureOutput({ outputError: () => {} })
  .exitOverride();

type Register = (program: Command) => void;
/** Each command's module, loaded only when asked for (in the order `fairfit --help` lists them). */
const COMMANDS: Record<string, () => Promise<Register>> = {
  clusters: async () => (await import('./clusters-command.ts')).registerClusters,
  'clusters-replay': async () => (await import('./clusters-replay-command.ts')).registerClustersReplay,
  demo: async () => (await import('./demo.ts')).registerDemo,
  gen: async () => (await import('./gen.ts')).registerGen,
  'gen-scenario': async () => (await import('./gen-scenario.ts')).registerGenScenario,
  inspect: async () => (await import('./inspect.ts')).registerInspect,
  rebalance: async () => (await import('./rebalance-command.ts')).registerRebalance,
  replay: async () => (await import('./replay-command.ts')).registerReplay,
  schedule: async () => (await import('./schedule-command.ts')).registerSchedule,
  sweep: async () => (await import('./sweep-command.ts')).registerSweep,
  worker: async () => (await import('./worker-command.ts')).registerWorker,
};

/**
 * The command the arguments name (`fairfit replay …`, `fairfit help replay`) is the only one
 * loaded: a command's module brings its whole system, and loading all nine took 0.1–0.2 s of
 * every run. With none named, or one unknown (the help listing, commander's "Did you mean"),
 * all are. The global options take no value, so the first operand is the command.
 */
const [first, second] = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const named = first === 'help' ? second : first;
// `fairfit --version` alone needs none (commander answers it before any command).
const versionOnly = first === undefined && process.argv.slice(2).some((a) => a === '-V' || a === '--version');
const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : versionOnly ? [] : Object.keys(COMMANDS);
for (const register of await Promise.all(wanted.map((name) => COMMANDS[name]!()))) register(program);

/** Node's file-system errors (ENOENT, EACCES, ENOSPC…) are I/O errors, not fairfit bugs. */
function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

/**
 * After an interruption, leave at once (once stdout and stderr are flushed):
 * while Node tears down on a natural exit its signal handlers are gone, and one
 * more SIGINT in that window would end the process by the signal instead of
 * with exit code 130. The outputs are written by then.
 */
function exitIfInterrupted(): void {
  if (process.exitCode !== EXIT_INTERRUPTED) return;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(EXIT_INTERRUPTED)));
}

/** Commander's message on one line, without its `error: ` prefix (a "Did you mean" hint joined on). */
function usageMessage(message: string): string {
  return message.replace(/^error: /, '').split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
}

/** `fairfit <command> --help` for the subcommand given, else `fairfit --help`. */
function helpCommand(): string {
  const name = process.argv.slice(2).find((a) => !a.startsWith('-'));
  return program.commands.some((c) => c.name() === name) ? `fairfit ${name} --help` : 'fairfit --help';
}

/**
 * The arguments to parse: `fairfit help nosuch` as `fairfit nosuch`, so an unknown command after
 * `help` is the same one-line usage error (exit 2, with commander's "Did you mean"); commander
 * printed the whole help on stderr without a word on the command.
 */
function parsedArgs(argv: readonly string[]): string[] {
  const operands = argv.slice(2).filter((a) => !a.startsWith('-'));
  const [first, name] = operands;
  if (first !== 'help' || name === undefined || program.commands.some((c) => c.name() === name || c.aliases().includes(name))) return [...argv];
  const at = argv.indexOf('help', 2);
  return [...argv.slice(0, at), ...argv.slice(at + 1)];
}

collectOnProcessExit();
program.parseAsync(parsedArgs(process.argv)).then(
  () => {
    if (stdoutFailed && (process.exitCode === undefined || process.exitCode === 0)) process.exitCode = EXIT_FAILURE;
    collectBeforeExit();
    exitIfInterrupted();
  },
  (err: unknown) => {
    collectBeforeExit();
    if (err instanceof CommanderError) {
      // --help and --version exit 0; `fairfit` alone prints the help (stderr) and exits 2.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
      if (err.exitCode !== 0 && err.code !== 'commander.help') process.stderr.write(`fairfit: INVALID_OPTION: ${usageMessage(err.message)} (see ${helpCommand()})\n`);
      return;
    }
    const stack = debug && err instanceof Error && err.stack ? `\n${err.stack}` : '';
    if (err instanceof FairfitError) {
      process.stderr.write(`fairfit: ${err.code}: ${err.message}${stack}\n`);
      process.exitCode = err.code === 'INVALID_OPTION' ? EXIT_USAGE : err.code === 'ABORTED' ? EXIT_INTERRUPTED : EXIT_FAILURE;
      return;
    }
    if (isSystemError(err)) {
      const io = new FairfitError('IO_ERROR', err.message, { ...(err.path ? { file: err.path } : {}) }, { cause: err });
      process.stderr.write(`fairfit: ${io.code}: ${io.message}${stack}\n`);
      process.exitCode = EXIT_FAILURE;
      return;
    }
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    process.stderr.write(`fairfit: internal error (a bug in fairfit; --debug shows where): ${message}${stack}\n`);
    process.exitCode = EXIT_FAILURE;
  },
);
