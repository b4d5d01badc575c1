/**
 * Writing output files: the one place the report writers touch the file
 * system. A file is written under a temporary name beside its target and
 * renamed, so a failed or interrupted write never leaves half a file;
 * {@link writeAll} extends that to several files (all renamed at the end, or
 * none). Folders are created one level at a time (never `mkdir -p`: a
 * recursive mkdir under `/proc` does not return), and every failure is a
 * `FairfitError('OUTPUT_ERROR')` naming the path.
 *
 * @module
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { checkPath, FairfitError } from '../errors.ts';

function outputError(path: string, what: string, e?: unknown): FairfitError {
  const reason = e instanceof Error ? ((e as NodeJS.ErrnoException).code ?? e.message) : '';
  return new FairfitError('OUTPUT_ERROR', `${path}: ${what}${reason ? ` (${reason})` : ''}`, { file: path }, { cause: e });
}

/** The folders from the nearest existing ancestor of `dir` down to `dir` that do not exist yet, outermost first. */
function missingFolders(dir: string): string[] {
  const missing: string[] = [];
  let d = resolve(dir);
  while (!existsSync(d)) {
    missing.unshift(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  if (existsSync(d) && !statSync(d).isDirectory()) throw outputError(d, 'is not a folder');
  return missing;
}

/** Creates `dir` and any missing parents, one plain `mkdir` each; returns the folders it created, outermost first. */
export function makeFolder(dir: string): string[] {
  const made: string[] = [];
  for (const d of missingFolders(dir)) {
    try {
      mkdirSync(d);
      made.push(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw outputError(d, 'cannot create this folder', e);
    }
  }
  return made;
}

/** Removes the folders `makeFolder` created (innermost first) that are still empty; the others stay. */
export function removeEmptyFolders(made: readonly string[]): void {
  for (let k = made.length - 1; k >= 0; k--) {
    try {
      rmdirSync(made[k]!);
    } catch {
      // Not empty (something else was put there) or already gone: left as it is.
    }
  }
}

/** A temporary name beside `path`. */
function tempName(path: string): string {
  return `${path}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
}

/**
 * Checks, before any work, that `path` can be written as a file: it is not a
 * folder, device or pipe, and its folder exists or can be created and takes a new file (a
 * probe file is created and removed; folders created for the probe are
 * removed again). Throws `OUTPUT_ERROR` naming the path.
 */
export function checkOutputFile(path: string): void {
  if (existsSync(path)) {
    const st = statSync(path);
    if (st.isDirectory()) throw outputError(path, 'is a folder; give a file name');
    // Outputs are renamed into place: renaming over a device (/dev/null, /dev/stdout) or a pipe would replace it.
    if (!st.isFile()) throw outputError(path, 'is not a regular file (a device, pipe or socket); give a file name');
  }
  const dir = dirname(resolve(path));
  const created = missingFolders(dir);
  try {
    makeFolder(dir);
    const probe = tempName(resolve(path));
    try {
      closeSync(openSync(probe, 'wx'));
    } catch (e) {
      throw outputError(path, 'cannot write in this folder', e);
    }
    unlinkSync(probe);
  } finally {
    for (const d of created.reverse()) {
      try {
        rmdirSync(d);
      } catch {
        // not created after all, or no longer empty: leave it
      }
    }
  }
}

/** Writes `text` to `path` (UTF-8) through a temporary file beside it, creating the folder if needed. */
export function writeTextFile(path: string, text: string): void {
  // `writeJson(undefined, …)` was Node's TypeError; '' an OUTPUT_ERROR naming no path.
  checkPath(path, 'path');
  makeFolder(dirname(resolve(path)));
  const tmp = tempName(path);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw outputError(path, 'cannot write this file', e);
  }
}

/** The temporary files of one all-or-nothing write, beside their targets: renamed together, or removed. */
class Staged {
  private readonly staged: [tmp: string, path: string][] = [];
  private readonly done: string[] = [];
  /** Paths staged so far. */
  get count(): number {
    return this.staged.length;
  }
  /** A temporary name beside `path` (its folder created). */
  add(path: string): string {
    makeFolder(dirname(resolve(path)));
    const tmp = tempName(path);
    this.staged.push([tmp, path]);
    return tmp;
  }
  /** Renames every temporary file to its target; returns the targets. */
  commit(): string[] {
    for (const [tmp, path] of this.staged) {
      try {
        renameSync(tmp, path);
      } catch (e) {
        throw outputError(path, 'cannot write this file', e);
      }
      this.done.push(path);
    }
    return this.done;
  }
  /** Removes the temporary files, and the targets of a commit that failed midway. */
  discard(): void {
    for (const [tmp] of this.staged) {
      try {
        unlinkSync(tmp);
      } catch {
        // renamed or never written
      }
    }
    for (const path of this.done) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Writes several files all-or-nothing: each `write(tmp)` writes its content
 * to a temporary name beside its target; only when every one succeeded are
 * they renamed into place. On a failure the temporary files are removed and
 * no target is touched (a rename that fails midway removes the files already
 * renamed, so none is left from this call). Returns the paths written.
 */
export function writeAll(files: readonly [path: string, write: (tmp: string) => void][]): string[] {
  const staged = new Staged();
  try {
    for (const [path, write] of files) {
      const tmp = staged.add(path);
      try {
        write(tmp);
      } catch (e) {
        // The writer names the temporary file it was given; the user gave `path`.
        if (e instanceof FairfitError && e.code === 'OUTPUT_ERROR') throw outputError(path, 'cannot write this file', e.cause);
        throw e;
      }
    }
    return staged.commit();
  } catch (e) {
    staged.discard();
    throw e instanceof FairfitError ? e : outputError(files[staged.count - 1]?.[0] ?? '', 'cannot write this file', e);
  }
}

/** {@link writeAll} of texts: each `render()` written (UTF-8) to its file in turn, all renamed at the end or none. */
export function writeTexts(files: readonly [path: string, render: () => string][]): string[] {
  return writeAll(files.map(([path, render]) => [path, (tmp: string) => writeFileSync(tmp, render())]));
}

/**
 * {@link writeTexts} that `signal` stops: the texts are written asynchronously
 * (in chunks, so a signal handler runs meanwhile); once `signal` is aborted no
 * file is renamed, the temporary ones are removed, and it rejects with the
 * signal's reason. The renames follow the last check of `signal` without a
 * turn of the event loop: a handler cannot run between them.
 */
export async function writeTextsUntil(files: readonly [path: string, render: () => string][], signal: AbortSignal): Promise<string[]> {
  const staged = new Staged();
  try {
    for (const [path, render] of files) {
      signal.throwIfAborted();
      const tmp = staged.add(path);
      try {
        await writeFile(tmp, render(), { signal });
      } catch (e) {
        if (signal.aborted) throw signal.reason;
        throw e instanceof FairfitError ? e : outputError(path, 'cannot write this file', e);
      }
    }
    signal.throwIfAborted();
    return staged.commit();
  } catch (e) {
    staged.discard();
    throw e;
  }
}
