/**
 * Whether the user gave a V8 or Node flag themselves: the command's own V8 settings
 * (young-generation.ts, worker-optimisation.ts) then leave theirs alone.
 *
 * @module
 */

/** Whether `flag` matches one of `execArgv` or the text of NODE_OPTIONS. */
export function userGaveFlag(flag: RegExp, execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return execArgv.some((a) => flag.test(a)) || flag.test(nodeOptions ?? '');
}
