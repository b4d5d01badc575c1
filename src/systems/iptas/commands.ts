/**
 * JSON commands for an IPTAS engine: {@link applyCommand} validates one command
 * against {@link IPTAS_COMMAND_SCHEMA} (with Ajv, compiled once) and dispatches it
 * to the matching {@link IptasEngine} call; {@link applyCommandLine} does the same
 * for one line of JSON text. Both return a JSON-serialisable {@link CommandResult}
 * and never throw for bad input: a command the schema or the engine rejects comes
 * back as `{ ok: false, error: { code, message, field } }` with `field` naming the
 * culprit (`command.demand[1]`), and changes nothing — the schema is checked before
 * the engine is touched, and every engine call checks all of its input before it
 * changes anything (`src/systems/iptas/reference-engine.ts`). The command language
 * is described in docs/model.md ("IPTAS JSON commands").
 *
 * @module
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { FairfitError, fieldPath, type FairfitErrorCode } from '../../errors.ts';
import { schemaFault } from '../../schema-errors.ts';
import { readCommandText, type CommandError, type CommandFailure } from '../../command-answers.ts';
import type { IptasEngine } from './engine-api.ts';
import { IPTAS_COMMAND_SCHEMA, IPTAS_OPS, type CommandOf, type IptasCommand, type IptasOp } from './command-schema.ts';

export { IPTAS_COMMAND_SCHEMA, IPTAS_OPS, MAX_GANG_PROCS } from './command-schema.ts';
export type { CommandError, CommandFailure } from '../../command-answers.ts';
export type * from './command-schema.ts';

/**
 * What an op returns: the engine call's return value, `null` for the calls that
 * return nothing (`updateNode`, `heartbeat`), the property's value for `params`
 * and `now`.
 */
export type CommandResultOf<K extends IptasOp> =
  IptasEngine[K] extends (...args: never[]) => infer R ? ([R] extends [void] ? null : R) : IptasEngine[K];

/** An accepted command: the op and the engine's answer. */
export type CommandSuccess<K extends IptasOp = IptasOp> = { [P in K]: { ok: true; op: P; result: CommandResultOf<P> } }[K];

/**
 * The answer to one command. JSON-serialisable with `JSON.stringify`'s usual
 * mapping (NaN and ±Infinity become `null`, `undefined` fields are left out).
 */
export type CommandResult = CommandSuccess | CommandFailure;

// ------------------------------------------------------------------ validation

let compiled: ValidateFunction<IptasCommand> | undefined;

/** The compiled validator (compiled on first use, then cached for the process). */
function validator(): ValidateFunction<IptasCommand> {
  compiled ??= new Ajv2020({ allErrors: false, verbose: true, discriminator: true, strict: true, strictNumbers: true })
    .compile<IptasCommand>(IPTAS_COMMAND_SCHEMA as object);
  return compiled;
}

/** A JSON pointer as a path from `command` (see {@link fieldPath}). */
function pathOf(pointer: string, ...more: string[]): string {
  return fieldPath('command', pointer, ...more);
}

const WORDS = { root: 'command', ops: IPTAS_OPS, badKey: ': keys must be non-empty task ids' };

/**
 * Checks a value against {@link IPTAS_COMMAND_SCHEMA} without applying it:
 * `undefined` when it is a valid command, else the first violation (the field
 * named as in {@link CommandError}).
 */
export function validateCommand(command: unknown): CommandError | undefined {
  const validate = validator();
  if (validate(command)) return undefined;
  const { field, why } = schemaFault(validate.errors, command, WORDS);
  return { code: 'INVALID_OPTION', message: `${field} ${why}`, field };
}

// ------------------------------------------------------------------ dispatch

type Handlers = { [K in IptasOp]: (engine: IptasEngine, command: CommandOf<K>) => CommandResultOf<K> };

/** One handler per op; the mapped type makes the compiler insist that every op is dispatched. */
const HANDLERS: Handlers = {
  addNode: (e, { op: _op, ...node }) => e.addNode(node),
  removeNode: (e, c) => e.removeNode(c.node),
  updateNode: (e, { op: _op, node, ...update }) => {
    e.updateNode(node, update);
    return null;
  },
  nodeOrder: (e) => e.nodeOrder(),
  residual: (e, c) => e.residual(c.node),
  isUp: (e, c) => e.isUp(c.node),
  submit: (e, { op: _op, ...task }) => e.submit(task),
  submitGang: (e, { op: _op, ...gang }) => e.submitGang(gang),
  runRound: (e, c) => e.runRound(c.now),
  complete: (e, c) => e.complete(c.taskId, { status: c.status, actualTime: c.actualTime }),
  cancel: (e, c) => e.cancel(c.taskId),
  purge: (e) => e.purge(),
  epsilon: (e, c) => e.epsilon(c.user),
  checkLimits: (e, c) => (c.usage === undefined ? e.checkLimits(c.now) : e.checkLimits(c.now, new Map(Object.entries(c.usage)))),
  heartbeat: (e, c) => {
    e.heartbeat(c.node, c.now, c.storageOk === undefined ? {} : { storageOk: c.storageOk });
    return null;
  },
  sweepHealth: (e, c) => e.sweepHealth(c.now),
  drainDispatch: (e, c) => e.drainDispatch(c.node),
  pendingDispatch: (e, c) => e.pendingDispatch(c.node),
  taskView: (e, c) => e.taskView(c.taskId),
  counts: (e) => e.counts(),
  running: (e, c) => e.running(c.user),
  state: (e) => e.state(),
  explain: (e, c) => e.explain(c.taskId),
  params: (e) => e.params,
  now: (e) => e.now,
};

/** The ops {@link applyCommand} dispatches (for tests: must equal {@link IPTAS_OPS}). */
export const DISPATCHED_OPS: readonly string[] = Object.freeze(Object.keys(HANDLERS));

/** The field of an engine error, as a path from the command. */
function engineField(err: FairfitError): string {
  const { field, index } = err.details;
  if (field === undefined) return 'command';
  // The engine itself (closed): not a field of the command.
  if (field === 'engine') return 'engine';
  // usage["<task id>"], a key of the usage map: the same key of the command's usage object.
  const usage = /^usage\[(".*")\]$/s.exec(field);
  let out: string;
  if (usage) out = pathOf('', 'usage', JSON.parse(usage[1]!) as string);
  else out = pathOf('', field);
  return typeof index === 'number' && field !== 'node' ? `${out}[${index}]` : out;
}

/**
 * Validates `command` against {@link IPTAS_COMMAND_SCHEMA} and applies it to
 * `engine`. Never throws for bad input: a schema violation or a `FairfitError`
 * from the engine comes back as a {@link CommandFailure}, and the engine is then
 * exactly as before. Anything else the engine throws (a bug, not bad input) is
 * re-thrown.
 */
export function applyCommand(engine: IptasEngine, command: unknown): CommandResult {
  const op = command !== null && typeof command === 'object' && typeof (command as { op?: unknown }).op === 'string'
    ? (command as { op: string }).op : undefined;
  const invalid = validateCommand(command);
  if (invalid !== undefined) return op === undefined ? { ok: false, error: invalid } : { ok: false, op, error: invalid };
  const c = command as IptasCommand;
  try {
    const handler = HANDLERS[c.op] as (engine: IptasEngine, command: IptasCommand) => CommandResultOf<IptasOp>;
    return { ok: true, op: c.op, result: handler(engine, c) } as CommandSuccess;
  } catch (err) {
    if (!(err instanceof FairfitError)) throw err;
    return { ok: false, op: c.op, error: { code: err.code, message: err.message, field: engineField(err) } };
  }
}

/**
 * {@link applyCommand} on one line of JSON text. Text that is not JSON gives a
 * `PARSE_ERROR` failure on field `command`.
 */
export function applyCommandLine(engine: IptasEngine, line: string): CommandResult {
  const text = readCommandText(line);
  return text.ok ? applyCommand(engine, text.command) : text;
}
