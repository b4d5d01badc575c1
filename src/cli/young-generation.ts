/**
 * The `fairfit` command's V8 setting: the young generation kept at its first size.
 *
 * Why: a trace read makes few JavaScript objects but much text (gunzip's
 * Buffers, ≈ 7.5 MB for every 65,536 rows). That text is freed only when a
 * collection finds its Buffer objects dead, and with a young generation grown
 * to V8's largest semi-space a collection comes rarely, so the dead text piles
 * up and the peak RSS grows with the trace's length (docs/results.md, "What
 * sets the length series' 1×→4× step"). With the semi-space kept at its first
 * size, scavenges come every MiB or so and the peak follows what is live.
 * Measured (docs/results.md): the length series' peak RSS falls from
 * 111 / 141 / 171 to 96–103 / 109–116 / 141–142 MiB (1× / 4× / 16×), with the
 * same JSON and no measurable change of time, on replays or `schedule`.
 *
 * Only the command sets it, never the library: a host application chooses
 * its own heap. A V8 flag is the whole process's, and `--max-semi-space-size`
 * works only on the command line (set at run time it does nothing), so the
 * entry sets the growth factor, read at each growth, before it loads anything
 * else: loading the program alone grows the young generation to 8 MiB, which
 * V8 does not give back. (On the command line Node 20's V8 does not take a
 * factor of 1; set at run time it keeps it: test/cli/young-generation.test.ts
 * checks that on the built CLI.) A user's own semi-space flags (on the command
 * line or in NODE_OPTIONS) are left alone.
 *
 * @module
 */
import { setFlagsFromString } from 'node:v8';
import { userGaveFlag } from './user-flags.ts';

/** V8's semi-space flags: when the user set any of them, the command keeps theirs. */
const USER_FLAG = /--(?:max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor/;

/** Whether the user already chose the young generation's size (`execArgv`, then NODE_OPTIONS). */
export function userSetYoungGeneration(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return userGaveFlag(USER_FLAG, execArgv, nodeOptions);
}

/** Keeps V8's young generation at its first size for the rest of the process, unless the user set it. */
export function keepYoungGenerationSmall(): void {
  if (userSetYoungGeneration(process.execArgv, process.env.NODE_OPTIONS)) return;
  setFlagsFromString('--semi-space-growth-factor=1');
}
