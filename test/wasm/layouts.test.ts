/**
 * Every layout shared by TypeScript and AssemblyScript is described once (in
 * TypeScript) and the AssemblyScript side reads its rendering: this checks the
 * rendering is current, the offsets are sound, and the running module reads
 * and writes the fields where TypeScript put them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSEMBLY_LAYOUTS, LAYOUTS, renderLayouts } from '../../scripts/layouts.ts';
import { CSV_FIELD, GINI } from '../../src/kernels/kernel-layouts.ts';
import { FieldKind } from '../../src/io/csv/spec.ts';
import { TASK_SIZE } from '../../src/kernels/kernel-layouts.ts';
import { CELL_ACC, CELL_POINT, POLICY, REPLAY } from '../../src/systems/giantvm/replay-layouts.ts';
import { POLICIES } from '../../src/systems/giantvm/types.ts';
import { struct } from '../../src/wasm/layout.ts';
import { Core } from '../../src/wasm/module.ts';

describe('layouts are described once and rendered for AssemblyScript', () => {
  it('assembly/layouts.ts is the rendering of the current descriptions (run `npm run layouts` after changing one)', () => {
    expect(readFileSync(ASSEMBLY_LAYOUTS, 'utf8')).toBe(renderLayouts());
  });

  it('struct fields are naturally aligned, never overlap, and the size covers them all', () => {
    for (const l of LAYOUTS) {
      if (l.kind !== 'struct') continue;
      let end = 0;
      for (const [field, type] of Object.entries(l.fields)) {
        const bytes = type === 'f64' ? 8 : 4;
        const at = l.offset[field]!;
        expect(at % bytes, `${l.name}.${field}`).toBe(0);
        expect(at, `${l.name}.${field}`).toBeGreaterThanOrEqual(end);
        end = at + bytes;
      }
      expect(l.size % 8).toBe(0);
      expect(l.size).toBeGreaterThanOrEqual(end);
    }
  });

  it('a struct round-trips every field by name', () => {
    const s = struct('T', 'test', { a: 'i32', b: 'f64', c: 'ptr', d: 'u32' });
    expect(s.offset).toEqual({ a: 0, b: 8, c: 16, d: 20 });
    const core = new Core();
    const p = core.alloc(s.size);
    s.write(core.memory, p, { a: -5, b: 0.1, c: 4096, d: 0xffffffff });
    expect(s.read(core.memory, p)).toEqual({ a: -5, b: 0.1, c: 4096, d: 0xffffffff });
  });

  it('policy codes are the positions in POLICIES, so the list is the only numbering', () => {
    POLICIES.forEach((p, i) => expect(POLICY.code[p]).toBe(i));
    expect(renderLayouts()).toContain(`export const ${POLICIES[1]}: i32 = 1;`);
  });

  it('no AssemblyScript kernel compares a policy, event type, task state or size with a bare number', () => {
    const dir = new URL('../../assembly/', import.meta.url);
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts') && x !== 'layouts.ts')) {
      const src = readFileSync(new URL(f, dir), 'utf8');
      expect(src, f).not.toMatch(/\b(policy|ty|type|state|size|large)\s*[!=<>]=?=?\s*\d/);
      expect(src, f).not.toMatch(/\bsi\(sState, \w+, \d\)/);
    }
  });

  it('the running module reads the Replay struct and writes its cursor and CellAcc fields where TypeScript looks', () => {
    // One up machine (cap 0.5), no tasks, 5 ticks: every tick adds the capacity and one "up" to the cell.
    const core = new Core();
    const ptr = (bytes: number): number => core.alloc(Math.max(bytes, 8));
    const cellAcc = ptr(CELL_ACC.size), cellPt = ptr(CELL_POINT.size), machPt = ptr(8);
    const machineCap = core.putF64([0.5]), machineUp = core.putI32([1]);
    const utilSum = ptr(8), upTicks = ptr(8), state = ptr(core.exports.replayStateBytes(1, 1, 10));
    const r = ptr(REPLAY.size);
    const none = ptr(8);
    REPLAY.write(core.memory, r, {
      tasks: 0, machines: 1, cells: 1, events: 0, cellSize: 4, policy: POLICY.code.no_migration, interval: 10, sampleEvery: 10,
      points: 1, ringPoints: 1, ticks: 5, tickUs: 1e6, startUs: 0, overcommit: 1, minMove: 0,
      time0Run: 0, requestStays: 0, destRequest: 0, memDesc: 0, recycle: 0, slotWindows: 0, taskMachine: none, taskSubmitTick: none, taskSubmitUs: none, taskWork: none, taskReq: none, taskPrio: none, taskWinB: none, taskWinE: none,
      taskNext: none, taskPrev: none, taskState: none, taskCur: none, taskHome: none, taskFinV: none, taskRem: none, taskHeld: none,
      cand: none, candKey: none, arrivals: none, freeList: none,
      winEnd: none, winCpu: none, winMem: none, winMaxCpu: none, winMai: none, winStride: 8, machineCap, machineUp,
      eventTick: none, eventMachine: none, eventType: none, eventCap: none,
      cellAcc, cellPt, machPt, utilSum, upTicks, state, usageFeed: 0, tick: 99, nextTask: 99, nextEvent: 99, staged: 0, freeCount: 0,
    });
    core.exports.replayInit(r);
    expect(REPLAY.get(core.memory, r, 'tick')).toBe(0);
    expect(core.exports.replayStep(r, 3)).toBe(3);
    expect(REPLAY.read(core.memory, r)).toMatchObject({ tick: 3, nextTask: 0, nextEvent: 0 });
    expect(core.exports.replayStep(r, 100)).toBe(5);
    expect(REPLAY.get(core.memory, r, 'tick')).toBe(5);
    expect(CELL_ACC.read(core.memory, cellAcc)).toMatchObject({ up: 5, cap: 2.5, cpu: 0, arrived: 0 });
    expect(CELL_POINT.read(core.memory, cellPt)).toMatchObject({ up: 5, cap: 2.5, running: 0, pending: 0 });
  });

  it('the CSV field kinds the readers write into a spec are the CsvField codes of the scanner', () => {
    expect(FieldKind).toEqual({ Skip: CSV_FIELD.code.skip, Number: CSV_FIELD.code.number, Hash: CSV_FIELD.code.hash, Id: CSV_FIELD.code.id });
    expect(TASK_SIZE.code).toEqual({ small: 0, large: 1 }); // placeBatch's `sizes` column: 1 = large
  });

  it('scratch sizes are consistent', () => {
    expect(GINI.values.HIST_BYTES).toBe(GINI.values.RADIX_PASSES * 2 ** GINI.values.RADIX_BITS * 4);
  });
});
