/**
 * What a merge holds of its parts while they arrive, kept small.
 *
 * Parts of a run split by cells come back from the workers in any order, and
 * the merge needs two things of all of them:
 * - the per-cell series (`PartialRun.cellPt`), summed over cells in cell order:
 *   `PartCollector` folds each part into the run's point sums as soon as the
 *   parts before it are in (the merge's additions, in its order), and drops it;
 * - every machine's utilisation at every series point (`PartialRun.machPt`), the
 *   input of the per-point Gini: on a big trace the largest thing a run holds
 *   (12.5k machines × 320 points × 8 bytes = 32 MB a policy, 256 MB for eight
 *   in lockstep). Past `SERIES_SPILL.bytes` for one merge, each part's values go
 *   to a temporary file as it arrives (`SpilledPoints`), and the merge reads
 *   them back in blocks of `POINT_BLOCK` points.
 * Either way the merge sees the same values in the same order: the same bits.
 *
 * @module
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { FairfitError } from '../../errors.ts';
import { onFile, type TempFolder } from '../../io/temp-files.ts';
import { foldCells, NPT, type PartialRun } from './merge.ts';
import type { PreparedReplay } from './prepare.ts';
import { dropSpares, giveBack, pointRows } from './spare-points.ts';

/**
 * Above this many bytes of machine × point values held by one merge (all the
 * policies merged together), the parts' values go to a file as they arrive
 * (tests set it to 0; a batch's worker tasks get this thread's value). `spilled`
 * counts the parts written so far by this thread and its batches' worker tasks.
 */
export const SERIES_SPILL = { bytes: 64 << 20, spilled: 0 };

/** Points per block read by the merge: machines × 64 × 8 bytes at once (6.4 MB for 12.5k machines). */
export const POINT_BLOCK = 64;

/**
 * A series file in `folder` for each of `runs` runs of `prepared` (its policies in lockstep) run in
 * `parts` parts, when their machine × point values are past `SERIES_SPILL` (one part: nothing to
 * gain, its values are whole when it ends); the caller adds each part's values as it arrives and
 * disposes of them (`disposeAll`). `budget`: `SERIES_SPILL.bytes` of the thread that planned the batch.
 */
export function seriesFiles(prepared: PreparedReplay, runs: number, parts: number, folder: TempFolder, budget = SERIES_SPILL.bytes): SpilledPoints[] | undefined {
  if (parts < 2 || prepared.keepPoints === false || runs * prepared.machines * prepared.points * 8 <= budget) return undefined;
  const files: SpilledPoints[] = [];
  try {
    for (let i = 0; i < runs; i++) files.push(new SpilledPoints(folder.next('points'), prepared.points));
  } catch (err) {
    disposeAll(files);
    throw err;
  }
  return files;
}

/** Closes and removes series files (none: nothing), and lets go of the arrays their parts gave back. */
export function disposeAll(files: SpilledPoints[] | undefined): void {
  files?.forEach((f) => f.dispose());
  if (files) dropSpares();
}

/** The values of the merge, block by block. */
export interface PointBlocks {
  /**
   * Writes the values of points [p0, p1) of every machine into `dst`, machine-major
   * (machine m's points at m·(p1 − p0)): a block starts at a multiple of `POINT_BLOCK`
   * and ends at the next one or at the last point.
   */
  read(p0: number, p1: number, dst: Float64Array): void;
}

/** Points in the block that starts at point `p0`. */
function blockWidth(p0: number, points: number): number {
  return Math.min(POINT_BLOCK, points - p0);
}

/** Copies points [p0, p0 + w) of each of `machines` rows of `src` (rows of `points`) into `dst` from `at`, machine-major. */
function copyBlock(src: Float64Array, machines: number, points: number, p0: number, w: number, dst: Float64Array, at: number): void {
  for (let m = 0; m < machines; m++) {
    const row = m * points + p0;
    dst.set(src.subarray(row, row + w), at + m * w);
  }
}

/** The parts' values where they are (`machPt`, in memory). */
export function pointsInMemory(parts: PartialRun[], points: number): PointBlocks {
  return {
    read(p0, p1, dst) {
      const w = p1 - p0;
      let at = 0;
      for (const part of parts) {
        copyBlock(part.machPt, part.machines, points, p0, w, dst, at);
        at += part.machines * w;
      }
    },
  };
}

/**
 * One run's values in a temporary file: `add` writes a part's block by block
 * (parts may arrive in any order) and empties its `machPt`; `read` gives them back
 * in machine order, one `pread` a part and block, straight into the caller's array.
 */
export class SpilledPoints implements PointBlocks {
  private readonly fd: number;
  private end = 0;
  /** Per part index: where its values start in the file and how many machines it has. */
  private readonly at: { pos: number; machines: number }[] = [];
  private closed = false;

  constructor(private readonly file: string, private readonly points: number) {
    this.fd = onFile(file, 'cannot make the series file', () => openSync(file, 'w+'));
  }

  /** Writes part `index`'s values (its `machPt`) and lets go of them. */
  add(index: number, part: PartialRun): void {
    const P = this.points, nM = part.machines;
    if (part.machPt.length !== nM * P) throw new FairfitError('INVALID_OPTION', `parts[${index}] has ${part.machPt.length} machine × point values, expected ${nM} × ${P}`, { field: 'parts', index });
    const buf = pointRows(nM * P);
    let at = 0;
    for (let p0 = 0; p0 < P; p0 += POINT_BLOCK) {
      const w = blockWidth(p0, P);
      copyBlock(part.machPt, nM, P, p0, w, buf, at);
      at += nM * w;
    }
    const bytes = new Uint8Array(buf.buffer, 0, buf.byteLength);
    const pos = this.end;
    onFile(this.file, 'cannot write the series file', () => {
      for (let done = 0; done < bytes.length;) done += writeSync(this.fd, bytes, done, bytes.length - done, pos + done);
    });
    this.end += bytes.length;
    this.at[index] = { pos, machines: nM };
    giveBack(buf);
    giveBack(part.machPt);
    part.machPt = new Float64Array(0);
    SERIES_SPILL.spilled++;
  }

  read(p0: number, p1: number, dst: Float64Array): void {
    const P = this.points, w = p1 - p0;
    if (p0 % POINT_BLOCK !== 0 || w !== blockWidth(p0, P)) throw new RangeError(`points [${p0}, ${p1}) are not a block of ${POINT_BLOCK}`);
    let at = 0;
    for (let i = 0; i < this.at.length; i++) {
      const part = this.at[i];
      if (!part) throw new FairfitError('INVALID_OPTION', `parts[${i}] has no values in the series file`, { field: 'parts', index: i });
      // A part's blocks before p0 are POINT_BLOCK wide each.
      const pos = part.pos + part.machines * p0 * 8;
      const view = new Uint8Array(dst.buffer, dst.byteOffset + at * 8, part.machines * w * 8);
      onFile(this.file, 'cannot read the series file', () => {
        for (let done = 0; done < view.length;) {
          const n = readSync(this.fd, view, done, view.length - done, pos + done);
          if (n === 0) throw new Error(`ends at ${pos + done}`);
          done += n;
        }
      });
      at += part.machines * w;
    }
    // Every part added: the merge's machines, no more, no fewer.
    if (at !== dst.length) throw new FairfitError('INVALID_OPTION', `the series file holds ${at / w} machines, the merge has ${dst.length / w}`, { field: 'parts' });
  }

  /** Closes and removes the file. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.file, { force: true });
  }
}

/**
 * The parts of runs in lockstep (one preparation under several policies, split into `ranges`
 * ranges of cells) as they arrive in any order: each run's per-cell series folded into its point
 * sums once the parts before it are in (each part then carries the sums so far, `pointSums`, as a
 * fold in one thread leaves them), and the machine × point values spilled past `SERIES_SPILL`.
 */
export class PartCollector {
  private readonly got: (PartialRun[] | undefined)[];
  private readonly sums: Float64Array[] | undefined;
  private folded = 0;
  private readonly points: number;
  /** Where each run's machine × point values are, when spilled (for `mergeRunsInLockstep`). */
  readonly spills: SpilledPoints[] | undefined;

  constructor(prepared: PreparedReplay, runs: number, ranges: number, folder: TempFolder) {
    this.got = Array.from({ length: ranges }, () => undefined);
    this.points = prepared.points;
    const P = prepared.keepPoints === false ? 0 : prepared.points;
    this.sums = P > 0 ? Array.from({ length: runs }, () => new Float64Array(P * NPT)) : undefined;
    this.spills = seriesFiles(prepared, runs, ranges, folder);
  }

  /** Range `index`'s parts, one a run in run order. */
  add(index: number, parts: PartialRun[]): void {
    if (this.sums) {
      for (const part of parts) {
        const want = part.count * this.points * NPT;
        if (part.cellPt.length !== want) throw new FairfitError('INVALID_OPTION', `parts[${index}] has ${part.cellPt.length} per-cell series values, expected ${part.count} cells × ${this.points} points × ${NPT}`, { field: 'parts', index });
      }
    }
    this.spills?.forEach((spill, i) => spill.add(index, parts[i]!));
    this.got[index] = parts;
    for (let next = this.got[this.folded]; next !== undefined && this.sums; next = this.got[++this.folded]) {
      for (let i = 0; i < next.length; i++) {
        const part = next[i]!, sums = this.sums[i]!;
        foldCells(sums, part, this.points);
        part.cellPt = new Float64Array(0);
        part.pointSums = sums.slice();
      }
    }
  }

  /** Every range's parts in range order, or undefined while one is missing. */
  complete(): PartialRun[][] | undefined {
    return this.got.every((p) => p !== undefined) ? (this.got as PartialRun[][]) : undefined;
  }

  /** Removes the spill files. */
  dispose(): void {
    disposeAll(this.spills);
  }
}
