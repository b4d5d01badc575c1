/**
 * What both engines refuse in a host's inputs, with the same error, changing
 * nothing: misspelt fields (a heartbeat's `storageOK` brought a down node back
 * up), node ids that would take an unnamed node's default name, empty node ids
 * and users,
 * gangs beyond the stated bound, bad engine options and lent bytes, and
 * messages that show a string as a string. Found by a review acting as a new
 * host developer.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { FairfitError } from '../../src/errors.ts';
import type { IptasBatchEngine } from '../../src/systems/iptas/engine-api.ts';
import { MAX_PROCS } from '../../src/systems/iptas/engine-checks.ts';
import { validateCommand } from '../../src/systems/iptas/commands.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';
import { MAX_SCHEDULE_NODES, maxScheduleNodes, nodesBound, scheduleJobs } from '../../src/systems/iptas/schedule-trace.ts';

function refusal(f: () => unknown): { code: string; message: string; field: unknown } {
  try {
    f();
  } catch (e) {
    if (e instanceof FairfitError) return { code: e.code, message: e.message, field: e.details.field };
    throw e;
  }
  throw new Error('not refused');
}

const task = { id: 't', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 10 };

/** Both engines with a node taken down by a storage failure and a running task; `state` says all that a refusal must not change. */
function both(): { e: IptasBatchEngine; state: () => string }[] {
  return [new Engine(), new ReferenceEngine()].map((e) => {
    e.addNodes([{ capacity: [4, 8] }, { capacity: [4, 8] }]);
    e.submit(task);
    e.runRound(1);
    e.heartbeat(0, 1, { storageOk: false });
    e.sweepHealth(1);
    // t, requeued from node 0, runs on node 1.
    e.runRound(1);
    return { e, state: () => JSON.stringify([e.state(), e.nodeOrder(), e.counts(), e.isUp(0), e.isUp(1)]) };
  });
}

/** Runs `call` on both engines: the same refusal, nothing changed. */
function refusedAlike(call: (e: IptasBatchEngine) => unknown): { code: string; message: string; field: unknown } {
  const [a, b] = both().map(({ e, state }) => {
    const before = state();
    const r = refusal(() => call(e));
    expect(state()).toBe(before);
    return r;
  });
  expect(a).toEqual(b);
  return a!;
}

describe('inputs both engines refuse alike', () => {
  it('a misspelt field, naming it and what it likely misspells (storageOK kept a failed node up)', () => {
    expect(refusedAlike((e) => e.heartbeat(0, 2, { storageOK: false } as never))).toEqual({ code: 'INVALID_OPTION', field: 'storageOK', message: 'storageOK is not a field of a heartbeat report (did you mean storageOk?)' });
    expect(refusedAlike((e) => e.updateNode(1, { capacty: [1, 1] } as never)).message).toBe('capacty is not a field of a node update (did you mean capacity?)');
    expect(refusedAlike((e) => e.submit({ ...task, id: 'x', submitTme: 99 } as never)).message).toBe('submitTme is not a field of a task (did you mean submitTime?)');
    expect(refusedAlike((e) => e.addNode({ capacity: [1, 1], sped: 3 } as never)).message).toBe('sped is not a field of a node (did you mean speed?)');
    expect(refusedAlike((e) => e.submitMany([{ ...task, id: 'x' }, { ...task, id: 'y', colour: 1 } as never])).field).toBe('items[1].colour');
    // A result's extra key was accepted (the JSON command refused it); completeMany checks the same result.
    expect(refusedAlike((e) => e.complete('t', { status: 'ok', actualTime: 1, actualtime: 2 } as never))).toEqual({ code: 'INVALID_OPTION', field: 'actualtime', message: 'actualtime is not a field of a result (did you mean actualTime?)' });
    expect(refusedAlike((e) => e.completeMany([0], { status: 'ok', actualTime: 1, note: 'x' } as never)).message).toBe('note is not a field of a result');
    // storageOk: null was read as absent (true): it brought the storage-failed node back up. The JSON command refused it.
    expect(refusedAlike((e) => e.heartbeat(0, 2, { storageOk: null } as never))).toEqual({ code: 'INVALID_OPTION', field: 'storageOk', message: 'storageOk must be a boolean, got null' });
    // The correct field still works: a plain heartbeat after the failure is refused nothing, and storageOk: true revives.
    for (const { e } of both()) {
      e.heartbeat(0, 2, { storageOk: true });
      expect(e.isUp(0)).toBe(true);
    }
  });

  it("a node id of the form node<k> only for node k (it took unnamed node k's default name); an empty node id", () => {
    expect(refusedAlike((e) => e.addNode({ id: 'node5', capacity: [1, 1] })).message).toBe("node id 'node5' is the default name of node 5; this node is node 2 (name it 'node2', or a name not of the form node<k>)");
    expect(refusedAlike((e) => e.addNode({ id: '', capacity: [1, 1] })).message).toBe('node id must be a non-empty string, got ""');
    for (const { e } of both()) {
      expect(e.addNode({ id: 'node2', capacity: [1, 1] })).toBe(2);
      expect(e.addNode({ id: 'gpu-node3', capacity: [1, 1] })).toBe(3);
      expect(e.addNode({ capacity: [1, 1] })).toBe(4);
      expect(e.state().nodes.map((n) => n.id)).toEqual(['node0', 'node1', 'node2', 'gpu-node3', 'node4']);
    }
  });

  it("an empty user, as an empty id (it was taken as a user named ''), in the methods and the JSON command", () => {
    expect(refusedAlike((e) => e.submit({ ...task, id: 'x', user: '' }))).toEqual({ code: 'INVALID_OPTION', field: 'user', message: 'user must be a non-empty string, got ""' });
    expect(refusedAlike((e) => e.submitGang({ ...task, id: 'g', user: '', procs: 2 })).field).toBe('user');
    expect(refusedAlike((e) => e.submitMany([{ ...task, id: 'x' }, { ...task, id: 'y', user: '' }])).field).toBe('items[1].user');
    expect(validateCommand({ op: 'submit', id: 'x', user: '', demand: [1, 1], dataGB: 1, requestTime: 1 })).toEqual({ code: 'INVALID_OPTION', field: 'command.user', message: 'command.user must be a non-empty string' });
    expect(validateCommand({ op: 'submit', id: '', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 1 })?.message).toBe('command.id must be a non-empty string');
    expect(validateCommand({ op: 'submit', id: 'x', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 1 })).toBeUndefined();
  });

  it('addNodes names the node of the batch at fault; addNode, as submit, does not', () => {
    const nodes = Array.from({ length: 50 }, (_, k) => ({ capacity: k === 37 ? [1, -1] : [1, 1] }));
    expect(refusedAlike((e) => e.addNodes(nodes))).toEqual({ code: 'NEGATIVE_VALUE', field: 'nodes[37].capacity', message: 'nodes[37]: capacity[1] must be ≥ 0, got -1' });
    expect(refusedAlike((e) => e.addNode({ capacity: [1, -1] })).message).toBe('capacity[1] must be ≥ 0, got -1');
  });

  it(`a gang of more than ${MAX_PROCS} members (the reference engine ran out of heap; the WebAssembly one said OUT_OF_MEMORY without naming procs)`, () => {
    expect(refusedAlike((e) => e.submitGang({ ...task, id: 'g', procs: 1e9 }))).toEqual({ code: 'INVALID_OPTION', field: 'procs', message: `procs must be an integer in [1, ${MAX_PROCS}], got 1000000000` });
  });

  it('a string shows as a string in messages', () => {
    expect(refusedAlike((e) => e.submit({ ...task, id: 'x', demand: ['1', 1] as never })).message).toBe('demand[0] must be a finite number, got "1"');
    expect(refusedAlike((e) => e.runRound('6' as never)).message).toBe('now must be a finite number, got "6"');
    expect(refusedAlike((e) => e.updateNode('0' as never, { speed: 2 })).message).toBe('node must be a node index in [0, 2), got "0"');
    // Parameters that are a string, in both constructors (it read `got x`).
    for (const make of [(p: never) => new Engine(p), (p: never) => new ReferenceEngine(p)]) expect(refusal(() => make('x' as never)).message).toBe('params must be an object, got "x"');
  });

  it('a task id that is no string is refused as such (a null-prototype object was a TypeError; 7 read as the id "7")', () => {
    for (const id of [7, null, Object.create(null), {}]) {
      expect(refusedAlike((e) => e.cancel(id as never))).toEqual({ code: 'INVALID_OPTION', field: 'taskId', message: `taskId must be a string, got ${id === 7 ? '7' : id === null ? 'null' : 'an object'}` });
      expect(refusedAlike((e) => e.explain(id as never)).field).toBe('taskId');
    }
    expect(refusedAlike((e) => e.checkLimits(3, new Map([[Object.create(null), [1, 1]]]) as never)).field).toBe('usage[an object]');
  });

  it('a usage report names its entry as a path: usage["<task id>"]', () => {
    expect(refusedAlike((e) => e.checkLimits(3, new Map([['r', [1, 1]]])))).toEqual({ code: 'INDEX_OUT_OF_RANGE', field: 'usage["r"]', message: 'usage["r"]: "r" is not a submitted task' });
    expect(refusedAlike((e) => e.checkLimits(3, new Map([['t', [1, 'x' as never]]])))).toEqual({ code: 'NOT_FINITE', field: 'usage["t"]', message: 'usage["t"][1] must be a finite number, got "x"' });
  });

  it('a submit time ahead of the clock moves the clock: no round places the task before its submission', () => {
    // Found by a review: submitted at 500 with the clock at 1, the task was placed by a round at 2.
    const refusals = [new Engine(), new ReferenceEngine()].map((e) => {
      e.addNode({ capacity: [4, 8] });
      e.runRound(1);
      e.submit({ ...task, submitTime: 500 });
      expect(e.now).toBe(500);
      const r = refusal(() => e.runRound(2));
      expect(e.taskView('t').state).toBe('waiting');
      e.runRound(500);
      expect(e.taskView('t')).toMatchObject({ state: 'running', submitTime: 500 });
      // A submit time behind the clock leaves it (a task submitted late, with its original time).
      e.submitMany([{ ...task, id: 'u', submitTime: 3 }, { ...task, id: 'v', submitTime: 700, procs: 2 }]);
      expect(e.now).toBe(700);
      e.submit({ ...task, id: 'w', submitTime: 10 });
      expect(e.now).toBe(700);
      return r;
    });
    expect(refusals[0]).toEqual(refusals[1]);
    expect(refusals[0]).toMatchObject({ code: 'INVALID_OPTION', field: 'now' });
    // A refused submission moves nothing.
    const e = new Engine();
    expect(refusal(() => e.submitMany([{ ...task, submitTime: 900 }, { ...task, id: 'x', submitTime: -1 }])).field).toBe('items[1].submitTime');
    expect(e.now).toBe(0);
  });
});

describe('the WebAssembly engine', () => {
  it('refuses options that are not an object or not options, naming the key', () => {
    expect(refusal(() => new Engine({}, null as never))).toEqual({ code: 'INVALID_OPTION', field: 'options', message: 'options must be an object, got null' });
    expect(refusal(() => new Engine({}, 5 as never)).field).toBe('options');
    expect(refusal(() => new Engine({}, 'big' as never)).message).toBe('options must be an object, got "big"');
    expect(refusal(() => new Engine({}, { taskCapcity: 1e6 } as never))).toEqual({ code: 'INVALID_OPTION', field: 'options.taskCapcity', message: 'options.taskCapcity is not an engine option (did you mean taskCapacity?)' });
    expect(refusal(() => new Engine({}, { prefault: 'yes' } as never)).field).toBe('options.prefault');
  });

  it('refuses lent snapshot bytes that are not a Uint8Array (they were ignored)', () => {
    const e = new Engine();
    for (const into of [5, 'x', [1, 2, 3], new Float64Array(8)]) expect(refusal(() => e.snapshot(into as never)).field).toBe('into');
    // Bytes too short are not an error: a new array is made, as documented.
    expect(e.snapshot(new Uint8Array(4)).length).toBeGreaterThan(4);
    e.close();
  });
});

describe('scheduleJobs', () => {
  it('bounds the node count as scheduleLog does, before the node pool is made (2^31 nodes grew to 17 GB), for every algorithm and ring size', () => {
    const jobs = [{ id: 1, submit: 0, runTime: 10, requestedTime: 20, procs: 1, user: 'a' }];
    for (const algorithm of ['fcfs', 'easy', 'iptas'] as const) {
      for (const [nodes, params] of [[2 ** 31, undefined], [MAX_SCHEDULE_NODES + 1, undefined], [maxScheduleNodes(4096) + 1, { ringCapacity: 4096 }]] as const) {
        const ring = params?.ringCapacity ?? 1024;
        expect(refusal(() => scheduleJobs(jobs, { algorithm, nodes, nodeCapacity: [4], params }))).toEqual({ code: 'INVALID_OPTION', field: 'options.nodes', message: `options.nodes: ${nodesBound(ring)}, got ${nodes}` });
      }
    }
    expect(scheduleJobs(jobs, { algorithm: 'fcfs', nodes: 1000, nodeCapacity: [4], params: { ringCapacity: 4096 } }).metrics.completed).toBe(1);
  });
});

describe('scheduleJobs secondsPerGB', () => {
  it('names itself when it makes a data volume infinite (the engine named items[0].dataGB, a field the caller never gave)', () => {
    const jobs = [{ id: 1, submit: 0, runTime: 10, requestedTime: 20, procs: 1, user: 'a' }, { id: 2, submit: 0, runTime: 10, requestedTime: 1e300, procs: 1, user: 'a' }];
    expect(refusal(() => scheduleJobs(jobs, { algorithm: 'iptas', nodes: 2, secondsPerGB: 1e-310 }))).toMatchObject({ code: 'INVALID_OPTION', field: 'options.secondsPerGB' });
    expect(refusal(() => scheduleJobs(jobs, { algorithm: 'fcfs', nodes: 2, secondsPerGB: 1e-10 })).message).toBe("options.secondsPerGB: 1e-10 makes job 1's data volume (requestedTime 1e+300 / secondsPerGB) infinite");
    // A job's own dataGB needs none.
    expect(scheduleJobs(jobs.map((j) => ({ ...j, dataGB: 1 })), { algorithm: 'iptas', nodes: 2, secondsPerGB: 1e-310 }).metrics.completed).toBe(2);
  });
});
