/**
 * Temporary files of a run: a folder under `os.tmpdir()` (so `TMPDIR` chooses
 * the disk, as for any Node tool) made when first needed and removed with
 * everything in it, and file-system calls whose failures become `IO_ERROR`.
 * A process killed outright (SIGKILL, a second Ctrl-C) cannot remove its
 * folders: their names carry the host and the process id, and the next run
 * that makes a folder of the same kind removes the ones of dead processes.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FairfitError } from '../errors.ts';

/** This host's tag in folder names: a TMPDIR shared by machines must not lose another machine's live folders. */
export const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** Whether process `pid` of this host is alive (EPERM: alive, another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the folders `<prefix><host>-<pid>-*` under `parent` left by dead
 * processes of this host; returns their names. Others (live, another host's,
 * another name) stay; a folder that cannot be removed is left for the next sweep.
 */
export function sweepStale(parent: string, prefix: string): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const swept: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^([0-9a-f]{8})-(\d+)-[^-]+$/.exec(name.slice(prefix.length));
    if (!m || m[1] !== HOST_TAG) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || alive(pid)) continue;
    try {
      rmSync(join(parent, name), { recursive: true, force: true });
      swept.push(name);
    } catch {
      // Busy or not ours to remove: the next sweep tries again.
    }
  }
  return swept;
}

/** (TMPDIR, prefix) pairs already swept in this process (once is enough: later dead folders are other runs' to find). */
const sweptKinds = new Set<string>();

/** Runs a file-system call on `path`, its failure (ENOSPC, EACCES, ENOENT…) as `IO_ERROR` naming the file. */
export function onFile<T>(path: string, what: string, call: () => T): T {
  try {
    return call();
  } catch (err) {
    if (err instanceof FairfitError) throw err;
    throw new FairfitError('IO_ERROR', `${what} ${path}: ${(err as Error).message}`, { file: path }, { cause: err });
  }
}

/**
 * A folder `<prefix><host>-<pid>-*` under `os.tmpdir()`, made when the first file
 * name is asked for; the first one of a prefix in a process sweeps the stale ones (`sweepStale`).
 */
export class TempFolder {
  private dir: string | undefined;
  private files = 0;
  constructor(private readonly prefix: string, private readonly what: string) {}
  /** A new file name in the folder (`<name>-<n>.bin`). */
  next(name: string): string {
    const parent = tmpdir();
    if (this.dir === undefined) {
      const key = `${parent}\0${this.prefix}`;
      if (!sweptKinds.has(key)) {
        sweptKinds.add(key);
        sweepStale(parent, this.prefix);
      }
      this.dir = onFile(parent, `cannot make a folder for ${this.what} in`, () => mkdtempSync(join(parent, `${this.prefix}${HOST_TAG}-${process.pid}-`)));
    }
    return join(this.dir, `${name}-${this.files++}.bin`);
  }
  /** Removes the folder and everything in it (nothing when it was never made). */
  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
