// With `slotWindows` the kernel takes task k's window as window k, without its cursor
// (assembly/replay.ts): the debug build refuses a staged slot whose window is not its own.
import { describe, expect, it } from 'vitest';
import { CELL_ACC, CELL_POINT, POLICY, REPLAY } from '../../src/systems/giantvm/replay-layouts.ts';
import { Core, wasmModule } from '../../src/wasm/module.ts';

/** One machine, one task in slot 0 arriving at tick 0 with windows [winB, winE) of two; runs 3 ticks of the debug build. */
function run(winB: number, winE: number): void {
  const core = new Core(wasmModule('debug'));
  const f = (n: number) => core.putF64(new Array<number>(n).fill(0));
  const i = (n: number) => core.putI32(new Array<number>(n).fill(0));
  const state = core.alloc(core.exports.replayStateBytes(1, 1, 10));
  const r = core.alloc(REPLAY.size);
  REPLAY.write(core.memory, r, {
    tasks: 1, machines: 1, cells: 1, events: 0, cellSize: 4, policy: POLICY.code.no_migration, interval: 10, sampleEvery: 10,
    points: 1, ringPoints: 1, ticks: 3, tickUs: 1e6, startUs: 0, overcommit: 1, minMove: 0,
    time0Run: 0, requestStays: 0, destRequest: 0, memDesc: 0, recycle: 1, slotWindows: 1,
    taskMachine: i(1), taskSubmitTick: i(1), taskSubmitUs: f(1), taskWork: core.putF64([1e6]), taskReq: core.putF64([0.1]), taskPrio: i(1),
    taskWinB: core.putI32([winB]), taskWinE: core.putI32([winE]),
    taskNext: i(1), taskPrev: i(1), taskState: i(1), taskCur: i(1), taskHome: i(1), taskFinV: f(1), taskRem: f(1), taskHeld: i(1),
    cand: i(1), candKey: f(1), arrivals: i(1), freeList: i(1),
    winEnd: core.putF64([Infinity, Infinity]), winCpu: core.putF64([0.1, 0.1]), winMem: f(2), winMaxCpu: f(2), winMai: f(2), winStride: 8,
    machineCap: core.putF64([1]), machineUp: core.putI32([1]),
    eventTick: i(1), eventMachine: i(1), eventType: i(1), eventCap: f(1),
    cellAcc: core.alloc(CELL_ACC.size), cellPt: core.alloc(CELL_POINT.size), machPt: f(1), utilSum: f(1), upTicks: f(1), state, usageFeed: 0,
    tick: 0, nextTask: 0, nextEvent: 0, staged: 1, freeCount: 0,
  });
  core.exports.replayInit(r);
  core.exports.replayStep(r, 3);
}

describe('slot windows', () => {
  it('a slot whose window is its own runs; one whose window is another slot\'s is refused by the debug build', () => {
    expect(() => run(0, 1)).not.toThrow();
    expect(() => run(1, 2)).toThrow(/a slot window that is not the slot's own/);
    expect(() => run(0, 2)).toThrow(/a slot window that is not the slot's own/);
  });
});
