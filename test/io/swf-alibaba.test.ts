/**
 * The SWF and Alibaba 2018 readers read the real logs (outside the
 * repository; skipped without them) with their published counts and hand-checked rows, and skip and count bad lines
 * of seeded generated files; the layouts archive logs may have (tabs, CRLF, fractional times) read as
 * docs/model.md decides, and a byte-order mark before an SWF header is skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { detectTraceFormat } from '../../src/io/detect.ts';
import { readSwf } from '../../src/io/swf.ts';
import { readAlibabaMachines } from '../../src/io/alibaba.ts';
import { Rng } from '../../src/rng.ts';

const TRACES = join(import.meta.dirname, '../../../shared/traces');
const SWF = join(TRACES, 'swf-nasa-ipsc-1993/NASA-iPSC-1993-3.1-cln.swf.gz');
const ALI = join(TRACES, 'alibaba2018');
const HAVE = existsSync(SWF) && existsSync(ALI);
if (!HAVE) console.warn(`skipped: the real SWF / Alibaba samples are absent (${TRACES})`);

describe.skipIf(!HAVE)('real SWF and Alibaba samples', () => {
  it('reads the NASA iPSC SWF log: 18,239 jobs, hand-checked first job', async () => {
    const r = await readSwf(SWF);
    expect(r.summary.skipped).toBe(0);
    expect(r.tasks.count).toBe(18239);
    expect(r.source!.maxProcs).toBe(128);
    // line "1 0 -1 1451 128 -1 -1 -1 -1 -1 -1 1 1 -1 -1 -1 -1 -1"
    expect([r.tasks.jobId[0], r.tasks.submit[0], r.tasks.duration[0], r.tasks.cpuRequest[0], r.tasks.memRequest[0]]).toEqual([1, 0, 1451e6, 1, 0]);
    // job 4: "4 6269 -1 10927 128 ... user 2"
    expect([r.tasks.submit[3], r.tasks.duration[3], r.tasks.user![3]]).toEqual([6269e6, 10927e6, 1]);
    // processors are powers of two ≤ 128 → requests k/128
    for (let i = 0; i < r.tasks.count; i++) if (!Number.isInteger(r.tasks.cpuRequest[i]! * 128)) throw new Error(`job ${i}`);
  });

  it('reads Alibaba machine_meta and machine_usage: 4,034 machines, 100,002 usage rows', async () => {
    const r = await readAlibabaMachines(ALI);
    expect(r.summary.skipped).toBe(0);
    expect(r.machines.count).toBe(17592);
    expect(r.machines.machines).toBe(4034);
    expect(r.usage!.count).toBe(100002);
    // machine_meta line 1: m_1,0,219,17,96,100,USING — first row of a machine is its ADD
    expect([r.machines.machineNumber[0], r.machines.time[0], r.machines.type[0], r.machines.cpu[0], r.machines.mem[0]]).toEqual([1, 0, 0, 1, 1]);
    // line 2: m_1,148984,... — a later row of the same machine is an UPDATE
    expect([r.machines.machine[1], r.machines.time[1], r.machines.type[1]]).toEqual([0, 148984e6, 2]);
    const u = r.usage!;
    // usage sorted by machine then time; machine_usage line 1: m_1932,386640,41,92,,,43.04,33.08,5
    const m1932 = Array.from(r.machines.machineNumber).indexOf(1932);
    const rows = [];
    for (let k = 0; k < u.count; k++) if (u.machine[k] === m1932) rows.push(k);
    expect(rows.length).toBe(3325);
    const k = rows[0]!;
    expect([u.time[k], u.cpu[k], u.mem[k], u.diskIo[k]]).toEqual([386640e6, 0.41, 0.92, 0.05]);
    expect(u.mkpi[k]).toBeNaN();
    for (let j = 1; j < u.count; j++) if (u.machine[j]! < u.machine[j - 1]! || (u.machine[j] === u.machine[j - 1] && u.time[j]! < u.time[j - 1]!)) throw new Error(`unsorted at ${j}`);
  });
});

describe('bad lines in generated SWF / Alibaba files', () => {
  // Made before the first test: made while the file was collected, it stayed when the suite was skipped
  // (a -t that selects none of its tests), since a skipped suite runs no afterAll.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairfit-swf-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('skips and counts them, keeps the valid rows, and strict mode stops at the first', async () => {
    const r = new Rng(4);
    const lines = ['; Version: 2.2', '; MaxProcs: 64', ';'];
    for (let j = 1; j <= 500; j++) {
      const f = Array.from({ length: 18 }, () => -1);
      f[0] = j;
      f[1] = j * 10;
      f[3] = r.below(1000);
      f[4] = 1 << r.below(7);
      f[11] = r.below(5);
      lines.push('  ' + f.join('   '));
    }
    lines.splice(10, 0, '  7 70 -1 5 2'); // line 11: 5 fields
    lines.splice(20, 1, lines[20]!.replace(/^(\s*\d+\s+)\d+/, '$1x9')); // line 21: non-numeric submit
    const f = join(dir, 'log.swf.gz');
    writeFileSync(f, gzipSync(lines.join('\n')));
    const got = await readSwf(f);
    expect(got.tasks.count).toBe(499);
    expect(got.summary.skipped).toBe(2);
    expect(got.summary.firstProblems).toEqual([`${f}:11: wrong column count: 5 fields, expected 18`, `${f}:21: field 2 (submit) is not a number`]);
    expect(got.source!.maxProcs).toBe(64);
    await expect(readSwf(f, { strict: true })).rejects.toMatchObject({ code: 'PARSE_ERROR', message: `${f}:11: wrong column count: 5 fields, expected 18` });

    const ali = join(dir, 'ali');
    mkdirSync(ali);
    writeFileSync(join(ali, 'machine_meta.csv'), 'm_1,0,1,2,96,100,USING\nm_2,0,1,2,48,50,USING\nm_3,zz,1,2,96,100,USING\n');
    writeFileSync(join(ali, 'machine_usage.csv'), 'm_2,20,50,60,,,1,2,101\nm_2,10,40,30,,,1,2,-1\nm_1,10,5,6\n');
    const a = await readAlibabaMachines(ali);
    expect(a.machines.count).toBe(2);
    expect(Array.from(a.machines.cpu)).toEqual([1, 0.5]);
    expect(a.usage!.count).toBe(2);
    expect(Array.from(a.usage!.time)).toEqual([10e6, 20e6]); // sorted by time within the machine
    expect(a.usage!.diskIo[0]).toBeNaN(); // −1 and 101 are the trace's invalid values
    expect(a.usage!.diskIo[1]).toBeNaN();
    expect(a.summary.skipped).toBe(2);
    await expect(readAlibabaMachines(join(dir, 'none'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    // Only bad machine_meta rows: NO_DATA naming the folder and the first problem, not an empty table.
    const bad = join(dir, 'ali-bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'machine_meta.csv'), 'm_1,zz,1,2,96,100,USING\n');
    await expect(readAlibabaMachines(bad)).rejects.toMatchObject({ code: 'NO_DATA', message: expect.stringContaining(`no valid machine_meta rows in ${bad}: 1 line skipped; first: ${join(bad, 'machine_meta.csv')}:1:`) });
  });
});

describe('the layout of archive logs (docs/model.md, "Archive logs beyond NASA iPSC")', () => {
  // Made before the first test: made while the file was collected, it stayed when the suite was skipped
  // (a -t that selects none of its tests), since a skipped suite runs no afterAll.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairfit-swf-layout-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads tabs and runs of spaces, CRLF, fractional times, 2.0 processors and a last line without newline; a blank line and 2.5 processors are bad lines', async () => {
    const f = join(dir, 'layout.swf');
    const lines = [
      '; Version: 2.2', // no MaxProcs: the largest job
      '\t1\t0\t-1\t10.5\t4\t3.25\t-1\t4\t20\t-1\t1\t1\t1\t-1\t-1\t-1\t-1\t-1',
      '',
      '2    5   0   7  2.0  -1 -1 -1 -1 -1 1 2 1 -1 -1 -1 -1 -1   ',
      '3 6 0 7 2.5 -1 -1 -1 -1 -1 1 2 1 -1 -1 -1 -1 -1',
      '4 8.5 -1 1 8 -1 -1 -1 -1 -1 1 2 1 -1 -1 -1 -1 -1',
    ];
    writeFileSync(f, lines.join('\r\n'));
    const got = await readSwf(f);
    expect(Array.from(got.tasks.jobId)).toEqual([1, 2, 4]);
    expect(Array.from(got.tasks.submit)).toEqual([0, 5e6, 8.5e6]);
    expect(Array.from(got.tasks.duration)).toEqual([10.5e6, 7e6, 1e6]);
    expect(got.source!.maxProcs).toBe(8);
    expect(Array.from(got.tasks.cpuRequest)).toEqual([0.5, 0.25, 1]);
    expect(got.summary.firstProblems).toEqual([`${f}:3: empty line`, `${f}:5: field 5 (procs) must be an integer, got 2.5`]);
    await expect(readSwf(f, { strict: true })).rejects.toMatchObject({ code: 'PARSE_ERROR', message: `${f}:3: empty line` });
  });
});

describe('a UTF-8 byte-order mark before an SWF header', () => {
  // Made before the first test: made while the file was collected, it stayed when the suite was skipped
  // (a -t that selects none of its tests), since a skipped suite runs no afterAll.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairfit-swf-bom-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is skipped by the MaxProcs header and by the format detection, as by the line reader', async () => {
    // Saved by an editor: the mark, then `; MaxProcs:` on line 1; no .swf in the name.
    const f = join(dir, 'joblog.txt');
    const job = (j: number) => `${j} ${10 * j} -1 60 2 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1`;
    writeFileSync(f, '\ufeff; MaxProcs: 8\r\n; Version: 2.2\r\n' + job(1) + '\r\n' + job(2) + '\r\n');
    const got = await readSwf(f);
    expect(got.tasks.count).toBe(2);
    expect(got.source!.maxProcs).toBe(8);
    expect(Array.from(got.tasks.cpuRequest)).toEqual([0.25, 0.25]);
    expect(await detectTraceFormat(f)).toEqual({ format: 'swf', reason: "first line starts with ';'" });
  });
});

/** An SWF job line: the fields given, then −1 (unknown) up to the 18. */
const line = (f: number[]): string => [...f, ...Array(18 - f.length).fill(-1)].join(' ');

describe('a checkpointed job in an SWF log (docs/model.md, "Checkpointed jobs")', () => {
  // Made before the first test: made while the file was collected, it stayed when the suite was skipped
  // (a -t that selects none of its tests), since a skipped suite runs no afterAll.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairfit-swf-ckpt-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is one task, its summary line: the reader leaves out its partial lines and counts them', async () => {
    const path = join(dir, 'ckpt.swf');
    // job, submit, wait, run, procs, cpu, usedMem, reqProcs, reqTime, reqMem, status, user
    writeFileSync(path, ['; MaxProcs: 8',
      line([1, 0, 0, 30, 4, -1, -1, -1, -1, -1, 1, 1]), // summary: 30 s
      line([1, 0, 0, 10, 4, -1, -1, -1, -1, -1, 2, 1]), // part 1
      line([1, 0, 20, 20, 4, -1, -1, -1, -1, -1, 3, 1]), // part 2 (last, completed): ends at 40
      line([2, 5, 0, -1, -1, -1, -1, -1, -1, -1, 5, 2]), // cancelled, run unknown
      line([3, 9, 0, 5, 2, -1, -1, -1, -1, -1, 2, 1]), // parts without a summary: kept
      line([3, 9, 5, 5, 2, -1, -1, -1, -1, -1, 3, 1]),
    ].join('\n') + '\n');
    const r = await readSwf(path);
    expect(r.summary.rows).toBe(6);
    expect(r.tasks.count).toBe(4);
    expect(Array.from(r.tasks.jobId)).toEqual([1, 2, 3, 3]);
    expect(Array.from(r.tasks.status)).toEqual([1, 5, 2, 3]);
    expect(Array.from(r.tasks.duration)).toEqual([30e6, 0, 5e6, 5e6]);
    expect(Array.from(r.tasks.submit)).toEqual([0, 5e6, 9e6, 9e6]);
    // The window ends with the kept lines (job 1's summary: 30 s), not with job 1's part 2 (20 + 20 = 40 s).
    expect(r.end).toBe(30e6);
    expect(r.source).toMatchObject({ jobs: 4, droppedPartialLines: 2, unknownRunTime: 1 });
  });

  it('changes nothing in a log without partial lines (no droppedPartialLines key)', async () => {
    const path = join(dir, 'plain.swf');
    writeFileSync(path, [line([1, 0, 0, 30, 4]), line([2, 1, 0, 10, 2])].join('\n') + '\n');
    const r = await readSwf(path);
    expect(r.tasks.count).toBe(2);
    expect(r.source).not.toHaveProperty('droppedPartialLines');
  });
});

describe('an SWF job whose processors the log does not give (docs/model.md, "Archive logs beyond NASA iPSC")', () => {
  // Made before the first test: made while the file was collected, it stayed when the suite was skipped
  // (a -t that selects none of its tests), since a skipped suite runs no afterAll.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairfit-swf-procs-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uses 1 processor and is counted in source.unknownProcessors (−1 or 0 in both processor fields)', async () => {
    const path = join(dir, 'procs.swf');
    // job, submit, wait, run, procs, cpu, usedMem, reqProcs
    writeFileSync(path, ['; MaxProcs: 16',
      line([1, 0, 0, 10, -1, -1, -1, -1]), // neither: unknown
      line([2, 1, 0, 10, 0, -1, -1, 0]), // 0 in both: unknown
      line([3, 2, 0, 10, -1, -1, -1, 4]), // requested 4: known
      line([4, 3, 0, 10, 2, -1, -1, -1]), // allocated 2: known
    ].join('\n') + '\n');
    const r = await readSwf(path);
    expect(Array.from(r.tasks.cpuRequest)).toEqual([1 / 16, 1 / 16, 4 / 16, 2 / 16]);
    expect(r.source).toMatchObject({ jobs: 4, unknownProcessors: 2 });
  });

  it('is not mentioned in a log that gives every job its processors (no unknownProcessors key)', async () => {
    const path = join(dir, 'known.swf');
    writeFileSync(path, ['; MaxProcs: 16', line([1, 0, 0, 10, 2]), line([2, 1, 0, 10, -1, -1, -1, 3])].join('\n') + '\n');
    const r = await readSwf(path);
    expect(r.source).not.toHaveProperty('unknownProcessors');
  });
});

describe("an SWF log's machine size without a MaxProcs header (docs/model.md, \"Archive logs beyond NASA iPSC\")", () => {
  // Made before the first test: made while the file was collected, it stayed when the suite was skipped
  // (a -t that selects none of its tests), since a skipped suite runs no afterAll.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairfit-swf-maxnodes-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const jobLine = (j: number, procs: number) => [j, j, 0, 10, procs, ...Array(13).fill(-1)].join(' ');
  const read = async (name: string, header: string[], procs: number[]) => {
    const path = join(dir, `${name}.swf`);
    writeFileSync(path, [...header, ...procs.map((p, k) => jobLine(k + 1, p))].join('\n') + '\n');
    return readSwf(path);
  };

  it('is MaxNodes when MaxProcs is absent or 0 (SWF before 2.1 gives only MaxNodes), and the source says so', async () => {
    const r = await read('nodes', ['; Version: 2.0', '; MaxNodes: 16'], [4, 2]);
    expect(r.source).toMatchObject({ maxProcs: 16, maxProcsFrom: 'MaxNodes' });
    expect(Array.from(r.tasks.cpuRequest)).toEqual([0.25, 0.125]);
    const zero = await read('zero', ['; MaxProcs: 0', '; MaxNodes: 16'], [4, 2]);
    expect(zero.source).toMatchObject({ maxProcs: 16, maxProcsFrom: 'MaxNodes' });
  });

  it('is MaxProcs when both are given (MaxNodes counts nodes, MaxProcs processors): no maxProcsFrom key, as before', async () => {
    const r = await read('both', ['; MaxNodes: 8', '; MaxProcs: 32'], [4, 2]);
    expect(r.source!.maxProcs).toBe(32);
    expect(r.source).not.toHaveProperty('maxProcsFrom');
  });

  it('is the largest job without either header, or when a job is wider than MaxNodes (its fields then count processors of multi-processor nodes)', async () => {
    const none = await read('none', ['; Version: 2.2'], [4, 2]);
    expect(none.source).toMatchObject({ maxProcs: 4, maxProcsFrom: 'largest job' });
    const wider = await read('wider', ['; MaxNodes: 2'], [8, 2]);
    expect(wider.source).toMatchObject({ maxProcs: 8, maxProcsFrom: 'largest job' });
    expect(Array.from(wider.tasks.cpuRequest)).toEqual([1, 0.25]);
  });
});

describe('an SWF log without header comments and without .swf in its name (standard input is spooled to such a file)', () => {
  // Made before the first test: made while the file was collected, it stayed when the suite was skipped
  // (a -t that selects none of its tests), since a skipped suite runs no afterAll.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairfit-swf-bare-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is detected by its first line: 18 numbers separated by whitespace (tabs, CRLF and fractional times as archive logs have them), plain or gzip', async () => {
    const text = '1\t0 -1 60.5 2 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1\r\n2 10 -1 60 2 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1\r\n';
    const plain = join(dir, 'joblog');
    const gz = join(dir, 'joblog-gz');
    writeFileSync(plain, text);
    writeFileSync(gz, gzipSync(text));
    const reason = 'first line holds the 18 numbers of an SWF job';
    expect(await detectTraceFormat(plain)).toEqual({ format: 'swf', reason });
    expect(await detectTraceFormat(gz)).toEqual({ format: 'swf', reason });
  });

  it('is not taken for a Google task_events line (commas), nor for 17 or 19 numbers, nor for a word among the 18', async () => {
    const cases = [
      '600000000,,1,0,,0,u1,0,0,0.1,0.1,0,0',
      Array(17).fill(1).join(' '),
      Array(19).fill(1).join(' '),
      [...Array(17).fill(1), 'x'].join(' '),
    ];
    for (const [k, line] of cases.entries()) {
      const f = join(dir, `other-${k}`);
      writeFileSync(f, line + '\n');
      expect(await detectTraceFormat(f), line).toEqual({ format: 'google', reason: 'file (task_events)' });
    }
  });
});
