/**
 * Validation of virtual-cluster commands against {@link DOCKLET_COMMAND_SCHEMA} (Ajv,
 * compiled once per process) and the shape of a command's answer. The manager
 * (`src/systems/docklet/virtual-clusters.ts`) validates every call this way, from JSON
 * (`apply`) or from its typed methods, so both refuse the same inputs with the same words.
 *
 * @module
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { fieldPath, shown, type FairfitErrorCode } from '../../errors.ts';
import { DOCKLET_COMMAND_SCHEMA, DOCKLET_OPS, type DockletCommand, type DockletOp } from './command-schema.ts';
import type { ClusterStatus, ClusterSummary, DeleteResult, DrainResult, HostView, QuotaView } from './model.ts';
import type { DockletSnapshot } from './snapshot.ts';

/** What each op returns. */
export interface DockletResults {
  addHosts: HostView[];
  removeHosts: HostView[];
  drainHosts: DrainResult;
  create: ClusterStatus;
  delete: DeleteResult;
  scale: ClusterStatus;
  stop: ClusterStatus;
  start: ClusterStatus;
  list: ClusterSummary[];
  status: ClusterStatus;
  quota: QuotaView;
  hosts: HostView[];
  snapshot: DockletSnapshot;
}

/** An accepted command: the op and the manager's answer (`dryRun: true` when the command was a dry run: nothing changed). */
export type DockletCommandSuccess<K extends DockletOp = DockletOp> = { [P in K]: { ok: true; op: P; dryRun?: true; result: DockletResults[P] } }[K];

/** Why a command was refused. */
export interface DockletCommandError {
  /** Stable code: `INVALID_OPTION` for a schema violation or an unknown name, `PARSE_ERROR` for bad JSON text, `NO_FIT`, `QUOTA_EXCEEDED`. */
  code: FairfitErrorCode;
  /** Human-readable, naming the field (`command.demand.cpu must be >= 0`). */
  message: string;
  /** The field at fault as a path from the command: `command`, `command.nodes`, `command.hosts[1].id`… */
  field: string;
}

/** A refused command; the manager is unchanged. */
export interface DockletCommandFailure {
  ok: false;
  /** The command's `op`, when it had a string one (even an unknown one). */
  op?: string;
  /** Present when the refused command was a dry run. */
  dryRun?: true;
  error: DockletCommandError;
}

/** The answer to one command, JSON-serialisable. */
export type DockletCommandResult = DockletCommandSuccess | DockletCommandFailure;

let compiled: ValidateFunction<DockletCommand> | undefined;

function validator(): ValidateFunction<DockletCommand> {
  compiled ??= new Ajv2020({ allErrors: true, discriminator: true, strict: true, strictNumbers: true })
    .compile<DockletCommand>(DOCKLET_COMMAND_SCHEMA as object);
  return compiled;
}

const OP_LIST = DOCKLET_OPS.join(', ');

/** Ajv's first error as a {@link DockletCommandError} naming the field from `root`. */
function schemaError(e: ErrorObject, command: unknown, root: string): DockletCommandError {
  const p = e.params as Record<string, unknown>;
  const path = (pointer: string, ...more: string[]): string => fieldPath(root, pointer, ...more);
  const at = path(e.instancePath);
  const op = (command as { op?: unknown }).op;
  const badOp = (field: string): DockletCommandError => ({
    code: 'INVALID_OPTION', message: `${field} must be one of ${OP_LIST}; ${op === undefined ? 'it is missing' : `got ${shown(op)}`}`, field,
  });
  if (e.instancePath === '/op') return badOp(at);
  switch (e.keyword) {
    case 'discriminator':
      return badOp(path(e.instancePath, 'op'));
    case 'required': {
      const field = path(e.instancePath, String(p.missingProperty));
      if (e.instancePath === '' && p.missingProperty === 'op') return badOp(field);
      return { code: 'INVALID_OPTION', message: `${field} is required`, field };
    }
    case 'additionalProperties': {
      const field = path(e.instancePath, String(p.additionalProperty));
      return { code: 'INVALID_OPTION', message: `${field} is not a field of ${e.instancePath === '' ? `op ${JSON.stringify(op)}` : at}`, field };
    }
    case 'enum':
      return { code: 'INVALID_OPTION', message: `${at} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, field: at };
    case 'type': {
      const t = String(p.type);
      const what = t === 'number' ? 'a finite number' : t === 'integer' ? 'an integer' : t === 'object' || t === 'array' ? `an ${t}` : `a ${t}`;
      return { code: 'INVALID_OPTION', message: `${at} must be ${what}, got ${shown(valueAt(command, e.instancePath))}`, field: at };
    }
    case 'minLength':
      return { code: 'INVALID_OPTION', message: `${at} must be a non-empty string`, field: at };
    case 'minimum': case 'exclusiveMinimum': case 'maximum':
      return { code: 'INVALID_OPTION', message: `${at} ${e.message ?? 'is out of range'}, got ${shown(valueAt(command, e.instancePath))}`, field: at };
    default:
      return { code: 'INVALID_OPTION', message: `${at} ${e.message ?? 'is invalid'}`, field: at };
  }
}

/** The value at a JSON pointer of `root` (for a message). */
function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const s of pointer === '' ? [] : pointer.slice(1).split('/')) v = (v as Record<string, unknown> | undefined)?.[s.replace(/~1/g, '/').replace(/~0/g, '~')];
  return v;
}

/**
 * Checks a value against {@link DOCKLET_COMMAND_SCHEMA} without applying it: `undefined` when it is a
 * valid command, else the first violation, its field named as a path from `root` (default `command`).
 */
export function validateDockletCommand(command: unknown, root = 'command'): DockletCommandError | undefined {
  const validate = validator();
  if (validate(command)) return undefined;
  // A misspelt field is named before the field it misspells is called missing ({ memory: 1 } lacks mem too).
  const first = validate.errors?.find((e) => e.keyword === 'additionalProperties') ?? validate.errors?.[0];
  return first === undefined ? { code: 'INVALID_OPTION', message: `${root} is invalid`, field: root } : schemaError(first, command, root);
}
