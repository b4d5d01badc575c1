/**
 * Temporary files of a run: a folder under `os.tmpdir()` (so `TMPDIR` chooses
 * the disk, as for any Node tool) made when first needed and removed with
 * everything in it, and file-system calls whose failures become `IO_ERROR`.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FairfitError } from '../errors.ts';

/** Runs a file-system call on `path`, its failure (ENOSPC, EACCES, ENOENT…) as `IO_ERROR` naming the file. */
export function onFile<T>(path: string, what: string, call: () => T): T {
  try {
    return call();
  } catch (err) {
    if (err instanceof FairfitError) throw err;
    throw new FairfitError('IO_ERROR', `${what} ${path}: ${(err as Error).message}`, { file: path }, { cause: err });
  }
}

/** A folder `<prefix>*` under `os.tmpdir()`, made when the first file name is asked for. */
export class TempFolder {
  private dir: string | undefined;
  private files = 0;
  constructor(private readonly prefix: string, private readonly what: string) {}
  /** A new file name in the folder (`<name>-<n>.bin`). */
  next(name: string): string {
    const parent = tmpdir();
    this.dir ??= onFile(parent, `cannot make a folder for ${this.what} in`, () => mkdtempSync(join(parent, this.prefix)));
    return join(this.dir, `${name}-${this.files++}.bin`);
  }
  /** Removes the folder and everything in it (nothing when it was never made). */
  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
