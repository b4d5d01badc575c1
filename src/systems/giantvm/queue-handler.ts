/**
 * The GiantVM handler of `fairfit worker`: runs the queue jobs a GiantVM
 * coordinator enqueued (src/systems/giantvm/queue-plan.ts) on this machine's
 * piscina pool. The trace is named by path and content hash: the worker reads
 * its own copy at that path (a relative path from its working directory),
 * checks the hash of the files the coordinator read first, and refuses the
 * job (a `refusal`: handed back untried, for a worker with the right copy) with
 * a reason naming both hashes when they differ (or when its reader would read
 * other files, or it has no copy). The trace and the last preparation are kept between jobs.
 *
 * @module
 */
import { resolve } from 'node:path';
import { FairfitError } from '../../errors.ts';
import type { ReplayInput } from '../../model/tasks.ts';
import { ContentHashCache, relativeFiles } from '../../queue/content-hash.ts';
import { refusal } from '../../queue/protocol.ts';
import type { QueueHandler } from '../../queue/queue-worker.ts';
import { toShared } from '../../runner/share.ts';
import type { TaskOutcome, ReplayTask } from './jobs.ts';
import { prepareResolved, withPolicy, type CellRange, type PartialRun, type PreparedReplay } from './replay.ts';
import { replayWorkers, SYSTEM } from './replay-pool.ts';
import type { ResolvedParams } from './replay-params.ts';
import { policyGroups } from './policy-groups.ts';
import { loadTrace, type TraceReadOptions } from './trace.ts';
import type { RunResult } from './types.ts';

/** The trace of a queue job: where each machine finds its copy, and what its content must hash to. */
export interface TraceSpec {
  /** As the coordinator was given it; a relative path is taken from each worker's working directory. */
  path: string;
  /** The files the coordinator's reader read, relative to `path` (what the hash covers). */
  files: string[];
  /** `contentHash` of those files in the coordinator's copy. */
  hash: string;
  read: TraceReadOptions;
  needs: { usage: boolean; machineEvents: boolean };
}

/**
 * A GiantVM queue job: whole configurations (`run`), a range of cells of one (`cells`), or a range
 * of cells of a policy group, its policies in lockstep (`lockstep`: configurations that differ only in policy).
 */
export type GiantvmQueueJob =
  | { kind: 'run'; trace: TraceSpec; params: ResolvedParams[]; series: boolean }
  | { kind: 'cells'; trace: TraceSpec; params: ResolvedParams; cells: CellRange }
  | { kind: 'lockstep'; trace: TraceSpec; params: ResolvedParams[]; cells: CellRange };

/** What a GiantVM queue job gives back: the runs of a `run` job, the partial run of a `cells` job, one per policy of a `lockstep` job. */
export type GiantvmQueueResult = RunResult[] | PartialRun | PartialRun[];

/** The GiantVM queue handler, on a pool of `threads` worker threads. */
export function giantvmQueueHandler(threads: number): QueueHandler {
  const pool = replayWorkers(threads);
  const hashes = new ContentHashCache();
  /** The last trace read: in shared memory, or the files this copy's reader read when they are not the coordinator's. */
  let trace: { key: string; input: Promise<{ input: ReplayInput } | { otherFiles: string[] }> } | undefined;
  let prepared: { key: string; prepared: Promise<PreparedReplay> } | undefined;

  /** `run`: what the coordinator runs (a job's kind says it), as the refusals name its trace. */
  async function input(spec: TraceSpec, run: 'sweep' | 'replay'): Promise<{ input: ReplayInput; key: string }> {
    const abs = resolve(spec.path);
    // A copy missing, differing or with other files is this worker's to mend: refused, not failed
    // (the job goes back untried for a worker that has the coordinator's copy).
    const hash = await hashes.hash(abs, spec.files).catch((err: unknown) => {
      if (err instanceof FairfitError && err.code === 'FILE_NOT_FOUND') throw refusal('trace', `this worker cannot read the ${run}'s trace ${spec.path}: ${err.message}; give this machine the coordinator's copy`, { file: err.details.file ?? abs });
      throw err;
    });
    if (hash !== spec.hash) {
      throw refusal('trace', `this worker's copy ${abs} has content hash ${hash}, but the ${run}'s trace ${spec.path} has ${spec.hash}; give this machine the coordinator's copy`, { file: abs });
    }
    const key = JSON.stringify([abs, spec.hash, spec.read, spec.needs]);
    if (trace?.key !== key) {
      // One trace at a time, in shared memory; jobs arriving together wait for the same read.
      const loading = loadTrace(abs, spec.needs, spec.read).then((t) => {
        // The hash covers the files the coordinator read; this copy must not make the reader read others.
        const read = relativeFiles(abs, (t.source?.files as string[] | undefined) ?? []);
        return JSON.stringify(read) === JSON.stringify(spec.files) ? { input: toShared(t) } : { otherFiles: read };
      });
      trace = { key, input: loading };
      loading.catch(() => {
        if (trace?.input === loading) trace = undefined;
      });
    }
    const entry = trace;
    const loaded = await entry.input;
    if ('otherFiles' in loaded) {
      // Refused by each job that awaited this read (each naming its own run); a mended copy is read again.
      if (trace === entry) trace = undefined;
      throw refusal('trace', `this worker's copy ${abs} has other files to read (${loaded.otherFiles.join(', ')}) than the ${run}'s trace ${spec.path} (${spec.files.join(', ')})`, { file: abs });
    }
    return { input: loaded.input, key };
  }

  async function preparedFor(spec: TraceSpec, params: ResolvedParams): Promise<PreparedReplay> {
    // Cell ranges are a replay's jobs (a sweep's are whole configurations).
    const { input: data, key: traceKey } = await input(spec, 'replay');
    const { policy, ...rest } = params;
    const key = `${traceKey}\u0000${JSON.stringify(rest)}`;
    if (prepared?.key !== key) {
      // Consecutive cell jobs of one configuration, or of its other policies, prepare once.
      const making = Promise.resolve().then(() => toShared(prepareResolved(data, params)));
      prepared = { key, prepared: making };
      making.catch(() => {
        if (prepared?.prepared === making) prepared = undefined;
      });
    }
    return withPolicy(await prepared.prepared, policy);
  }

  return {
    async run(payload: unknown): Promise<GiantvmQueueResult> {
      const job = payload as GiantvmQueueJob;
      if (job.kind === 'run') {
        const { input: data, key } = await input(job.trace, 'sweep');
        const o = await pool.runJob<Extract<TaskOutcome, { kind: 'run' }>, ReplayTask>(SYSTEM, { kind: 'run', index: 0, params: job.params, input: data, traceId: key, series: job.series });
        return job.series ? o.results : o.results.map((r) => ({ ...r, series: {} }));
      }
      if (job.kind === 'cells') {
        const p = await preparedFor(job.trace, job.params);
        const o = await pool.runJob<Extract<TaskOutcome, { kind: 'cells' }>, ReplayTask>(SYSTEM, { kind: 'cells', index: 0, prepared: p, cells: job.cells });
        return o.part;
      }
      if (job.kind === 'lockstep') {
        const lead = job.params[0];
        if (!lead || policyGroups(job.params).length !== 1) throw new FairfitError('INVALID_OPTION', 'job: a lockstep job needs configurations that differ only in their policy', { field: 'params' });
        const p = await preparedFor(job.trace, lead);
        const o = await pool.runJob<Extract<TaskOutcome, { kind: 'lockstep' }>, ReplayTask>(SYSTEM, { kind: 'lockstep', index: 0, prepared: p, policies: job.params.map((x) => x.policy), cells: job.cells });
        return o.parts;
      }
      throw new FairfitError('INVALID_OPTION', `job: unknown GiantVM queue job kind '${String((job as { kind?: unknown }).kind)}'`, { field: 'kind' });
    },
    async close() {
      await pool.close();
    },
  };
}
