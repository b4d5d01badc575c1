/**
 * Validation of virtual-cluster commands against {@link DOCKLET_COMMAND_SCHEMA} (Ajv,
 * compiled once per process) and the shape of a command's answer. The manager
 * (`src/systems/docklet/virtual-clusters.ts`) validates every call this way, from JSON
 * (`apply`) or from its typed methods, so both refuse the same inputs with the same words.
 *
 * @module
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { CommandError, CommandFailure } from '../../command-answers.ts';
import { schemaFault } from '../../schema-errors.ts';
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

/** Why a command was refused: a {@link CommandError}, as the IPTAS engine's commands answer (the same three fields). */
export type DockletCommandError = CommandError;

/** A refused command; the manager is unchanged. A {@link CommandFailure}, marked when it was a dry run. */
export interface DockletCommandFailure extends CommandFailure {
  /** Present when the refused command was a dry run. */
  dryRun?: true;
}

/** The answer to one command, JSON-serialisable. */
export type DockletCommandResult = DockletCommandSuccess | DockletCommandFailure;

let compiled: ValidateFunction<DockletCommand> | undefined;

function validator(): ValidateFunction<DockletCommand> {
  compiled ??= new Ajv2020({ allErrors: false, verbose: true, discriminator: true, strict: true, strictNumbers: true })
    .compile<DockletCommand>(DOCKLET_COMMAND_SCHEMA as object);
  return compiled;
}

/**
 * Checks a value against {@link DOCKLET_COMMAND_SCHEMA} without applying it: `undefined` when it is a
 * valid command, else the first violation, its field named as a path from `root` (default `command`).
 */
export function validateDockletCommand(command: unknown, root = 'command'): DockletCommandError | undefined {
  const validate = validator();
  if (validate(command)) return undefined;
  const { field, why } = schemaFault(validate.errors, command, { root, ops: DOCKLET_OPS });
  return { code: 'INVALID_OPTION', message: `${field} ${why}`, field };
}
