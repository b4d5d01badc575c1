/**
 * Which reader a trace path needs, decided from the path and the first line so
 * the commands (`fairfit schedule`, `fairfit inspect`) can take any SWF log of
 * the Parallel Workloads Archive or a Google 2011 folder without a `--format`
 * option, also when the name says nothing (standard input, spooled to a file).
 *
 * @module
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkPath, FairfitError } from '../errors.ts';
import { fileHead } from './csv/file-chunks.ts';

/** Trace formats the detector tells apart. */
export type DetectedFormat = 'swf' | 'google' | 'alibaba';

/** What {@link detectTraceFormat} chose, and why (a few words for messages). */
export interface Detection {
  format: DetectedFormat;
  reason: string;
}

/** The first non-empty line of a file (plain or gzip), read from its first 64 KiB. */
async function firstLine(path: string): Promise<string> {
  const head = await fileHead(path, { enough: (h) => /\S[^\n]*\n/.test(h) });
  return head.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

/**
 * True when `line` is an SWF job line: 18 numbers separated by whitespace. A Google 2011
 * task_events line has 13 fields separated by commas, so it never is one.
 */
function isSwfJobLine(line: string): boolean {
  const fields = line.split(/\s+/);
  return fields.length === 18 && fields.every((f) => f !== '' && Number.isFinite(Number(f)));
}

/**
 * Detects the format of a trace path:
 * - a file whose name ends `.swf` or `.swf.gz` → SWF;
 * - a file whose first non-empty line starts with `;` (an SWF header comment) → SWF;
 * - a file whose first non-empty line is 18 numbers separated by whitespace (an SWF job
 *   line: a log without header comments, whose name need not say SWF) → SWF;
 * - a folder with a `task_events/` folder → Google 2011;
 * - a folder with `machine_meta*.csv[.gz]` files and no `task_events/` → Alibaba 2018;
 * - anything else → Google 2011 (a `task_events` folder or file on its own, as
 *   `readGoogleTrace` accepts it).
 * A missing path throws `FILE_NOT_FOUND`.
 */
export async function detectTraceFormat(path: string): Promise<Detection> {
  checkPath(path, 'path');
  if (!existsSync(path)) throw new FairfitError('FILE_NOT_FOUND', `${path}: no such file or folder`, { file: path });
  const st = statSync(path);
  if (st.isDirectory()) {
    if (existsSync(join(path, 'task_events'))) return { format: 'google', reason: 'folder with task_events/' };
    if (readdirSync(path).some((n) => /^machine_meta.*\.csv(\.gz)?$/.test(n))) return { format: 'alibaba', reason: 'folder with machine_meta files' };
    return { format: 'google', reason: 'folder (task_events part files)' };
  }
  if (/\.swf(\.gz)?$/i.test(path)) return { format: 'swf', reason: 'file name ends .swf or .swf.gz' };
  const first = await firstLine(path);
  if (first.startsWith(';')) return { format: 'swf', reason: "first line starts with ';'" };
  if (isSwfJobLine(first)) return { format: 'swf', reason: 'first line holds the 18 numbers of an SWF job' };
  return { format: 'google', reason: 'file (task_events)' };
}
