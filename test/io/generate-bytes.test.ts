/**
 * The generator's default bytes do not move: for a few option sets (ties at the
 * snapshot's time 0, jobs whose tasks share a submit time, the smallest trace —
 * one task, since a trace without tasks is refused —, the long-run tail, another
 * gzip level) every file hashes to what the generator
 * wrote before task_events were ordered by radix sort and merge instead of a
 * comparator sort (hashes computed with commit 12cb3a5, the comparator-sort
 * version). Any change of event order, draw or format fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import { generateTrace, type GenerateOptions } from '../../src/io/generate.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fairfit-gen-bytes-'));
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const TE = 'task_events/part-00000-of-00001.csv.gz';
const ME = 'machine_events/part-00000-of-00001.csv.gz';
const TU = 'task_usage/part-00000-of-00001.csv.gz';

const cases: [Omit<GenerateOptions, 'out'>, Record<string, number>, Record<string, string>][] = [
  [
    { machines: 40, tasks: 1500, days: 0.25, seed: 12345 },
    { task_events: 3043, machine_events: 40, task_usage: 32789 },
    {
      [TE]: 'e5382a9e6527cc064d3f8c45a7d5a7e5eaf3c08379d96047af6fb1c795dd0fca',
      [ME]: '94404c5c8727f95275221530d4d564e2837a5b3aeb2756e26e23e14fa5532c76',
      [TU]: '502f2e1a1c8d920325f055a64a4319dd60bd2923e2e72fb761f1b5036176f18f',
    },
  ],
  [
    { machines: 1, tasks: 1, days: 0.01, seed: 1 },
    { task_events: 3, machine_events: 1, task_usage: 1 },
    {
      [TE]: 'b53998cc998428a856edf05010644fe6333f21e925122b593bd128fc84f9d361',
      [ME]: '3035f3369d6f4e4ec08b079c7ec958d38062cde2db04e79b0e97adfaa74a45bf',
      [TU]: '9d0447b91c956101c3b71450fe1818f5d4f2f82cdaaec2ec981255682f96e9b0',
    },
  ],
  [
    { machines: 3, tasks: 7, days: 0.02, seed: -5, usage: false },
    { task_events: 15, machine_events: 3 },
    {
      [TE]: '16510c25085566dea73d0f0f6895d75128a1a799443d9bf0579c2ac1be6267d3',
      [ME]: 'ea3b85e40b7ff91703902718bfe4ec3cc1ed6c7d0aaabca1d641d5f4fc167636',
    },
  ],
  [
    { machines: 200, tasks: 20000, days: 6, seed: 7, usage: false, longRunMeanDays: 2 },
    { task_events: 59632, machine_events: 200 },
    {
      [TE]: '4b48e58229f68eb160aae2d8b24b819c01572a13050bb2ecb1212ad8ef217a06',
      [ME]: 'c1b2185cffda3941d98280b8a02714e95f274def65431719ed7908e1955d6b29',
    },
  ],
  [
    { machines: 500, tasks: 60000, days: 3, seed: 99, usage: false, gzipLevel: 6 },
    { task_events: 171917, machine_events: 500 },
    {
      [TE]: 'feb61526526e5d439d744941fa041d5c61be917024fad14c12caa21c5f49aa6a',
      [ME]: 'a3fe18e7898e4de873203bd92d5d4e2491e4cc00be5e265583d185e997a0532d',
    },
  ],
];

describe('generateTrace default bytes', () => {
  for (const [k, [opts, rows, hashes]] of cases.entries()) {
    it(`are those of the comparator-sort generator: ${JSON.stringify(opts)}`, async () => {
      const out = join(root, String(k));
      const r = await generateTrace({ ...opts, out });
      expect(r.rows).toEqual(rows);
      const got = Object.fromEntries(r.files.map((f) => [relative(out, f), createHash('sha256').update(readFileSync(f)).digest('hex')]));
      expect(got).toEqual(hashes);
    });
  }
});
