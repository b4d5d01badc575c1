/**
 * The command line on damaged input never crashes or hangs. Seeded mutations
 * of a generated Google trace, of a small SWF log, and (when ../shared is
 * present) of the real Google and NASA extracts — byte flips, truncation at
 * every kind of boundary, columns added and removed, numbers replaced by huge,
 * negative, NaN-like and non-numeric text, header rows, CRLF, empty files,
 * gzip and cut gzip — each go through `fairfit inspect` and `fairfit replay`
 * as child processes with a time limit. Each must end in time with exit 0, 1
 * or 2 and no stack trace; inspect's counts must add up to the file's lines;
 * where the damaged lines are known (targeted mutations) exactly those lines
 * are skipped and the replay's runs equal the runs of the trace without them.
 * Wrong options and output paths get the same treatment.
 *
 * CI runs FAIRFIT_FUZZ_CASES (default 60) mutated traces, two child processes
 * each (120 runs), plus 35 option and path cases, about 60 s on 2 idle cores; set the variable higher for a longer search
 * (e.g. FAIRFIT_FUZZ_CASES=2000 npx vitest run test/fuzz).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJson } from '../../src/report/json.ts';
import { Rng } from '../../src/rng.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared/traces/', import.meta.url));
const CASES = Number(process.env.FAIRFIT_FUZZ_CASES ?? 60);
const SEED = Number(process.env.FAIRFIT_FUZZ_SEED ?? 12);
const LIMIT_MS = 60_000;
// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the CLI as a child process with a time limit. */
function fairfit(args: string[]): Promise<Run> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: LIMIT_MS, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 }));
  });
}

/** Runs `jobs` with at most `n` at a time, results in order. */
async function pool<T>(jobs: (() => Promise<T>)[], n: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

/** The same checks for every run: ended in time, a documented exit code, one-line errors without a stack trace. */
function checkRun(what: string, r: Run, codes: number[]): void {
  expect(r.signal, `${what}: killed after ${LIMIT_MS} ms`).toBeNull();
  expect(codes, `${what}: exit ${r.code}\n${r.stderr.slice(0, 600)}`).toContain(r.code);
  expect(r.stderr, what).not.toMatch(/internal error|\n\s+at .+:\d+:\d+\)?$/m);
  // fairfit's own errors name a code; commander's usage errors start with "error:".
  if (r.code !== 0) expect(r.stderr, what).toMatch(/^(fairfit: [A-Z_]+: |error: ).+/m);
}

// ---------- base traces (plain text lines) ----------

interface Base {
  name: string;
  format: 'google' | 'swf';
  lines: string[];
}

/** A small SWF log written here, so SWF is fuzzed even without ../shared. */
function syntheticSwf(rng: Rng): string[] {
  const lines = ['; Version: 2.2', '; MaxProcs: 64', ';'];
  let t = 0;
  for (let j = 1; j <= 120; j++) {
    t += rng.below(300);
    const p = 1 + rng.below(32);
    const run = 10 + rng.below(5000);
    lines.push([j, t, rng.below(600), run, p, -1, -1, p, run + rng.below(600), -1, 1, 1 + rng.below(9), 1, -1, 1, -1, -1, -1].join(' '));
  }
  return lines;
}

function textLines(buf: Buffer): string[] {
  const text = (buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf).toString('latin1');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

const bases: Base[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-fuzz-'));
  if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run \`npm run build\` first (npm test does)`);
  const gen = join(dir, 'gen');
  const r = await fairfit(['gen', '--out', gen, '--machines', '20', '--tasks', '150', '--days', '0.02', '--seed', '5', '--no-usage']);
  expect(r.code).toBe(0);
  bases.push({ name: 'generated', format: 'google', lines: textLines(readFileSync(join(gen, 'task_events/part-00000-of-00001.csv.gz'))) });
  bases.push({ name: 'synthetic swf', format: 'swf', lines: syntheticSwf(new Rng(SEED)) });
  const google = join(SHARED, 'google2011/task_events/part-00000-of-00500.csv.gz');
  const nasa = join(SHARED, 'swf-nasa-ipsc-1993/NASA-iPSC-1993-3.1-cln.swf.gz');
  if (existsSync(google)) bases.push({ name: 'real google', format: 'google', lines: textLines(readFileSync(google)).slice(0, 300) });
  if (existsSync(nasa)) bases.push({ name: 'real nasa', format: 'swf', lines: textLines(readFileSync(nasa)).slice(0, 300) });
  else console.warn(`fuzz: the real trace extracts are absent (../shared), fuzzing generated traces only`);
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---------- mutations ----------

/** Values that fail every checked field of the first columns: too large, negative, not finite, not numbers. */
const INVALID = ['1e308', '9e18', '-1', '-5e9', 'NaN', 'Infinity', '-inf', '1e999', 'abc', '0x10', '1.2.3', '--1', '12a', '"7"'];

interface Mutant {
  kind: string;
  /** File bytes. */
  bytes: Buffer;
  /** The lines the file holds after the mutation (for accounting), or undefined when the bytes are a cut gzip. */
  lines?: string[];
  /** Indexes (in `lines`) of the lines made invalid on purpose; the others are unchanged valid lines. */
  invalid?: number[];
  gzipCut?: boolean;
}

/** A field (0-based) that every format checks and a targeted value must break. */
function checkedField(format: Base['format'], rng: Rng): number {
  // Google: time, jobId, taskIndex, eventType, priority, cpuRequest; SWF: job, submit (status −1 is valid).
  const g = [0, 2, 3, 5, 8, 9];
  const s = [0, 1];
  const list = format === 'google' ? g : s;
  return list[rng.below(list.length)]!;
}

function splitFields(line: string, format: Base['format']): string[] {
  return format === 'google' ? line.split(',') : line.trim().split(/\s+/);
}
function joinFields(fields: string[], format: Base['format']): string {
  return fields.join(format === 'google' ? ',' : ' ');
}
function dataLines(b: Base): number[] {
  return b.lines.flatMap((l, i) => (l.trim() === '' || l.trim().startsWith(';') ? [] : [i]));
}

function mutate(b: Base, rng: Rng): Mutant {
  const kinds = ['flip', 'cut', 'cutLine', 'addColumn', 'dropColumn', 'number', 'header', 'crlf', 'empty', 'gzip', 'gzipCut', 'blank'] as const;
  const kind = kinds[rng.below(kinds.length)]!;
  const lines = [...b.lines];
  const text = (ls: string[]) => Buffer.from(ls.join('\n') + '\n', 'latin1');
  const pick = (n: number): number[] => {
    const data = dataLines(b);
    const set = new Set<number>();
    while (set.size < Math.min(n, data.length)) set.add(data[rng.below(data.length)]!);
    return [...set].sort((x, y) => x - y);
  };
  switch (kind) {
    case 'flip': {
      const bytes = text(lines);
      for (let k = 1 + rng.below(8); k > 0; k--) bytes[rng.below(bytes.length)] = rng.below(256);
      return { kind, bytes, lines: textLines(bytes) };
    }
    case 'cut': {
      // Anywhere: mid-number, mid-line, at a separator, at a line end.
      const full = text(lines);
      const bytes = full.subarray(0, rng.below(full.length + 1));
      return { kind, bytes, lines: textLines(bytes) };
    }
    case 'cutLine': {
      // Exactly at a line boundary, with or without its newline.
      const k = rng.below(lines.length + 1);
      const bytes = Buffer.from(lines.slice(0, k).join('\n') + (rng.below(2) ? '\n' : ''), 'latin1');
      return { kind, bytes, lines: textLines(bytes) };
    }
    case 'addColumn':
    case 'dropColumn':
    case 'number': {
      const at = pick(1 + rng.below(6));
      for (const i of at) {
        const f = splitFields(lines[i]!, b.format);
        if (kind === 'addColumn') f.push(String(rng.below(100)));
        else if (kind === 'dropColumn') f.splice(rng.below(f.length), 1);
        else f[checkedField(b.format, rng)] = INVALID[rng.below(INVALID.length)]!;
        lines[i] = joinFields(f, b.format);
      }
      return { kind, bytes: text(lines), lines, invalid: at };
    }
    case 'header': {
      const header = b.format === 'google' ? 'time,missing info,job ID,task index,machine ID,event type,user,scheduling class,priority,CPU request,memory request,disk request,different machines' : 'job submit wait run procs cpu mem reqprocs reqtime reqmem status user group app queue partition preceding think';
      lines.unshift(header);
      return { kind, bytes: text(lines), lines, invalid: [0] };
    }
    case 'blank': {
      const at = pick(1 + rng.below(3));
      // An empty line in CSV is a bad line; in SWF whitespace-only lines are bad too.
      for (const i of at) lines[i] = '';
      return { kind, bytes: text(lines), lines, invalid: at };
    }
    case 'crlf':
      return { kind, bytes: Buffer.from(lines.join('\r\n') + '\r\n', 'latin1'), lines, invalid: [] };
    case 'empty':
      return { kind, bytes: Buffer.alloc(0), lines: [] };
    case 'gzip':
      return { kind, bytes: gzipSync(text(lines)), lines, invalid: [] };
    case 'gzipCut': {
      const gz = gzipSync(text(lines));
      return { kind, bytes: gz.subarray(0, 10 + rng.below(gz.length - 11)), gzipCut: true };
    }
  }
}

/** Writes a mutant where the readers expect it: a task_events folder, or an SWF file. */
function place(b: Base, m: Mutant, name: string): string {
  if (b.format === 'swf') {
    const f = join(dir, `${name}.swf${m.kind.startsWith('gzip') ? '.gz' : ''}`);
    writeFileSync(f, m.bytes);
    return f;
  }
  const root = join(dir, name);
  mkdirSync(join(root, 'task_events'), { recursive: true });
  writeFileSync(join(root, 'task_events', `part-00000-of-00001.csv${m.kind.startsWith('gzip') ? '.gz' : ''}`), m.bytes);
  return root;
}

const REPLAY = ['--machines', '12', '--policy', 'no_migration,fine_grained', '--usage', 'request', '--max-skipped', '1'];

describe('fuzzed traces through fairfit inspect and fairfit replay', () => {
  it(`${CASES} seeded mutations end in time with exit 0/1/2, no stack trace, counts that add up, and unchanged results for the valid lines`, async () => {
    const rng = new Rng(SEED);
    const cases = Array.from({ length: CASES }, (_, i) => {
      const b = bases[i % bases.length]!;
      const m = mutate(b, rng);
      return { i, b, m, path: place(b, m, `case-${i}`), json: join(dir, `case-${i}.json`) };
    });
    const cpus = Math.max(1, Math.min(4, availableParallelism()));
    const runs = await pool(
      cases.flatMap((c) => [() => fairfit(['inspect', c.path]), () => fairfit(['replay', '--trace', c.path, ...REPLAY, '--json', c.json, '--quiet'])]),
      cpus,
    );
    const kinds = new Map<string, number>();
    for (const c of cases) {
      kinds.set(c.m.kind, (kinds.get(c.m.kind) ?? 0) + 1);
      const what = `case ${c.i} (${c.b.name}, ${c.m.kind}) ${c.path}`;
      const ins = runs[2 * c.i]!;
      const rep = runs[2 * c.i + 1]!;
      checkRun(`${what}: inspect`, ins, [0, 1]);
      // A data error is exit 1; exit 2 only when the window is too long for the tick (an option can fix it).
      checkRun(`${what}: replay`, rep, rep.stderr.includes('INVALID_OPTION: tick') ? [2] : [0, 1]);
      if (c.m.lines && ins.code === 0) {
        const s = (JSON.parse(ins.stdout) as { summary: { rows: number; skipped: number; corruptFiles: number } }).summary;
        const comments = c.b.format === 'swf' ? c.m.lines.filter((l) => l.trim().startsWith(';')).length : 0;
        expect(s.rows + s.skipped + comments, `${what}: every line is a row, a skipped line or a comment`).toBe(c.m.lines.length);
        expect(s.corruptFiles, what).toBe(0);
        if (c.m.invalid) {
          expect(s.skipped, `${what}: exactly the changed lines are skipped`).toBe(c.m.invalid.length);
          expect(ins.stderr.match(/:(\d+): /g)?.map((x) => Number(x.slice(1, -2)) - 1).slice(0, 5) ?? [], what).toEqual(c.m.invalid.slice(0, 5));
        }
      }
      if (c.m.gzipCut && ins.code === 0) {
        const s = (JSON.parse(ins.stdout) as { summary: { corruptFiles: number } }).summary;
        expect(s.corruptFiles, `${what}: a cut gzip is reported`).toBe(1);
        expect(ins.stderr, what).toMatch(/truncated or corrupt/);
      }
      if (c.m.lines && c.m.lines.length === 0) expect(ins.stderr, what).toMatch(/NO_DATA|no valid/);
    }
    // Targeted mutations: the runs equal a replay of the same trace without the changed lines.
    const targeted = cases.filter((c) => c.m.invalid && runs[2 * c.i + 1]!.code === 0).slice(0, 12);
    for (const c of targeted) {
      const kept = c.m.lines!.filter((_, i) => !c.m.invalid!.includes(i));
      const clean = place(c.b, { kind: 'clean', bytes: Buffer.from(kept.join('\n') + '\n', 'latin1') }, `clean-${c.i}`);
      const ref = await replay({ trace: clean, machines: 12, policies: ['no_migration', 'fine_grained'], usage: 'request' });
      const got = JSON.parse(readFileSync(c.json, 'utf8')) as { runs: unknown };
      expect(got.runs, `case ${c.i} (${c.b.name}, ${c.m.kind}): same runs as without the changed lines`).toEqual((JSON.parse(toJson(ref)) as { runs: unknown }).runs);
    }
    expect(targeted.length).toBeGreaterThan(0);
    expect(kinds.size, `mutation kinds seen: ${[...kinds.keys()].join(', ')}`).toBeGreaterThanOrEqual(Math.min(10, CASES));
  }, 600_000);
});

describe('wrong options and output paths', () => {
  it('each ends in time with exit 1 or 2, a one-line message and nothing written', async () => {
    const gen = join(dir, 'gen');
    const out = join(dir, 'never.json');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const bad: [string[], number][] = [
      [['--machines', '-1'], 2], [['--machines', '0'], 2], [['--machines', 'abc'], 2], [['--machines', '1e12'], 2], [['--machines', '1000000000'], 2],
      [['--cell-size', '0'], 2], [['--cell-size', '999'], 2], [['--tick', '0'], 2], [['--tick', '-5'], 2], [['--tick', '0.001'], 2],
      [['--overcommit', 'NaN'], 2], [['--policy', 'nope'], 2], [['--workers', '0'], 2], [['--workers', '100000'], 2], [['--max-skipped', '2'], 2],
      [['--usage', 'x'], 2], [['--interval', '1.5'], 2], [['--seed', '1e400'], 2], [['--capacity', '-1'], 2],
      [['--json', '/proc/fairfit-fuzz/x.json'], 1], [['--json', dir], 1], [['--report', join(file, 'x.html')], 1], [['--csv', '/dev/null/x.csv'], 1],
      [['--json', out, '--csv', out], 2], [['--csv', '/dev/null'], 1], [['--json', out, '--report', '/proc/x/r.html'], 1],
    ];
    const runs = await pool(
      bad.map(([args]) => () => fairfit(['replay', '--trace', gen, '--machines', '12', '--policy', 'no_migration', '--quiet', ...args])),
      2,
    );
    bad.forEach(([args, code], i) => checkRun(`replay ${args.join(' ')}`, runs[i]!, [code]));
    expect(existsSync(out)).toBe(false);
    const others = await pool(
      [
        ['gen', '--out', '/proc/fairfit-fuzz', '--tasks', '10'],
        ['gen', '--out', file, '--tasks', '10'],
        ['gen', '--out', join(dir, 'g'), '--days', '-1'],
        ['inspect', join(dir, 'missing')],
        ['inspect', gen, '--format', 'xml'],
        ['replay', '--trace', join(dir, 'missing')],
        ['replay', '--trace', ''],
        ['sweep', '--trace', gen, '--machines', '5:1:1'],
        ['schedule', '--trace', gen, '--nodes', '0'],
        ['nonsense'],
      ].map((args) => () => fairfit(args)),
      2,
    );
    for (const r of others) checkRun('other command', r, [1, 2]);
    expect(existsSync('/proc/fairfit-fuzz')).toBe(false);
  }, 300_000);
});
