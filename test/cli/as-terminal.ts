/**
 * A CLI run on pipes whose progress bar is still drawn: node's arguments that
 * preload stderr-as-terminal.cjs, and a wait for a point of the run on the bar.
 * A test that stops a run part-way waits for that point (a run finished, an
 * algorithm done) instead of sleeping for a time a loaded machine may not keep.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Node arguments to put before the CLI's script. */
export const AS_TERMINAL = ['--require', fileURLToPath(new URL('./stderr-as-terminal.cjs', import.meta.url))];

/** Resolves once what `child` wrote on stderr (from now on) matches `re`; rejects if it exits first. */
export function stderrReaches(child: ChildProcess, re: RegExp): Promise<void> {
  let text = '';
  return new Promise((resolve, reject) => {
    const look = (d: Buffer) => {
      text += d.toString();
      if (!re.test(text)) return;
      child.stderr!.off('data', look);
      child.off('exit', early);
      resolve();
    };
    const early = () => reject(new Error(`exited before ${re} was on stderr:\n${text}`));
    child.stderr!.on('data', look);
    child.once('exit', early);
  });
}
