/**
 * Naming a trace by its content: the SHA-256 over every regular file under a
 * path (or of the file itself), in sorted relative-path order, each as its
 * path, its size and its bytes. Coordinator and workers hash their own copies;
 * a worker refuses a job whose trace hash differs from its copy's, so a stale
 * or partial copy can never give silently wrong results.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { FairfitError } from '../errors.ts';

interface Entry {
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
}

async function listFiles(root: string): Promise<Entry[]> {
  let top;
  try {
    top = await stat(root);
  } catch (err) {
    throw new FairfitError('FILE_NOT_FOUND', `trace ${root} not found`, { file: root }, { cause: err });
  }
  if (top.isFile()) return [{ rel: '', abs: root, size: top.size, mtimeMs: top.mtimeMs }];
  const out: Entry[] = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (!e.isFile()) continue;
    const abs = join(e.parentPath, e.name);
    const s = await stat(abs);
    out.push({ rel: relative(root, abs).split(sep).join('/'), abs, size: s.size, mtimeMs: s.mtimeMs });
  }
  // Code-unit order: the same on every machine, whatever the locale.
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

async function hashEntries(entries: Entry[]): Promise<string> {
  const h = createHash('sha256');
  for (const e of entries) {
    h.update(`${e.rel}\u0000${e.size}\u0000`);
    for await (const chunk of createReadStream(e.abs)) h.update(chunk as Buffer);
  }
  return h.digest('hex');
}

/** Hex SHA-256 of the content under `path` (a folder or a file). @throws FairfitError `FILE_NOT_FOUND`. */
export async function contentHash(path: string): Promise<string> {
  return hashEntries(await listFiles(path));
}

/**
 * {@link contentHash} that remembers its answers while the files' names,
 * sizes and modification times stay the same (a worker checks its copy for
 * every job; reading gigabytes again each time would cost more than the job).
 */
export class ContentHashCache {
  private readonly known = new Map<string, { signature: string; hash: string }>();

  async hash(path: string): Promise<string> {
    const entries = await listFiles(path);
    const signature = entries.map((e) => `${e.rel}\u0000${e.size}\u0000${e.mtimeMs}`).join('\u0001');
    const hit = this.known.get(path);
    if (hit && hit.signature === signature) return hit.hash;
    const hash = await hashEntries(entries);
    this.known.set(path, { signature, hash });
    return hash;
  }
}
