/**
 * What the JSON commands of the embeddable objects share — the IPTAS `Engine` (`apply`,
 * `applyLine`, `applyCommand`) and Docklet's `VirtualClusters` (`apply`, `applyLine`), and so
 * `fairfit clusters` and the hosts that speak JSON lines: the error a refused command answers
 * with, and the reading of one line of text. It imports no system.
 *
 * @module
 */
import type { FairfitErrorCode } from './errors.ts';

/** Why a command was refused; the object that refused it is unchanged. */
export interface CommandError {
  /**
   * Stable code: `INVALID_OPTION` for a schema violation (or an unknown name), `PARSE_ERROR` for text that
   * is not JSON, else the code of the call that refused it (Docklet's `NO_FIT`, `QUOTA_EXCEEDED`…).
   */
  code: FairfitErrorCode;
  /** Human-readable, naming the field (`command.demand[1] must be >= 0, got -1`). */
  message: string;
  /** The field at fault as a path from the command: `command`, `command.op`, `command.hosts[1].id`… */
  field: string;
}

/** A refused command (the Docklet answer adds `dryRun` when the command was a dry run). */
export interface CommandFailure {
  ok: false;
  /** The command's `op`, when it had a string one (even an unknown one). */
  op?: string;
  error: CommandError;
}

/** One line of command text read as JSON: its value, or the `PARSE_ERROR` refusal that answers it (no `op`). */
export type CommandText = { ok: true; command: unknown } | { ok: false; error: CommandError };

/** Reads one line of command text (`JSON.parse`); text that is not JSON is refused on field `command`. */
export function readCommandText(line: string): CommandText {
  try {
    return { ok: true, command: JSON.parse(line) as unknown };
  } catch (err) {
    return { ok: false, error: { code: 'PARSE_ERROR', message: `command is not valid JSON: ${(err as Error).message}`, field: 'command' } };
  }
}
