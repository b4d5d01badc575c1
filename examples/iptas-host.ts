/**
 * A host application for an IPTAS engine speaking JSON lines: it reads one
 * command per line on stdin, applies it (`engine.applyLine`,
 * src/systems/iptas/commands.ts) and writes one JSON line per command on stdout —
 * the engine's decisions (`runRound` placements, `checkLimits` kills, health
 * changes…) or, for a rejected command, `{ "ok": false, "error": { code, message,
 * field } }`. Errors go to stdout too, in order, so the host's caller sees every
 * answer; bad input never stops the host. Blank lines are skipped and get no answer.
 *
 * Usage:
 *
 *     npx tsx examples/iptas-host.ts [--params '<IptasParams as JSON>'] < commands.jsonl > answers.jsonl
 *
 * `--params` (optional) is the engine's options (`IptasParams`, src/systems/iptas/params.ts),
 * e.g. `--params '{"dims":1,"minEpsilon":0.667}'`. Invalid params, or any other argument: one
 * error line, exit code 2. It uses only the package's public API (`fairfit`).
 * The engine is fairfit's WebAssembly `Engine`; any `IptasEngine` (e.g. the
 * plain-TypeScript `ReferenceEngine`) takes the same commands.
 *
 * Two commands are the host's own, not the engine's: `{"op":"snapshot","file":F}`
 * writes a checkpoint of the engine to file F (`Engine.snapshot`, into bytes the host
 * keeps for the next checkpoint; written to F.tmp, then renamed, so F is always a
 * whole snapshot) and answers `{ bytes }`; `{"op":"restore","file":F}` continues
 * from such a file (`Engine.restore`) and answers the restored engine's `counts`.
 * They are checked against their own small schema (Ajv, as the engine's commands);
 * a missing file is `FILE_NOT_FOUND`, an unwritable one `OUTPUT_ERROR`, a file that
 * is not a snapshot this build reads `CORRUPT_INPUT`, each with field `command.file`
 * and the engine unchanged.
 *
 * Example session (input, then output):
 *
 *     {"op":"addNode","capacity":[4,8]}
 *     {"op":"submit","id":"a","user":"u1","demand":[1,2],"dataGB":5,"requestTime":60}
 *     {"op":"runRound","now":0}
 *
 *     {"ok":true,"op":"addNode","result":0}
 *     {"ok":true,"op":"submit","result":"a"}
 *     {"ok":true,"op":"runRound","result":{"placements":[{"task":"a","node":0}],"waiting":[]}}
 *
 * The test suite runs it (test/iptas/commands.test.ts).
 */
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { Ajv2020 } from 'ajv/dist/2020.js';
// The package's public entry point only (a host of its own writes 'fairfit' here).
import { Engine, FairfitError, type CommandResult, type IptasParams } from '../src/index.ts';

/** Streams and arguments of one run (injectable for tests). */
export interface HostIo {
  input: Readable;
  output: Writable;
  /** Command-line arguments after the script name. */
  args: readonly string[];
}

async function writeLine(output: Writable, value: unknown): Promise<void> {
  if (!output.write(`${JSON.stringify(value)}\n`)) await once(output, 'drain');
}

function parseParams(args: readonly string[]): IptasParams {
  // The one option; anything else (a misspelt `--param`) is refused, not run with the defaults.
  const i = args.indexOf('--params');
  const other = args.find((_, k) => i < 0 || (k !== i && k !== i + 1));
  if (other !== undefined) throw new FairfitError('INVALID_OPTION', `unknown argument '${other}': the only option is --params '<IptasParams as JSON>'`, { field: 'args' });
  if (i < 0) return {};
  const text = args[i + 1];
  if (text === undefined) throw new FairfitError('INVALID_OPTION', '--params needs a JSON object', { field: 'params' });
  let params: unknown;
  try {
    params = JSON.parse(text);
  } catch (err) {
    throw new FairfitError('PARSE_ERROR', `--params is not valid JSON: ${(err as Error).message}`, { field: 'params' });
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new FairfitError('INVALID_OPTION', '--params must be a JSON object', { field: 'params' });
  }
  return params as IptasParams;
}

/** The host's own commands: a checkpoint to a file, and the engine continued from one. */
const HOST_COMMAND_SCHEMA = {
  type: 'object',
  properties: { op: { enum: ['snapshot', 'restore'] }, file: { type: 'string', minLength: 1 } },
  required: ['op', 'file'],
  additionalProperties: false,
} as const;
const validateHostCommand = new Ajv2020({ strict: true }).compile<{ op: 'snapshot' | 'restore'; file: string }>(HOST_COMMAND_SCHEMA);

/** The engine a host drives, and the bytes it keeps for its checkpoints. */
interface HostState {
  engine: Engine;
  lent: Uint8Array;
}

/** `snapshot` / `restore` on `host`; an error answer names `command.file` and changes nothing. */
function hostCommand(host: HostState, command: { op: string }): CommandResult | { ok: true; op: 'snapshot' | 'restore'; result: unknown } {
  const { op } = command;
  if (!validateHostCommand(command)) {
    // The schema is flat: the field at fault is the one named (missing, extra) or the property the error is at.
    const e = validateHostCommand.errors![0]!;
    const name = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : e.instancePath.slice(1);
    const field = name === '' ? 'command' : `command.${name}`;
    const why = e.keyword === 'additionalProperties' ? `is not a field of op "${op}"` : e.keyword === 'required' ? 'is required' : e.message ?? 'is invalid';
    return { ok: false, op, error: { code: 'INVALID_OPTION', message: `${field} ${why}`, field } };
  }
  const failed = (code: 'FILE_NOT_FOUND' | 'OUTPUT_ERROR' | 'CORRUPT_INPUT', message: string): CommandResult => ({ ok: false, op, error: { code, message, field: 'command.file' } });
  if (command.op === 'snapshot') {
    // Into the bytes kept from the last checkpoint when they fit (no fresh pages); else a new array, and room for next time.
    const bytes = host.engine.snapshot(host.lent);
    if (bytes.buffer !== host.lent.buffer) host.lent = new Uint8Array(bytes.length + (bytes.length >> 2));
    try {
      writeFileSync(`${command.file}.tmp`, bytes);
      renameSync(`${command.file}.tmp`, command.file);
    } catch (err) {
      rmSync(`${command.file}.tmp`, { force: true }); // a rename refused (F a folder…) leaves no F.tmp behind
      return failed('OUTPUT_ERROR', `${command.file}: cannot write the snapshot (${(err as Error).message})`);
    }
    return { ok: true, op: 'snapshot', result: { bytes: bytes.length } };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(command.file);
  } catch (err) {
    return failed('FILE_NOT_FOUND', `${command.file}: cannot read the snapshot (${(err as Error).message})`);
  }
  let restored: Engine;
  try {
    restored = Engine.restore(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch (err) {
    if (!(err instanceof FairfitError)) throw err;
    return failed('CORRUPT_INPUT', `${command.file}: ${err.message}`);
  }
  host.engine.close();
  host.engine = restored;
  return { ok: true, op: 'restore', result: restored.counts() };
}

/** One line's answer: a host command, or the engine's (`engine.applyLine`). */
function answerLine(host: HostState, line: string): unknown {
  // Only lines that may be a host command are parsed here; the rest go to the engine's parser as they are.
  if (line.includes('"snapshot"') || line.includes('"restore"')) {
    let command: unknown;
    try {
      command = JSON.parse(line);
    } catch {
      return host.engine.applyLine(line); // its PARSE_ERROR answer
    }
    const op = command !== null && typeof command === 'object' ? (command as { op?: unknown }).op : undefined;
    if (op === 'snapshot' || op === 'restore') return hostCommand(host, command as { op: string });
    return host.engine.apply(command);
  }
  return host.engine.applyLine(line);
}

/** Runs the host until `input` ends; resolves to the process exit code (0, or 2 for bad `--params`). */
export async function main({ input, output, args }: HostIo): Promise<number> {
  let engine: Engine;
  try {
    engine = new Engine(parseParams(args));
  } catch (err) {
    if (!(err instanceof FairfitError)) throw err;
    await writeLine(output, { ok: false, error: { code: err.code, message: err.message, field: err.details.field ?? 'params' } });
    return 2;
  }
  const host: HostState = { engine, lent: new Uint8Array(0) };
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let answer: unknown;
    try {
      answer = answerLine(host, line);
    } catch (err) {
      // Not bad input but a fault of the engine: report it under this host's own code (not a
      // FairfitError code: none was thrown) and carry on.
      answer = { ok: false, error: { code: 'INTERNAL', message: String((err as Error)?.message ?? err), field: 'command' } };
    }
    await writeLine(output, answer);
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main({ input: process.stdin, output: process.stdout, args: process.argv.slice(2) });
}
