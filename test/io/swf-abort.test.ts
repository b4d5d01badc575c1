/**
 * A Ctrl-C (an aborted signal) while an SWF log is read stops the read at its next batch, in
 * `readSwf` and through `replay` and `scheduleLog` (they read the whole log first before); `scheduleLog`
 * stops a Google folder's read too.
 * Seeded generated logs, plain and gzip, several MB so that the read waits for the file between batches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FairfitError } from '../../src/errors.ts';
import { generateTrace } from '../../src/io/generate.ts';
import { readSwf } from '../../src/io/swf.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import { scheduleLog } from '../../src/systems/iptas/schedule-log.ts';
import { rejection } from '../rejection.ts';
import { swfText } from '../swf-log.ts';

// Made (with the logs) before the first test: made while the file was collected, the folder stayed when every
// test was skipped (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
let plain = '';
let gz = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-swf-abort-'));
  const text = swfText(120_000);
  plain = join(dir, 'big.swf');
  gz = join(dir, 'big.swf.gz');
  writeFileSync(plain, text);
  writeFileSync(gz, gzipSync(text));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const reason = (): FairfitError => new FairfitError('ABORTED', 'interrupted by SIGINT');

/** Starts `read` with a signal aborted on the next turn of the event loop (the read is then waiting for the file). */
function abortedSoon<T>(read: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const c = new AbortController();
  const p = read(c.signal);
  setImmediate(() => c.abort(reason()));
  return p;
}

describe('an abort stops an SWF read at its next batch', () => {
  it('readSwf rejects with the signal\'s reason (plain and gzip); not aborted, it reads every job', async () => {
    for (const path of [plain, gz]) {
      const e = await rejection(abortedSoon((signal) => readSwf(path, { signal, batchRows: 4096 })));
      expect(e.code).toBe('ABORTED');
      const whole = await readSwf(path, { signal: new AbortController().signal, batchRows: 4096 });
      expect(whole.tasks.count).toBe(120_000);
    }
  });

  it('replay on an SWF log: no runs, the trace marked unread, interrupted', async () => {
    const r = await abortedSoon((signal) => replay({ trace: gz, machines: 64, policies: ['no_migration'], signal }));
    expect(r.interrupted).toBe(true);
    expect(r.runs).toEqual([]);
    expect(r.trace).toMatchObject({ path: gz, read: false });
  });

  it('scheduleLog on an SWF log rejects with the signal\'s reason before scheduling anything', async () => {
    let progress = 0;
    const e = await rejection(abortedSoon((signal) => scheduleLog({ trace: gz, nodes: 64, algorithms: ['fcfs'], signal, onProgress: () => progress++ })));
    expect(e.code).toBe('ABORTED');
    expect(e.message).toBe('interrupted by SIGINT while the log was read: nothing was scheduled, no output written');
    expect(progress).toBe(0);
  });

  it('scheduleLog stops a Google folder\'s read too', async () => {
    const google = join(dir, 'google');
    await generateTrace({ machines: 40, tasks: 20_000, days: 0.2, seed: 3, out: google, usageParts: 1 });
    const e = await rejection(abortedSoon((signal) => scheduleLog({ trace: google, nodes: 40, algorithms: ['fcfs'], signal })));
    expect(e.code).toBe('ABORTED');
  });
});
