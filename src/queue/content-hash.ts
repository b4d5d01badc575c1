/**
 * Naming a trace by its content: the SHA-256 over the regular files under a
 * path (all of them, or the list of relative paths a reader actually read),
 * in sorted relative-path order, each as its path, its size and its bytes. Coordinator and workers hash their own copies;
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

async function statEntry(root: string, rel: string): Promise<Entry> {
  const abs = rel === '' ? root : join(root, ...rel.split('/'));
  try {
    const s = await stat(abs);
    if (!s.isFile()) throw new Error('not a file');
    return { rel, abs, size: s.size, mtimeMs: s.mtimeMs };
  } catch (err) {
    throw new FairfitError('FILE_NOT_FOUND', `trace ${root}: ${rel === '' ? 'the file' : rel} not found`, { file: abs }, { cause: err });
  }
}

/** `files`: relative paths ('/'-separated; '' is `root` itself when it is a file); default every file under `root`. */
async function listFiles(root: string, files?: readonly string[]): Promise<Entry[]> {
  if (files) {
    const out = await Promise.all([...new Set(files)].map((rel) => statEntry(root, rel)));
    return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  }
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

/**
 * Hex SHA-256 of the content under `path` (a folder or a file): of the files
 * `files` names (relative to `path`), or of every file under it.
 *
 * @throws FairfitError `FILE_NOT_FOUND`.
 */
export async function contentHash(path: string, files?: readonly string[]): Promise<string> {
  return hashEntries(await listFiles(path, files));
}

/** The paths of `files` relative to `root`, '/'-separated, as {@link contentHash} takes them. */
export function relativeFiles(root: string, files: readonly string[]): string[] {
  return files.map((f) => relative(root, f).split(sep).join('/'));
}

/**
 * {@link contentHash} that remembers its answers while the files' names,
 * sizes and modification times stay the same (a worker checks its copy for
 * every job; reading gigabytes again each time would cost more than the job).
 */
export class ContentHashCache {
  private readonly known = new Map<string, { signature: string; hash: string }>();

  async hash(path: string, files?: readonly string[]): Promise<string> {
    const entries = await listFiles(path, files);
    const signature = entries.map((e) => `${e.rel}\u0000${e.size}\u0000${e.mtimeMs}`).join('\u0001');
    const key = `${path}\u0000${files ? 'some' : 'all'}`;
    const hit = this.known.get(key);
    if (hit && hit.signature === signature) return hit.hash;
    const hash = await hashEntries(entries);
    this.known.set(key, { signature, hash });
    return hash;
  }
}
