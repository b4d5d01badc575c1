/**
 * Options outside what the code can do are refused up front, through the
 * built command (exit 2, `INVALID_OPTION` naming the option and, for an
 * upper bound, the bound) and through the library API where it takes the
 * same value.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { generateTrace, maxGenTasks } from '../../src/io/generate.ts';
import { partFiles } from '../../src/io/google/part-files.ts';
import { readGoogleTrace } from '../../src/io/google/trace-folder.ts';
import { replay } from '../../src/systems/giantvm/replay-api.ts';
import { maxMachines } from '../../src/systems/giantvm/replay-params.ts';
import { generateScenario } from '../../src/systems/crs/scenario.ts';
import { scheduleLog } from '../../src/systems/iptas/schedule-log.ts';
import { fairfit, MAIN, optionFixture, rejection } from './option-fixture.ts';
import { spawnSyncChild } from '../children.ts';

const { dir, trace, swf } = optionFixture('fairfit-bounds-');

/** Runs the command and expects exit 2 with `INVALID_OPTION: <option>` and every `parts` in the message. */
function refused(args: string[], option: string, ...parts: string[]): void {
  const r = fairfit(...args);
  expect(r.stderr, args.join(' ')).toContain(`INVALID_OPTION: ${option}`);
  for (const p of parts) expect(r.stderr, args.join(' ')).toContain(p);
  expect(r.code, args.join(' ')).toBe(2);
  expect(r.stdout).toBe('');
}


describe('--task-event-parts takes integers ≥ 1 only', () => {
  it.each(['0', '-1', '1.5'])('replay and sweep --task-event-parts %s: exit 2', (n) => {
    refused(['replay', '--trace', trace, '--machines', '10', '--task-event-parts', n, '--quiet'], 'task-event-parts');
    refused(['sweep', '--trace', trace, '--machines', '10', '--task-event-parts', n, '--quiet'], 'task-event-parts');
  });
  it('--task-event-parts 1 reads the trace', () => {
    expect(fairfit('replay', '--trace', trace, '--machines', '10', '--policy', 'no_migration', '--task-event-parts', '1', '--quiet').code).toBe(0);
  });
  it('the library API refuses 0 and negative counts naming the field', async () => {
    for (const n of [0, -1, 0.5]) {
      expect((await rejection(() => partFiles(join(trace, 'task_events'), n))).details.field).toBe('limit');
      expect((await rejection(readGoogleTrace(trace, { taskEventParts: n }))).details.field).toBe('taskEventParts');
      const e = await rejection(replay({ trace, machines: 10, read: { taskEventParts: n } }));
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.details.field).toBe('read.taskEventParts');
    }
    expect(partFiles(join(trace, 'task_events'), 1)).toHaveLength(1);
  });
});

describe('seeds are integers in [-2^31, 2^32 − 1] (the generators keep 32 bits: a larger seed was a small one\'s twin)', () => {
  it('demo --seed takes integers only', () => {
    refused(['demo', '--seed', 'abc'], '--seed', "'abc' is not a number");
    refused(['demo', '--seed', '1.5'], '--seed', "'1.5' is not an integer");
    refused(['demo', '--seed', '4294967296'], '--seed', '4294967295');
    expect(fairfit('demo', '--seed', '-7').code).toBe(0);
  });
  it('gen, replay, gen-scenario refuse 2^32; sweep refuses a last seed above 2^32 − 1', () => {
    refused(['gen', '--out', join(dir, 'g'), '--machines', '2', '--tasks', '2', '--seed', '4294967297'], 'seed', 'got 4294967297');
    expect(existsSync(join(dir, 'g'))).toBe(false);
    refused(['replay', '--trace', trace, '--machines', '10', '--seed', '4294967296', '--quiet'], 'seed', '4294967295');
    refused(['gen-scenario', '--out', join(dir, 's.json'), '--seed', '4294967296', '--quiet'], '--seed', '4294967295');
    refused(['sweep', '--trace', trace, '--machines', '10', '--seeds', '2', '--seed', '4294967295', '--quiet'], 'seed', 'up to seed 4294967296');
  });
  it('gen takes numbers in decimal notation only, as every other command (Number() took 0x10, 0b11, 0o7: a trace of 16 tasks)', () => {
    for (const [flag, value] of [['--tasks', '0x10'], ['--machines', '0b11'], ['--seed', '0o7'], ['--days', ' ']]) {
      refused(['gen', '--out', join(dir, 'gh'), '--machines', '2', '--tasks', '2', '--days', '0.01', flag!, value!], flag!, `'${value}' is not a number`);
    }
    expect(existsSync(join(dir, 'gh'))).toBe(false);
    expect(fairfit('gen', '--out', join(dir, 'gh'), '--machines', '2', '--tasks', '1e1', '--days', '.01').code).toBe(0);
  });
  it('the largest seed and negative seeds still run', () => {
    expect(fairfit('sweep', '--trace', trace, '--machines', '10', '--policy', 'no_migration', '--seeds', '2', '--seed', '4294967294', '--quiet').code).toBe(0);
    expect(fairfit('replay', '--trace', trace, '--machines', '10', '--policy', 'no_migration', '--seed', '-3', '--quiet').code).toBe(0);
  });
  it('the API names the seed it refuses, NaN as NaN', async () => {
    const e = await rejection(replay({ trace, machines: 10, seed: NaN }));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.message).toContain('got NaN');
    expect((await rejection(generateTrace({ machines: 2, tasks: 2, days: 0.01, seed: 2 ** 32, out: join(dir, 'g2') }))).details.field).toBe('seed');
  });
});

describe('sizes beyond what the code holds are refused up front, naming the bound', () => {
  it('schedule --nodes above 262144, the engine\'s node rows × 1024 ring slots ≤ 2^28 (1e10 was a RangeError, 2^31 ran 84 s first); 262144 runs', () => {
    refused(['schedule', '--trace', swf, '--nodes', '1e10', '--quiet'], '--nodes', 'at most 262144 nodes fit');
    refused(['schedule', '--trace', swf, '--nodes', '262145', '--quiet'], '--nodes', 'at most 262144 nodes fit');
    // The bound was 100,000 while the engine failed near 150,000 nodes.
    const r = spawnSyncChild(process.execPath, [MAIN, 'schedule', '--trace', swf, '--nodes', '262144', '--algorithm', 'iptas', '--quiet', '--json', join(dir, 'wide.json')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'wide.json'), 'utf8')).runs[0].metrics.utilisation).toBeGreaterThan(0);
  });
  it('the API refuses the same, and derives the bound from params.ringCapacity', async () => {
    const e = await rejection(scheduleLog({ trace: swf, nodes: 262_145 }));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.details.field).toBe('nodes');
    const ring = await rejection(scheduleLog({ trace: swf, nodes: 257, params: { ringCapacity: 2 ** 20 } }));
    expect(ring.message).toBe('nodes at most 256 nodes fit (the scheduling engine holds node rows × 1048576 dispatch-ring slots ≤ 2^28; docs/model.md), got 257');
    const ok = await scheduleLog({ trace: swf, nodes: 256, params: { ringCapacity: 2 ** 20 }, algorithms: ['iptas'], engine: (p) => new Engine(p) });
    expect(ok.runs).toHaveLength(1);
  });
  it('gen --tasks and --machines beyond what fits (1e12 tasks was a RangeError, 1e9 machines ran unbounded)', () => {
    refused(['gen', '--out', join(dir, 'big'), '--tasks', '1e12'], 'tasks', `at most ${maxGenTasks()} tasks fit`);
    refused(['gen', '--out', join(dir, 'big'), '--machines', '1e9'], 'machines', `at most ${maxMachines()} machines fit`);
    expect(existsSync(join(dir, 'big'))).toBe(false);
  });
});

describe('gen-scenario sizes whose JSON no string holds', () => {
  it('--hosts, --vms and --courses beyond one file are refused up front, naming the option (--hosts 1e7 was a RangeError, 1e9 a minute and a V8 abort)', () => {
    const out = join(dir, 'huge.json');
    refused(['gen-scenario', '--out', out, '--hosts', '10000000', '--quiet'], '--hosts', '200000000 VMs (20 per host)', 'one JavaScript string');
    refused(['gen-scenario', '--out', out, '--hosts', '1', '--vms', '100000000', '--quiet'], '--vms', 'one JavaScript string');
    refused(['gen-scenario', '--out', out, '--courses', '1000000000', '--quiet'], '--courses', 'one JavaScript string');
    expect(existsSync(out)).toBe(false);
  });
  it('the API names the field before allocating', () => {
    for (const [o, field] of [[{ hosts: 1e7 }, 'hosts'], [{ hosts: 1, vms: 1e8 }, 'vms'], [{ courses: 1e9 }, 'courses']] as const) {
      let e: unknown;
      try {
        generateScenario(o);
      } catch (err) {
        e = err;
      }
      expect(e, JSON.stringify(o)).toMatchObject({ code: 'INVALID_OPTION', details: { field } });
    }
  });
});

describe('--interval beyond the longest replay window', () => {
  it('replay and sweep refuse more than 10^8 ticks (1e9 was a WebAssembly crash, 2^32 a division by zero); 10^8 runs', () => {
    for (const n of ['1000000000', '4294967296']) {
      refused(['replay', '--trace', trace, '--machines', '10', '--policy', 'no_migration', '--interval', n, '--quiet'], 'interval', 'at most 100000000 ticks', `got ${n}`);
      refused(['sweep', '--trace', trace, '--machines', '10', '--overcommit', '1', '--policy', 'no_migration', '--interval', n, '--quiet'], 'interval', 'at most 100000000 ticks');
    }
    expect(fairfit('replay', '--trace', trace, '--machines', '10', '--policy', 'fine_grained', '--interval', '100000000', '--quiet').code).toBe(0);
  });
  it('the API names the field', async () => {
    const e = await rejection(replay({ trace, machines: 10, interval: 2 ** 31 }));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.details.field).toBe('interval');
  });
});

describe('--cell-size larger than the cluster', () => {
  it('is refused for a number of --machines before any work, and for the trace\'s machines once read', () => {
    refused(['replay', '--trace', trace, '--machines', '10', '--cell-size', '12', '--quiet'], 'cell-size', '12 is larger than the 10 machines of --machines');
    // The generated trace has 20 machines in machine_events.
    refused(['replay', '--trace', trace, '--machines', 'trace', '--cell-size', '25', '--quiet'], 'cell-size', "25 is larger than the 20 machines of the trace's machine_events (--machines trace)");
    expect(fairfit('replay', '--trace', trace, '--machines', 'trace', '--cell-size', '20', '--quiet').code).toBe(0);
  });
  it('without --machines, against the default 800 (1000 ran as 800, and 1e20 too)', () => {
    for (const n of ['1000', '1e20']) refused(['replay', '--trace', trace, '--policy', 'no_migration', '--cell-size', n, '--quiet'], 'cell-size', 'larger than the 800 machines of --machines (default 800)');
    expect(fairfit('replay', '--trace', trace, '--policy', 'no_migration', '--cell-size', '800', '--quiet').code).toBe(0);
  });
});
