/**
 * Accounting of skipped input: a {@link Problems} collector counts bad lines
 * and corrupt gzip files and keeps the first positions (or throws at the
 * first one in strict mode); {@link ReadSummary} is what a reader reports of
 * it with its files and rows.
 *
 * @module
 */
import { checkBooleanOption, FairfitError, plural } from '../../errors.ts';

/** How many positions of bad input a summary keeps. */
export const MAX_PROBLEMS = 10;

/** Counts skipped input and keeps the first positions as `file:line: reason`. */
export class Problems {
  /** Lines skipped (bad lines, plus the partial line lost in a corrupt gzip). */
  skipped = 0;
  /** Files cut short by a corrupt or truncated gzip. */
  corruptFiles = 0;
  /** The first {@link MAX_PROBLEMS} problems, `file:line: reason`. */
  readonly first: string[] = [];
  /** `strict`: throw at the first problem instead of counting it. */
  constructor(readonly strict = false) {
    // Every reader makes one from its `strict` option: 'no' (truthy) read strictly.
    checkBooleanOption(strict, 'strict');
  }

  /** Records a bad line; throws `PARSE_ERROR` in strict mode. */
  badLine(file: string, line: number, reason: string): void {
    const msg = `${file}:${line}: ${reason}`;
    if (this.strict) throw new FairfitError('PARSE_ERROR', msg, { file, line });
    this.skipped++;
    if (this.first.length < MAX_PROBLEMS) this.first.push(msg);
  }

  /** Records a corrupt/truncated gzip; throws `CORRUPT_INPUT` in strict mode. */
  corrupt(file: string, line: number, reason: string, cause?: unknown): void {
    const msg = `${file}:${line}: corrupt or truncated gzip (${reason}); rows before this line are kept`;
    if (this.strict) throw new FairfitError('CORRUPT_INPUT', `${file}: corrupt or truncated gzip after line ${line - 1}: ${reason}`, { file, line }, { cause });
    this.corruptFiles++;
    this.skipped++;
    if (this.first.length < MAX_PROBLEMS) this.first.push(msg);
  }
}

/** What a read skipped and where, plus the count of corrupt files. */
export interface ReadSummary {
  /** Files read, in order. */
  files: string[];
  /** Valid rows read (all tables). */
  rows: number;
  /** Lines skipped (bad lines and lines lost to a corrupt gzip). */
  skipped: number;
  /** The first problems, `file:line: reason`. */
  firstProblems: string[];
  /** Files cut short by a corrupt or truncated gzip (their earlier rows are kept). */
  corruptFiles?: number;
}

/** The {@link ReadSummary} of `files` (`rows` valid rows) with the problems counted so far. */
export function readSummary(files: string[], rows: number, p: Problems): ReadSummary {
  return { files, rows, skipped: p.skipped, firstProblems: [...p.first], corruptFiles: p.corruptFiles };
}

/** `NO_DATA`: `what: N lines skipped; first: …` (`file`: the file or folder that held no data, in the details). */
export function noData(what: string, problems: Problems, file?: string): FairfitError {
  const first = problems.first.length > 0 ? `; first: ${problems.first.slice(0, 3).join(' | ')}` : '';
  return new FairfitError('NO_DATA', `${what}: ${problems.skipped} line${problems.skipped === 1 ? '' : 's'} skipped${problems.corruptFiles ? ` (${problems.corruptFiles} corrupt file${problems.corruptFiles === 1 ? '' : 's'})` : ''}${first}`, { skipped: problems.skipped, ...(file !== undefined ? { file } : {}) });
}

/**
 * The share `ratio` of lines skipped, above `limit`, in percent for the refusal: one decimal, more
 * while that would read 0 or not above the limit (2 of 5300 lines against a limit of 0.0001 read
 * "0.0 %"; 0.29001 against 0.29 "29.0 %").
 */
export function skippedPercent(ratio: number, limit: number): string {
  for (let digits = 1; digits <= 20; digits++) {
    const shown = (100 * ratio).toFixed(digits);
    if (Number(shown) / 100 > limit) return shown;
  }
  return String(100 * ratio);
}

/**
 * Refuses a trace whose damage exceeds `maxSkipped` (undefined: no limit): more than that fraction
 * of its lines skipped (`PARSE_ERROR`), or, below 1, a truncated or corrupt file, whose lost rows are
 * not counted (`CORRUPT_INPUT`). The replay's and the schedule's `--max-skipped`.
 */
export function checkDamage(path: string, s: ReadSummary, maxSkipped: number | undefined): void {
  if (maxSkipped === undefined) return;
  const lines = s.rows + s.skipped;
  const ratio = lines > 0 ? s.skipped / lines : 0;
  const first = s.firstProblems.length > 0 ? `; first: ${s.firstProblems.slice(0, 3).join(' | ')}` : '';
  if (ratio > maxSkipped) {
    throw new FairfitError('PARSE_ERROR', `${path}: ${s.skipped} of ${plural(lines, 'line')} skipped (${skippedPercent(ratio, maxSkipped)} %), more than the limit ${maxSkipped} (--max-skipped)${first}`, { file: path, skipped: s.skipped });
  }
  if ((s.corruptFiles ?? 0) > 0 && maxSkipped < 1) {
    throw new FairfitError('CORRUPT_INPUT', `${path}: ${plural(s.corruptFiles ?? 0, 'file')} truncated or corrupt; the rows after the damage are lost and not counted (--max-skipped 1 replays what was read)${first}`, { file: path });
  }
}
