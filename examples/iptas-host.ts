/**
 * A host application for an IPTAS engine speaking JSON lines: it reads one
 * command per line on stdin, applies it (`applyCommandLine`,
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
 * e.g. `--params '{"dims":1,"minEpsilon":0.667}'`. Invalid params: one error line, exit code 2.
 * The engine is fairfit's WebAssembly `Engine`; any `IptasEngine` (e.g. the
 * plain-TypeScript `ReferenceEngine`) takes the same commands.
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
import type { Readable, Writable } from 'node:stream';
import { FairfitError } from '../src/errors.ts';
import { Engine } from '../src/engine/engine.ts';
import { applyCommandLine } from '../src/systems/iptas/commands.ts';
import type { IptasParams } from '../src/systems/iptas/params.ts';

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
  const i = args.indexOf('--params');
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
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let answer: unknown;
    try {
      answer = applyCommandLine(engine, line);
    } catch (err) {
      // Not bad input but a fault of the engine: report it and carry on.
      answer = { ok: false, error: { code: 'INTERNAL', message: String((err as Error)?.message ?? err), field: 'command' } };
    }
    await writeLine(output, answer);
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main({ input: process.stdin, output: process.stdout, args: process.argv.slice(2) });
}
