/**
 * The IPTAS JSON commands (src/systems/iptas/commands.ts): the shipped schema file
 * is the schema object; schema, dispatch table and engine name the same ops; every
 * op gives what the direct engine call gives; bad commands are rejected naming the
 * field; fuzzed commands (random mutations of valid ones) never change the engine
 * when rejected and never throw; and the example host (examples/iptas-host.ts)
 * answers a script of JSON lines.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ERROR_CODES } from '../../src/errors.ts';
import { ReferenceEngine } from '../../src/systems/iptas/reference-engine.ts';
import {
  applyCommand, applyCommandLine, validateCommand, DISPATCHED_OPS, IPTAS_COMMAND_SCHEMA, IPTAS_OPS, MAX_GANG_PROCS,
  type CommandResult, type IptasCommand, type IptasOp,
} from '../../src/systems/iptas/commands.ts';
import type { IptasEngine } from '../../src/systems/iptas/engine-api.ts';
import { Engine } from '../../src/engine/engine.ts';
import { main as host } from '../../examples/iptas-host.ts';

const SCHEMA_FILE = new URL('../../schemas/iptas-command.schema.json', import.meta.url);
const dump = (e: IptasEngine): string => JSON.stringify(e.state());
/** An engine with its own `apply` / `applyLine` methods (both engines have them). */
type Applies = IptasEngine & Pick<ReferenceEngine, 'apply' | 'applyLine'>;

/** An engine with some history: 3 nodes (one removed later), tasks in every state, a gang, a clock at 12. */
function seeded(make: (p: { historyLength: number }) => IptasEngine = (p) => new ReferenceEngine(p)): IptasEngine {
  const e = make({ historyLength: 3 });
  e.addNode({ capacity: [4, 16], id: 'small' });
  e.addNode({ capacity: [16, 64], id: 'big', speed: 2 });
  e.addNode({ capacity: [8, 32] });
  e.submit({ id: 'a', user: 'u1', demand: [1, 2], dataGB: 5, requestTime: 10 });
  e.submit({ id: 'b', user: 'u2', demand: [12, 40], dataGB: 50, requestTime: 20 });
  e.submitGang({ id: 'g', user: 'u1', demand: [1, 1], dataGB: 500, requestTime: 30, procs: 3 });
  e.runRound(1);
  e.complete('a', { status: 'ok', actualTime: 4 });
  e.submit({ id: 'c', user: 'u3', demand: [2, 2], dataGB: 1, requestTime: 5 });
  e.submit({ id: 'huge', user: 'u3', demand: [100, 1], dataGB: 1, requestTime: 5 });
  e.heartbeat(0, 2);
  e.sweepHealth(12);
  return e;
}

describe('IPTAS command schema', () => {
  it('schemas/iptas-command.schema.json is the schema object (FAIRFIT_WRITE_SCHEMA=1 rewrites it)', () => {
    const text = `${JSON.stringify(IPTAS_COMMAND_SCHEMA, null, 2)}\n`;
    if (process.env.FAIRFIT_WRITE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, text);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(text);
  });

  it('the shipped file is a valid draft 2020-12 schema a plain Ajv compiles (no fairfit code)', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object;
    const validate = new Ajv2020({ discriminator: true, strict: true }).compile(schema);
    expect(validate({ op: 'runRound', now: 3 })).toBe(true);
    expect(validate({ op: 'runRound', now: -3 })).toBe(false);
    expect(validate({ op: 'submit', id: 'x', user: 'u', demand: [1], dataGB: 0, requestTime: 1, x: 1 })).toBe(false);
  });

  it('schema, TypeScript op list, dispatch table and engine name the same ops', () => {
    const schemaOps = IPTAS_COMMAND_SCHEMA.oneOf.map((r) => r.$ref.replace('#/$defs/', ''));
    expect(schemaOps).toEqual([...IPTAS_OPS]);
    expect([...IPTAS_COMMAND_SCHEMA.properties.op.enum]).toEqual([...IPTAS_OPS]);
    expect([...DISPATCHED_OPS].sort()).toEqual([...IPTAS_OPS].sort());
    const defs = IPTAS_COMMAND_SCHEMA.$defs as Record<string, { properties?: { op?: { const?: string } } }>;
    for (const op of IPTAS_OPS) expect(defs[op]?.properties?.op?.const).toBe(op);
    const e = new ReferenceEngine();
    for (const op of IPTAS_OPS) expect(op in e, op).toBe(true);
    // every public method of the reference engine that is an IptasEngine call has an op (the
    // compiler checks keyof IptasEngine = IptasOp in command-schema.ts; this catches drift at run time)
    const engineMethods = ['addNode', 'removeNode', 'updateNode', 'submit', 'submitGang', 'runRound', 'complete', 'checkLimits',
      'heartbeat', 'sweepHealth', 'drainDispatch', 'explain', 'taskView', 'counts', 'state'];
    for (const m of engineMethods) expect(IPTAS_OPS as readonly string[]).toContain(m);
  });
});

/** One sample command per op, with the direct call that must give the same answer. */
const SAMPLES: { [K in IptasOp]: [Extract<IptasCommand, { op: K }>, (e: IptasEngine) => unknown] } = {
  addNode: [{ op: 'addNode', id: 'n9', capacity: [2, 2], speed: 3, vcpus: 2, mem: 2 }, (e) => e.addNode({ id: 'n9', capacity: [2, 2], speed: 3, vcpus: 2, mem: 2 })],
  removeNode: [{ op: 'removeNode', node: 1 }, (e) => e.removeNode(1)],
  updateNode: [{ op: 'updateNode', node: 2, capacity: [9, 33], speed: 0.5 }, (e) => (e.updateNode(2, { capacity: [9, 33], speed: 0.5 }), null)],
  nodeOrder: [{ op: 'nodeOrder' }, (e) => e.nodeOrder()],
  residual: [{ op: 'residual', node: 1 }, (e) => e.residual(1)],
  isUp: [{ op: 'isUp', node: 0 }, (e) => e.isUp(0)],
  submit: [{ op: 'submit', id: 'd', user: 'u4', demand: [1, 1], dataGB: 0, requestTime: 1, submitTime: 3 }, (e) => e.submit({ id: 'd', user: 'u4', demand: [1, 1], dataGB: 0, requestTime: 1, submitTime: 3 })],
  submitGang: [{ op: 'submitGang', id: 'h', user: 'u4', demand: [1, 1], dataGB: 0, requestTime: 1, procs: 2 }, (e) => e.submitGang({ id: 'h', user: 'u4', demand: [1, 1], dataGB: 0, requestTime: 1, procs: 2 })],
  runRound: [{ op: 'runRound', now: 13 }, (e) => e.runRound(13)],
  complete: [{ op: 'complete', taskId: 'b', status: 'failed', actualTime: 2 }, (e) => e.complete('b', { status: 'failed', actualTime: 2 })],
  cancel: [{ op: 'cancel', taskId: 'g#1' }, (e) => e.cancel('g#1')],
  // 'a' has ended: forgotten (1).
  purge: [{ op: 'purge' }, (e) => e.purge()],
  epsilon: [{ op: 'epsilon', user: 'u1' }, (e) => e.epsilon('u1')],
  checkLimits: [{ op: 'checkLimits', now: 20, usage: { b: [12, 41] } }, (e) => e.checkLimits(20, new Map([['b', [12, 41]]]))],
  heartbeat: [{ op: 'heartbeat', node: 1, now: 14, storageOk: false }, (e) => (e.heartbeat(1, 14, { storageOk: false }), null)],
  sweepHealth: [{ op: 'sweepHealth', now: 50 }, (e) => e.sweepHealth(50)],
  drainDispatch: [{ op: 'drainDispatch', node: 1 }, (e) => e.drainDispatch(1)],
  pendingDispatch: [{ op: 'pendingDispatch', node: 1 }, (e) => e.pendingDispatch(1)],
  taskView: [{ op: 'taskView', taskId: 'g#1' }, (e) => e.taskView('g#1')],
  counts: [{ op: 'counts' }, (e) => e.counts()],
  running: [{ op: 'running', user: 'u1' }, (e) => e.running('u1')],
  state: [{ op: 'state' }, (e) => e.state()],
  explain: [{ op: 'explain', taskId: 'huge' }, (e) => e.explain('huge')],
  params: [{ op: 'params' }, (e) => e.params],
  now: [{ op: 'now' }, (e) => e.now],
};

const ENGINES = [['reference engine', (p: { historyLength: number }) => new ReferenceEngine(p)], ['WebAssembly engine', (p: { historyLength: number }) => new Engine(p)]] as const;

describe('applyCommand: every op', () => {
  for (const [name, make] of ENGINES) {
    for (const op of IPTAS_OPS) {
      it(`${name}, ${op}: same answer and same state as the direct call`, () => {
        const [command, direct] = SAMPLES[op];
        const viaCommand = seeded(make);
        const viaCall = seeded(make);
        // engine.apply, the method the host calls (applyCommand on the engine)
        const r = (viaCommand as Applies).apply(command);
        const expected = direct(viaCall);
        expect(r).toEqual({ ok: true, op, result: expected });
        expect(dump(viaCommand)).toBe(dump(viaCall));
        // the same command as JSON text, by the method and by the function
        const again = seeded(make);
        expect(JSON.stringify((again as Applies).applyLine(JSON.stringify(command)))).toBe(JSON.stringify(r));
        const third = seeded(make);
        expect(JSON.stringify(applyCommandLine(third, JSON.stringify(command)))).toBe(JSON.stringify(r));
      });
    }

    it(`${name}: apply and applyLine reject as applyCommand does and change nothing`, () => {
      const e = seeded(make) as Applies;
      const before = dump(e);
      const bad = { op: 'submit', id: 'z', user: 'u1', demand: [1, -1], dataGB: 1, requestTime: 5 };
      const r = e.apply(bad);
      expect(r).toEqual(applyCommand(seeded(make), bad));
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.error.field).toBe('command.demand[1]');
      expect(e.applyLine('{"op": "runRound", "now": ')).toMatchObject({ ok: false, error: { code: 'PARSE_ERROR', field: 'command' } });
      expect(e.apply({ op: 'complete', taskId: 'nope', status: 'ok', actualTime: 1 })).toMatchObject({ ok: false, error: { code: 'INDEX_OUT_OF_RANGE', field: 'command.taskId' } });
      expect(dump(e)).toBe(before);
    });
  }

  // The dispatch goes through the IptasEngine interface: both engines answer each command alike.
  for (const op of IPTAS_OPS) {
    it(`${op}: the WebAssembly engine answers as the reference`, () => {
      const [command] = SAMPLES[op];
      const ref = seeded(ENGINES[0][1]);
      const wasm = seeded(ENGINES[1][1]);
      expect(JSON.stringify(applyCommand(wasm, command))).toBe(JSON.stringify(applyCommand(ref, command)));
      expect(dump(wasm)).toBe(dump(ref));
    });
  }

  it('checkLimits without usage, heartbeat without storageOk, addNode with capacity only', () => {
    const a = seeded();
    const b = seeded();
    expect(applyCommand(a, { op: 'checkLimits', now: 40 })).toEqual({ ok: true, op: 'checkLimits', result: b.checkLimits(40) });
    expect(applyCommand(a, { op: 'heartbeat', node: 1, now: 41 })).toEqual({ ok: true, op: 'heartbeat', result: (b.heartbeat(1, 41), null) });
    expect(applyCommand(a, { op: 'addNode', capacity: [1, 1] })).toEqual({ ok: true, op: 'addNode', result: b.addNode({ capacity: [1, 1] }) });
    expect(dump(a)).toBe(dump(b));
  });
});

describe('applyCommand: rejected commands name the field and change nothing', () => {
  const submit = { op: 'submit', id: 'z', user: 'u', demand: [1, 1], dataGB: 1, requestTime: 1 };
  const cases: [string, unknown, string, string][] = [
    ['missing field', { op: 'submit', id: 'z', user: 'u', demand: [1, 1], dataGB: 1 }, 'command.requestTime', 'INVALID_OPTION'],
    ['wrong type', { ...submit, dataGB: '1' }, 'command.dataGB', 'INVALID_OPTION'],
    ['negative demand', { ...submit, demand: [1, -1] }, 'command.demand[1]', 'INVALID_OPTION'],
    ['NaN demand (JS object)', { ...submit, demand: [NaN, 1] }, 'command.demand[0]', 'INVALID_OPTION'],
    ['Infinity (JS object)', { ...submit, requestTime: Infinity }, 'command.requestTime', 'INVALID_OPTION'],
    ['zero requestTime', { ...submit, requestTime: 0 }, 'command.requestTime', 'INVALID_OPTION'],
    ['extra property', { ...submit, priority: 3 }, 'command.priority', 'INVALID_OPTION'],
    ['unknown op', { op: 'reboot' }, 'command.op', 'INVALID_OPTION'],
    ['missing op', { now: 3 }, 'command.op', 'INVALID_OPTION'],
    ['op not a string', { op: 7 }, 'command.op', 'INVALID_OPTION'],
    ['not an object', [submit], 'command', 'INVALID_OPTION'],
    ['null', null, 'command', 'INVALID_OPTION'],
    ['fractional node index', { op: 'drainDispatch', node: 1.5 }, 'command.node', 'INVALID_OPTION'],
    ['procs above the limit', { ...submit, op: 'submitGang', procs: MAX_GANG_PROCS + 1 }, 'command.procs', 'INVALID_OPTION'],
    ['bad status', { op: 'complete', taskId: 'b', status: 'done', actualTime: 1 }, 'command.status', 'INVALID_OPTION'],
    ['bad usage vector', { op: 'checkLimits', now: 20, usage: { b: [1, 'x'] } }, 'command.usage.b[1]', 'INVALID_OPTION'],
    ['empty usage key', { op: 'checkLimits', now: 20, usage: { '': [1, 1] } }, 'command.usage', 'INVALID_OPTION'],
    // engine-level
    ['demand of the wrong length', { ...submit, demand: [1, 1, 1] }, 'command.demand', 'DIMENSION_MISMATCH'],
    ['duplicate task id', { ...submit, id: 'a' }, 'command.id', 'INVALID_OPTION'],
    ['unknown task', { op: 'explain', taskId: 'nope' }, 'command.taskId', 'INDEX_OUT_OF_RANGE'],
    ['unknown node', { op: 'residual', node: 99 }, 'command.node', 'INDEX_OUT_OF_RANGE'],
    ['task not running', { op: 'complete', taskId: 'a', status: 'ok', actualTime: 1 }, 'command.taskId', 'INVALID_OPTION'],
    ['cancel of a task that has ended', { op: 'cancel', taskId: 'a' }, 'command.taskId', 'INVALID_OPTION'],
    ['cancel of an unknown task', { op: 'cancel', taskId: 'nope' }, 'command.taskId', 'INDEX_OUT_OF_RANGE'],
    ['cancel without a task', { op: 'cancel' }, 'command.taskId', 'INVALID_OPTION'],
    ['cancel of an empty task id', { op: 'cancel', taskId: '' }, 'command.taskId', 'INVALID_OPTION'],
    ['purge with an argument', { op: 'purge', taskId: 'a' }, 'command.taskId', 'INVALID_OPTION'],
    ['time going backwards', { op: 'runRound', now: 11 }, 'command.now', 'INVALID_OPTION'],
    ['usage of a waiting task', { op: 'checkLimits', now: 20, usage: { c: [1, 1] } }, 'command.usage.c', 'INVALID_OPTION'],
    ['usage of an unknown task', { op: 'checkLimits', now: 20, usage: { nope: [1, 1] } }, 'command.usage.nope', 'INDEX_OUT_OF_RANGE'],
    ['usage vector of the wrong length', { op: 'checkLimits', now: 20, usage: { b: [1] } }, 'command.usage.b', 'DIMENSION_MISMATCH'],
    ['capacity below what runs', { op: 'updateNode', node: 1, capacity: [1, 1] }, 'command.capacity', 'INVALID_OPTION'],
  ];
  for (const [name, command, field, code] of cases) {
    it(name, () => {
      const e = seeded();
      const before = dump(e);
      const r = applyCommand(e, command);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.field).toBe(field);
      expect(r.error.code).toBe(code);
      if (code === 'INVALID_OPTION' && !['command.id', 'command.taskId', 'command.now', 'command.usage', 'command.usage.c', 'command.capacity'].includes(field)) {
        expect(r.error.message.startsWith(field)).toBe(true);
      }
      expect(dump(e)).toBe(before);
    });
  }

  it('messages read well', () => {
    const e = seeded();
    const msg = (c: unknown): string => { const r = applyCommand(e, c); return r.ok ? '' : r.error.message; };
    expect(msg({ ...submit, demand: [1, -1] })).toBe('command.demand[1] must be >= 0, got -1');
    expect(msg({ op: 'reboot' })).toMatch(/^command\.op must be one of addNode, removeNode, .* now; got "reboot"$/);
    // A BigInt op was a TypeError ("Do not know how to serialize a BigInt"; found by an API fuzz), a symbol "got undefined".
    expect(validateCommand({ op: 1n })).toEqual({ code: 'INVALID_OPTION', field: 'command.op', message: expect.stringMatching(/^command\.op must be one of addNode, .* now; got 1n$/) });
    expect(msg({ op: Symbol('reboot') })).toMatch(/; got Symbol\(reboot\)$/);
    expect(msg({ ...submit, priority: 3 })).toBe('command.priority is not a field of op "submit"');
    expect(msg({ op: 'submit' })).toBe('command.id is required');
    expect(msg({ op: 'runRound', now: 'soon' })).toBe('command.now must be a finite number, got "soon"');
    // A misspelt field is named, with the field it most likely means, before the field it leaves missing.
    expect(msg({ op: 'runRound', nw: 3 })).toBe('command.nw is not a field of op "runRound" (did you mean now?)');
    expect(msg({ op: 'complete', taskId: 't', status: 'done', actualTime: 1 })).toBe('command.status must be one of "ok", "failed"; got "done"');
    expect(msg({ op: 'checkLimits', now: 1, usage: { '': [1] } })).toBe('command.usage has an invalid key "": keys must be non-empty task ids');
    expect(applyCommand(e, { op: 'reboot' })).toMatchObject({ ok: false, op: 'reboot' });
    expect(validateCommand({ op: 'counts' })).toBeUndefined();
  });

  it('bad JSON text is a PARSE_ERROR; 1e400 (Infinity after parsing) is rejected', () => {
    const e = seeded();
    const before = dump(e);
    expect(applyCommandLine(e, '{"op": "counts"')).toMatchObject({ ok: false, error: { code: 'PARSE_ERROR', field: 'command' } });
    expect(applyCommandLine(e, '')).toMatchObject({ ok: false, error: { code: 'PARSE_ERROR' } });
    expect(applyCommandLine(e, '{"op":"runRound","now":1e400}')).toMatchObject({ ok: false, error: { field: 'command.now' } });
    expect(applyCommandLine(e, '{"op":"checkLimits","now":20,"usage":{"__proto__":[1,1]}}')).toMatchObject({ ok: false, error: { code: 'INDEX_OUT_OF_RANGE' } });
    expect(dump(e)).toBe(before);
  });
});

// ------------------------------------------------------------------ fuzzing

const JUNK: unknown[] = ['NaN', 'Infinity', '-1', '1e999', '', 'x', null, true, false, [], {}, [null], { op: 'counts' }, -1, -1e-9, 1e308, -1e308,
  2 ** 53, Number.MAX_SAFE_INTEGER + 2, 0.5, NaN, Infinity, -Infinity, 1e-320];

/** A valid command built from the engine's current state and the numbers `a`, `b`. */
function validCommand(s: ReturnType<ReferenceEngine['state']>, a: number, b: number, fresh: string): IptasCommand {
  const nodes = s.nodes.filter((n) => !n.removed).map((n) => n.index);
  const node = nodes.length > 0 ? nodes[b % nodes.length]! : b % 4;
  const pick = (state?: string): string => {
    const ts = s.tasks.filter((t) => state === undefined || t.state === state);
    return ts.length > 0 ? ts[b % ts.length]!.id : `t${b % 7}`;
  };
  const clock = s.clock;
  const task = { id: fresh, user: `u${b % 3}`, demand: [b % 3, (b >> 2) % 5], dataGB: (b * 7) % 200, requestTime: 1 + (b % 50) };
  switch (a % 26) {
    case 0: case 1: return { op: 'addNode', capacity: [1 + (b % 8), 1 + ((b >> 3) % 16)], ...(b % 2 ? { speed: b % 3 } : {}) };
    case 2: return { op: 'removeNode', node };
    case 3: return { op: 'updateNode', node, speed: b % 3, ...(b % 4 === 0 ? { capacity: [20, 70] } : {}) };
    case 4: case 5: case 6: return { op: 'submit', ...task, ...(b % 3 === 0 ? { submitTime: clock } : {}) };
    case 7: return { op: 'submitGang', ...task, procs: 1 + (b % 4) };
    case 8: case 9: return { op: 'runRound', now: clock + (b % 5) };
    case 10: case 11: return { op: 'complete', taskId: pick('running'), status: b % 4 === 0 ? 'failed' : 'ok', actualTime: b % 30 };
    case 12: {
      const id = pick('running');
      const t = s.tasks.find((x) => x.id === id);
      const usage = t && b % 2 === 0 ? { [id]: t.demand.map((d, k) => d + (k === b % 2 ? b % 2 : 0)) } : undefined;
      return { op: 'checkLimits', now: clock + (b % 10), ...(usage ? { usage } : {}) };
    }
    case 13: return { op: 'heartbeat', node, now: clock + (b % 3), ...(b % 3 ? { storageOk: b % 5 !== 0 } : {}) };
    case 14: return { op: 'sweepHealth', now: clock + (b % 40) };
    case 15: return { op: 'drainDispatch', node };
    case 16: return { op: 'taskView', taskId: pick() };
    case 17: return { op: 'explain', taskId: pick('waiting') };
    case 18: return { op: 'residual', node };
    case 19: return { op: 'isUp', node };
    case 20: return { op: 'pendingDispatch', node };
    case 21: return { op: 'epsilon', user: `u${b % 3}` };
    case 22: return b % 2 ? { op: 'counts' } : { op: 'nodeOrder' };
    // Any task: waiting and running ones are cancelled (a gang's members with them), ended ones refused.
    case 23: return { op: 'cancel', taskId: pick(b % 3 === 0 ? undefined : b % 3 === 1 ? 'waiting' : 'running') };
    // The ended tasks forgotten: later commands name them as unknown ids, or submit them again.
    case 24: return { op: 'purge' };
    default: return b % 3 === 0 ? { op: 'state' } : b % 3 === 1 ? { op: 'params' } : { op: 'now' };
  }
}

type Step = { kind: 'object'; command: unknown } | { kind: 'text'; line: string };

/** A random mutation (kind `m`) of a valid command; kind 0 leaves it valid. */
function mutate(c: IptasCommand, m: number, b: number, junk: unknown, clock: number): Step {
  const o: Record<string, unknown> = { ...c };
  const keys = Object.keys(o);
  const key = keys[b % keys.length]!;
  const arrays = keys.filter((k) => Array.isArray(o[k]));
  switch (m % 12) {
    case 0: return { kind: 'object', command: o };
    case 1: delete o[key]; return { kind: 'object', command: o };
    case 2: o[`extra${b % 3}`] = junk; return { kind: 'object', command: o };
    case 3: o[key] = junk; return { kind: 'object', command: o };
    case 4: o[key] = JUNK[b % JUNK.length]; return { kind: 'object', command: o };
    case 5: {
      if (arrays.length === 0) { o[key] = -1 - b; return { kind: 'object', command: o }; }
      const k = arrays[b % arrays.length]!;
      const v = [...(o[k] as unknown[])];
      v[b % (v.length + 1)] = JUNK[(b >> 2) % JUNK.length];
      o[k] = v;
      return { kind: 'object', command: o };
    }
    case 6: // unknown ids
      if ('taskId' in o) o.taskId = `nope${b}`;
      if ('node' in o) o.node = 50 + b;
      if ('usage' in o) o.usage = { [`nope${b}`]: [0, 0] };
      return { kind: 'object', command: o };
    case 7: // time going backwards
      if ('now' in o) o.now = Math.max(0, clock - 1 - (b % 5));
      return { kind: 'object', command: o };
    case 8: { // bad or truncated JSON text, or a number JSON cannot carry
      const text = JSON.stringify(o);
      if (b % 3 === 0) return { kind: 'text', line: text.slice(0, b % text.length) };
      if (b % 3 === 1) return { kind: 'text', line: text.replace(/:(\d+(\.\d+)?)/, ':1e400') };
      return { kind: 'text', line: `${text}${'}]x,'[b % 4]}` };
    }
    case 9: // vectors of the wrong length
      for (const k of arrays) o[k] = [...(o[k] as unknown[]), 1];
      if ('usage' in o) o.usage = Object.fromEntries(Object.entries(o.usage as object).map(([t, v]) => [t, [v as unknown[]][0]!.slice(1)]));
      return { kind: 'object', command: o };
    case 10: return { kind: 'object', command: junk };
    default: o.op = ['submit', 'runRound', 'complete', 'Submit', 'state ', '__proto__', 'constructor', 'toString'][b % 8]; return { kind: 'object', command: o };
  }
}

describe('fuzzed commands', () => {
  for (const [name, make] of ENGINES) {
  it(`${name}: a rejected command never changes the state; an accepted one never throws`, () => {
    const tally = { accepted: 0, rejected: 0, engineRejected: 0 };
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 30 }), fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 80, size: 'max' }),
      (steps) => {
        const e = seeded(make);
        let fresh = 0;
        for (const [a, b, m, junk] of steps) {
          const s = e.state();
          const before = JSON.stringify(s);
          const step = mutate(validCommand(s, a, b, `f${fresh++}`), m < 12 ? m : 0, b, junk, s.clock);
          const r: CommandResult = step.kind === 'text' ? applyCommandLine(e, step.line) : applyCommand(e, step.command);
          expect(() => JSON.stringify(r)).not.toThrow();
          if (r.ok) {
            tally.accepted += 1;
            continue;
          }
          tally.rejected += 1;
          if (step.kind === 'object' && validateCommand(step.command) === undefined) tally.engineRejected += 1;
          expect(ERROR_CODES).toContain(r.error.code);
          expect(r.error.field).toMatch(/^command($|[.[])/);
          expect(r.error.message.length).toBeGreaterThan(0);
          expect(JSON.stringify(e.state())).toBe(before);
        }
      },
    ), { numRuns: 150 });
    expect(tally.accepted).toBeGreaterThan(1000);
    expect(tally.rejected).toBeGreaterThan(1000);
    expect(tally.engineRejected).toBeGreaterThan(50);
  });
  }
});

// ------------------------------------------------------------------ the example host

async function runHost(lines: string[], args: string[] = []): Promise<{ code: number; answers: unknown[] }> {
  const input = new PassThrough();
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (d: Buffer) => chunks.push(d.toString()));
  const done = host({ input, output, args });
  input.end(lines.join('\n'));
  const code = await done;
  const text = chunks.join('');
  return { code, answers: text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown) };
}

describe('examples/iptas-host.ts', () => {
  const script = [
    '{"op":"addNode","capacity":[4]}',
    '{"op":"addNode","capacity":[2]}',
    '{"op":"submit","id":"a","user":"u1","demand":[1],"dataGB":5,"requestTime":60}',
    '{"op":"submitGang","id":"g","user":"u2","demand":[1],"dataGB":5,"requestTime":60,"procs":2}',
    '',
    'not json',
    '{"op":"submit","id":"b","user":"u1","demand":[-1],"dataGB":5,"requestTime":60}',
    '{"op":"runRound","now":0}',
    '{"op":"checkLimits","now":100}',
    '{"op":"runRound","now":50}',
    '{"op":"drainDispatch","node":1}',
    '{"op":"counts"}',
    '{"op":"submit","id":"c","user":"u1","demand":[1],"dataGB":5,"requestTime":60}',
    '{"op":"cancel","taskId":"c"}',
    '{"op":"cancel","taskId":"c"}',
    '{"op":"counts"}',
  ];

  it('answers one JSON line per command, errors included, in order', async () => {
    const { code, answers } = await runHost(script, ['--params', '{"dims":1}']);
    expect(code).toBe(0);
    expect(answers).toHaveLength(script.length - 1);
    expect(answers[0]).toEqual({ ok: true, op: 'addNode', result: 0 });
    expect(answers[3]).toEqual({ ok: true, op: 'submitGang', result: ['g#0', 'g#1'] });
    expect(answers[4]).toMatchObject({ ok: false, error: { code: 'PARSE_ERROR', field: 'command' } });
    expect(answers[5]).toMatchObject({ ok: false, op: 'submit', error: { code: 'INVALID_OPTION', field: 'command.demand[0]' } });
    expect(answers[6]).toEqual({ ok: true, op: 'runRound', result: { placements: [{ task: 'a', node: 1 }, { task: 'g#0', node: 1 }, { task: 'g#1', node: 0 }], waiting: [] } });
    expect(answers[7]).toEqual({ ok: true, op: 'checkLimits', result: [{ task: 'a', reason: 'time' }, { task: 'g#0', reason: 'time' }, { task: 'g#1', reason: 'time' }] });
    expect(answers[8]).toMatchObject({ ok: false, op: 'runRound', error: { field: 'command.now' } });
    expect(answers[9]).toEqual({ ok: true, op: 'drainDispatch', result: ['a', 'g#0'] });
    expect(answers[10]).toEqual({ ok: true, op: 'counts', result: { waiting: 0, running: 0, ok: 0, failed: 0, killed: 3, cancelled: 0, total: 3 } });
    // cancel is forwarded as any engine command.
    expect(answers[12]).toEqual({ ok: true, op: 'cancel', result: ['c'] });
    expect(answers[13]).toMatchObject({ ok: false, op: 'cancel', error: { code: 'INVALID_OPTION', field: 'command.taskId', message: "task 'c' is cancelled: it has ended, there is nothing to cancel" } });
    expect(answers[14]).toEqual({ ok: true, op: 'counts', result: { waiting: 0, running: 0, ok: 0, failed: 0, killed: 3, cancelled: 1, total: 4 } });
  });

  it('checkpoints to a file and continues from it (snapshot / restore), refusing bad files with the engine unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairfit-host-'));
    try {
      const file = join(dir, 'engine.ffen');
      writeFileSync(join(dir, 'junk.ffen'), 'not a snapshot at all, not even its header');
      const lines = [
        '{"op":"addNode","capacity":[4]}',
        '{"op":"submit","id":"a","user":"u1","demand":[1],"dataGB":5,"requestTime":60}',
        `{"op":"snapshot","file":${JSON.stringify(file)}}`,
        '{"op":"submit","id":"b","user":"u1","demand":[1],"dataGB":5,"requestTime":60}',
        `{"op":"snapshot","file":${JSON.stringify(file + '2')}}`, // the bytes kept from the first checkpoint are used again
        `{"op":"restore","file":${JSON.stringify(file)}}`,
        '{"op":"runRound","now":0}',
        `{"op":"restore","file":${JSON.stringify(join(dir, 'missing.ffen'))}}`,
        `{"op":"restore","file":${JSON.stringify(join(dir, 'junk.ffen'))}}`,
        `{"op":"snapshot","file":${JSON.stringify(join(dir, 'no-such-dir', 'x.ffen'))}}`,
        `{"op":"snapshot","file":${JSON.stringify(file)},"extra":1}`,
        '{"op":"restore"}',
        '{"op":"counts"}',
        `{"op":"restore","file":${JSON.stringify(file + '2')}}`,
        '{"op":"runRound","now":1}',
        `{"op":"snapshot","file":${JSON.stringify(join(dir, 'a-folder'))}}`, // written to a-folder.tmp, the rename refused
      ];
      mkdirSync(join(dir, 'a-folder'));
      const { code, answers } = await runHost(lines, ['--params', '{"dims":1}']);
      expect(code).toBe(0);
      expect(answers[2]).toMatchObject({ ok: true, op: 'snapshot', result: { bytes: expect.any(Number) as unknown } });
      expect(answers[4]).toMatchObject({ ok: true, op: 'snapshot' });
      // Continued from the first checkpoint: task b was never submitted.
      expect(answers[5]).toEqual({ ok: true, op: 'restore', result: { waiting: 1, running: 0, ok: 0, failed: 0, killed: 0, cancelled: 0, total: 1 } });
      expect(answers[6]).toEqual({ ok: true, op: 'runRound', result: { placements: [{ task: 'a', node: 0 }], waiting: [] } });
      expect(answers[7]).toMatchObject({ ok: false, op: 'restore', error: { code: 'FILE_NOT_FOUND', field: 'command.file' } });
      expect(answers[8]).toMatchObject({ ok: false, op: 'restore', error: { code: 'CORRUPT_INPUT', field: 'command.file' } });
      expect(answers[9]).toMatchObject({ ok: false, op: 'snapshot', error: { code: 'OUTPUT_ERROR', field: 'command.file' } });
      expect(answers[10]).toMatchObject({ ok: false, op: 'snapshot', error: { code: 'INVALID_OPTION', field: 'command.extra' } });
      expect(answers[11]).toMatchObject({ ok: false, op: 'restore', error: { code: 'INVALID_OPTION', field: 'command.file' } });
      // None of the refusals changed the engine: still the restored one, a running.
      expect(answers[12]).toEqual({ ok: true, op: 'counts', result: { waiting: 0, running: 1, ok: 0, failed: 0, killed: 0, cancelled: 0, total: 1 } });
      // The second checkpoint (a and b waiting) decides as the engine it was taken from would have.
      expect(answers[13]).toMatchObject({ ok: true, op: 'restore', result: { waiting: 2, total: 2 } });
      expect(answers[14]).toEqual({ ok: true, op: 'runRound', result: { placements: [{ task: 'a', node: 0 }, { task: 'b', node: 0 }], waiting: [] } });
      expect(answers[15]).toMatchObject({ ok: false, op: 'snapshot', error: { code: 'OUTPUT_ERROR', field: 'command.file' } });
      expect(existsSync(join(dir, 'a-folder.tmp'))).toBe(false);
      // Each checkpoint is the same bytes as a snapshot of that engine taken directly.
      using direct = new Engine({ dims: 1 });
      direct.addNode({ capacity: [4] });
      direct.submit({ id: 'a', user: 'u1', demand: [1], dataGB: 5, requestTime: 60 });
      expect(new Uint8Array(readFileSync(file))).toEqual(direct.snapshot());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad --params: one error line, exit code 2', async () => {
    const { code, answers } = await runHost(['{"op":"now"}'], ['--params', '{"dims":0}']);
    expect(code).toBe(2);
    expect(answers).toEqual([{ ok: false, error: { code: 'INVALID_OPTION', message: expect.stringContaining('dims') as unknown, field: 'params.dims' } }]);
  });

  it("any other argument (a misspelt --param) is refused, not run with the defaults; the host's own commands name a missing field as the engine's do", async () => {
    const bad = await runHost(['{"op":"now"}'], ['--param', '{"dims":1}']);
    expect(bad.code).toBe(2);
    expect(bad.answers).toEqual([{ ok: false, error: { code: 'INVALID_OPTION', message: "unknown argument '--param': the only option is --params '<IptasParams as JSON>'", field: 'args' } }]);
    const { answers } = await runHost(['{"op":"snapshot"}', '{"op":"restore","file":"x","mode":1}'], []);
    expect(answers).toEqual([
      { ok: false, op: 'snapshot', error: { code: 'INVALID_OPTION', message: 'command.file is required', field: 'command.file' } },
      { ok: false, op: 'restore', error: { code: 'INVALID_OPTION', message: 'command.mode is not a field of op "restore"', field: 'command.mode' } },
    ]);
  });

  it('imports only the public entry point, as a host of its own would', () => {
    const code = readFileSync(new URL('../../examples/iptas-host.ts', import.meta.url), 'utf8');
    expect([...code.matchAll(/from '(\.[^']*)'/g)].map((m) => m[1])).toEqual(['../src/index.ts']);
  });

  it('runs as a process: stdin to stdout', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const child = execFile(process.execPath, ['--import', 'tsx', 'examples/iptas-host.ts'], { cwd: new URL('../..', import.meta.url) }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
      child.stdin!.end('{"op":"addNode","capacity":[1,1]}\n{"op":"bogus"}\n{"op":"nodeOrder"}\n');
    });
    expect(out.trim().split('\n').map((l) => JSON.parse(l) as { ok: boolean })).toMatchObject([{ ok: true, result: 0 }, { ok: false, op: 'bogus' }, { ok: true, result: [0] }]);
  });
});
