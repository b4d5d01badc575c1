/**
 * The JSON command language of an IPTAS engine: the JSON Schema (draft 2020-12) of
 * one command, and the TypeScript types that mirror it. A command is one object
 * `{ "op": <engine call>, …arguments }`, one `op` per member of {@link IptasEngine}
 * (`src/systems/iptas/engine-api.ts`), with the call's arguments as flat fields.
 *
 * The schema is written here, as a `const` object, so that the compiler can check
 * that it and {@link IptasCommand} name the same ops, fields and required fields
 * (see the type-level checks at the end of this file); the file
 * `schemas/iptas-command.schema.json` shipped in the package is this object
 * serialised (`test/iptas/commands.test.ts` checks the two are identical and
 * rewrites the file when run with `FAIRFIT_WRITE_SCHEMA=1`).
 *
 * The schema checks shapes, types and signs; what depends on the engine's state
 * (vector length = `params.dims`, known node / task ids, time not going backwards,
 * task state) is checked by the engine itself. Commands are applied by
 * `applyCommand` (`src/systems/iptas/commands.ts`).
 *
 * @module
 */
import type { IptasEngine } from './engine-api.ts';

/** Largest `procs` a `submitGang` command may ask for (a limit of the command layer, not of the engine). */
export const MAX_GANG_PROCS = 100_000;

/** The ops of the command language, in the schema's order: exactly the members of {@link IptasEngine}. */
export const IPTAS_OPS = [
  'addNode', 'removeNode', 'updateNode', 'nodeOrder', 'residual', 'isUp',
  'submit', 'submitGang', 'runRound', 'complete', 'cancel', 'purge', 'epsilon', 'checkLimits',
  'heartbeat', 'sweepHealth', 'drainDispatch', 'pendingDispatch',
  'taskView', 'counts', 'running', 'state', 'explain', 'params', 'now',
] as const;

const nonNegative = { type: 'number', minimum: 0 } as const;
const vector = { $ref: '#/$defs/vector' } as const;
const nodeIndex = { $ref: '#/$defs/nodeIndex' } as const;
const time = { $ref: '#/$defs/time' } as const;
const taskId = { $ref: '#/$defs/taskId' } as const;

const taskFields = {
  id: taskId,
  user: { type: 'string', minLength: 1 },
  demand: vector,
  dataGB: nonNegative,
  requestTime: { type: 'number', exclusiveMinimum: 0 },
  submitTime: nonNegative,
} as const;

/**
 * The JSON Schema (draft 2020-12) of one IPTAS command: a `oneOf` over the ops,
 * discriminated by `op` (the non-standard `discriminator` keyword is the one Ajv and
 * OpenAPI understand; other validators ignore it). Every op's object has
 * `additionalProperties: false`.
 */
export const IPTAS_COMMAND_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:fairfit:schemas:iptas-command',
  title: 'IPTAS engine command',
  description: 'One call of an IPTAS engine (fairfit, docs/model.md "IPTAS JSON commands"): { "op": <call>, ...arguments }. Validate with Ajv 2020 and the options { discriminator: true, strictNumbers: true }: "discriminator" is the OpenAPI keyword Ajv knows by that option, and strictNumbers refuses NaN and Infinity (1e400 in JSON text parses to Infinity).',
  type: 'object',
  required: ['op'],
  properties: { op: { description: 'The engine call.', enum: IPTAS_OPS } },
  discriminator: { propertyName: 'op' },
  oneOf: [
    { $ref: '#/$defs/addNode' },
    { $ref: '#/$defs/removeNode' },
    { $ref: '#/$defs/updateNode' },
    { $ref: '#/$defs/nodeOrder' },
    { $ref: '#/$defs/residual' },
    { $ref: '#/$defs/isUp' },
    { $ref: '#/$defs/submit' },
    { $ref: '#/$defs/submitGang' },
    { $ref: '#/$defs/runRound' },
    { $ref: '#/$defs/complete' },
    { $ref: '#/$defs/cancel' },
    { $ref: '#/$defs/purge' },
    { $ref: '#/$defs/epsilon' },
    { $ref: '#/$defs/checkLimits' },
    { $ref: '#/$defs/heartbeat' },
    { $ref: '#/$defs/sweepHealth' },
    { $ref: '#/$defs/drainDispatch' },
    { $ref: '#/$defs/pendingDispatch' },
    { $ref: '#/$defs/taskView' },
    { $ref: '#/$defs/counts' },
    { $ref: '#/$defs/running' },
    { $ref: '#/$defs/state' },
    { $ref: '#/$defs/explain' },
    { $ref: '#/$defs/params' },
    { $ref: '#/$defs/now' },
  ],
  $defs: {
    vector: {
      description: 'One number ≥ 0 per resource dimension; the engine requires exactly params.dims of them.',
      type: 'array', minItems: 1, maxItems: 8, items: nonNegative,
    },
    nodeIndex: { description: 'A node index, as addNode returned it.', type: 'integer', minimum: 0 },
    time: { description: 'A time (unit of the caller); must be ≥ the engine clock.', type: 'number', minimum: 0 },
    taskId: { type: 'string', minLength: 1 },

    addNode: {
      description: 'Adds an up node; result: its index.',
      type: 'object', additionalProperties: false, required: ['op', 'capacity'],
      properties: { op: { const: 'addNode' }, id: { type: 'string' }, capacity: vector, speed: nonNegative, vcpus: nonNegative, mem: nonNegative },
    },
    removeNode: {
      description: 'Removes a node for good; result: { down, requeued, failed }.',
      type: 'object', additionalProperties: false, required: ['op', 'node'],
      properties: { op: { const: 'removeNode' }, node: nodeIndex },
    },
    updateNode: {
      description: "Changes a node's capacity or weight inputs; result: null.",
      type: 'object', additionalProperties: false, required: ['op', 'node'],
      properties: { op: { const: 'updateNode' }, node: nodeIndex, capacity: vector, speed: nonNegative, vcpus: nonNegative, mem: nonNegative },
    },
    nodeOrder: {
      description: 'Result: the up nodes in first-fit order.',
      type: 'object', additionalProperties: false, required: ['op'],
      properties: { op: { const: 'nodeOrder' } },
    },
    residual: {
      description: "Result: a node's residual vector.",
      type: 'object', additionalProperties: false, required: ['op', 'node'],
      properties: { op: { const: 'residual' }, node: nodeIndex },
    },
    isUp: {
      description: 'Result: whether a node is up.',
      type: 'object', additionalProperties: false, required: ['op', 'node'],
      properties: { op: { const: 'isUp' }, node: nodeIndex },
    },
    submit: {
      description: 'Submits one task; result: its id.',
      type: 'object', additionalProperties: false, required: ['op', 'id', 'user', 'demand', 'dataGB', 'requestTime'],
      properties: { op: { const: 'submit' }, ...taskFields },
    },
    submitGang: {
      description: 'Submits a gang of procs tasks <id>#0 … <id>#(procs−1); result: the member ids.',
      type: 'object', additionalProperties: false, required: ['op', 'id', 'user', 'demand', 'dataGB', 'requestTime', 'procs'],
      properties: { op: { const: 'submitGang' }, ...taskFields, procs: { type: 'integer', minimum: 1, maximum: MAX_GANG_PROCS } },
    },
    runRound: {
      description: 'One scheduling round; result: { placements: [{ task, node }], waiting }.',
      type: 'object', additionalProperties: false, required: ['op', 'now'],
      properties: { op: { const: 'runRound' }, now: time },
    },
    complete: {
      description: 'A running task ends; result: its new state.',
      type: 'object', additionalProperties: false, required: ['op', 'taskId', 'status', 'actualTime'],
      properties: { op: { const: 'complete' }, taskId, status: { enum: ['ok', 'failed'] }, actualTime: nonNegative },
    },
    cancel: {
      description: 'The host withdraws a waiting or running task, and the members of its gang that have not ended; result: the ids cancelled, in submission order.',
      type: 'object', additionalProperties: false, required: ['op', 'taskId'],
      properties: { op: { const: 'cancel' }, taskId },
    },
    purge: {
      description: 'Forgets every task that has ended (a gang only once none of its members waits or runs); the kept tasks keep their order and get handles 0..kept−1; result: how many were forgotten.',
      type: 'object', additionalProperties: false, required: ['op'],
      properties: { op: { const: 'purge' } },
    },
    epsilon: {
      description: "Result: a user's ε_u.",
      type: 'object', additionalProperties: false, required: ['op', 'user'],
      properties: { op: { const: 'epsilon' }, user: { type: 'string' } },
    },
    checkLimits: {
      description: 'Kills tasks over their usage or run-time limit; usage maps task id → usage vector; result: [{ task, reason, dimension? }].',
      type: 'object', additionalProperties: false, required: ['op', 'now'],
      properties: {
        op: { const: 'checkLimits' }, now: time,
        usage: { type: 'object', propertyNames: { type: 'string', minLength: 1 }, additionalProperties: vector },
      },
    },
    heartbeat: {
      description: 'A node reports; result: null.',
      type: 'object', additionalProperties: false, required: ['op', 'node', 'now'],
      properties: { op: { const: 'heartbeat' }, node: nodeIndex, now: time, storageOk: { type: 'boolean' } },
    },
    sweepHealth: {
      description: 'Health sweep; result: { down, requeued, failed }.',
      type: 'object', additionalProperties: false, required: ['op', 'now'],
      properties: { op: { const: 'sweepHealth' }, now: time },
    },
    drainDispatch: {
      description: "Empties a node's dispatch ring; result: the task ids, in placement order.",
      type: 'object', additionalProperties: false, required: ['op', 'node'],
      properties: { op: { const: 'drainDispatch' }, node: nodeIndex },
    },
    pendingDispatch: {
      description: "Result: the number of undrained placements in a node's ring.",
      type: 'object', additionalProperties: false, required: ['op', 'node'],
      properties: { op: { const: 'pendingDispatch' }, node: nodeIndex },
    },
    taskView: {
      description: "Result: a task's view.",
      type: 'object', additionalProperties: false, required: ['op', 'taskId'],
      properties: { op: { const: 'taskView' }, taskId },
    },
    counts: {
      description: 'Result: task counts by state.',
      type: 'object', additionalProperties: false, required: ['op'],
      properties: { op: { const: 'counts' } },
    },
    running: {
      description: "Result: a user's running-task count L_u.",
      type: 'object', additionalProperties: false, required: ['op', 'user'],
      properties: { op: { const: 'running' }, user: { type: 'string' } },
    },
    state: {
      description: 'Result: the full state dump.',
      type: 'object', additionalProperties: false, required: ['op'],
      properties: { op: { const: 'state' } },
    },
    explain: {
      description: 'Result: why a task is where it is.',
      type: 'object', additionalProperties: false, required: ['op', 'taskId'],
      properties: { op: { const: 'explain' }, taskId },
    },
    params: {
      description: 'Result: the resolved parameters.',
      type: 'object', additionalProperties: false, required: ['op'],
      properties: { op: { const: 'params' } },
    },
    now: {
      description: 'Result: the engine clock.',
      type: 'object', additionalProperties: false, required: ['op'],
      properties: { op: { const: 'now' } },
    },
  },
} as const;

/** One op name. */
export type IptasOp = (typeof IPTAS_OPS)[number];

/** A vector of one number ≥ 0 per resource dimension (exactly `params.dims` of them). */
export type CommandVector = number[];

/** `addNode`: the fields of a `NodeInput`. */
export interface AddNodeCommand { op: 'addNode'; id?: string; capacity: CommandVector; speed?: number; vcpus?: number; mem?: number }
/** `removeNode`. */
export interface RemoveNodeCommand { op: 'removeNode'; node: number }
/** `updateNode`: the node index and the fields of a `NodeUpdate`. */
export interface UpdateNodeCommand { op: 'updateNode'; node: number; capacity?: CommandVector; speed?: number; vcpus?: number; mem?: number }
/** `nodeOrder`. */
export interface NodeOrderCommand { op: 'nodeOrder' }
/** `residual`. */
export interface ResidualCommand { op: 'residual'; node: number }
/** `isUp`. */
export interface IsUpCommand { op: 'isUp'; node: number }
/** `submit`: the fields of a `TaskInput`. */
export interface SubmitCommand { op: 'submit'; id: string; user: string; demand: CommandVector; dataGB: number; requestTime: number; submitTime?: number }
/** `submitGang`: the fields of a `GangInput`. */
export interface SubmitGangCommand { op: 'submitGang'; id: string; user: string; demand: CommandVector; dataGB: number; requestTime: number; submitTime?: number; procs: number }
/** `runRound`. */
export interface RunRoundCommand { op: 'runRound'; now: number }
/** `complete`: the task id and the fields of the result. */
export interface CompleteCommand { op: 'complete'; taskId: string; status: 'ok' | 'failed'; actualTime: number }
/** `cancel`: the task id (any member of a gang cancels the gang). */
export interface CancelCommand { op: 'cancel'; taskId: string }
/** `purge`: forgets the tasks that have ended. */
export interface PurgeCommand { op: 'purge' }
/** `epsilon`. */
export interface EpsilonCommand { op: 'epsilon'; user: string }
/** `checkLimits`: `usage` maps task id → usage vector (the engine's `Map` as a JSON object). */
export interface CheckLimitsCommand { op: 'checkLimits'; now: number; usage?: Record<string, CommandVector> }
/** `heartbeat`: node, time and the report's field. */
export interface HeartbeatCommand { op: 'heartbeat'; node: number; now: number; storageOk?: boolean }
/** `sweepHealth`. */
export interface SweepHealthCommand { op: 'sweepHealth'; now: number }
/** `drainDispatch`. */
export interface DrainDispatchCommand { op: 'drainDispatch'; node: number }
/** `pendingDispatch`. */
export interface PendingDispatchCommand { op: 'pendingDispatch'; node: number }
/** `taskView`. */
export interface TaskViewCommand { op: 'taskView'; taskId: string }
/** `counts`. */
export interface CountsCommand { op: 'counts' }
/** `running`. */
export interface RunningCommand { op: 'running'; user: string }
/** `state`. */
export interface StateCommand { op: 'state' }
/** `explain`. */
export interface ExplainCommand { op: 'explain'; taskId: string }
/** `params`. */
export interface ParamsCommand { op: 'params' }
/** `now`. */
export interface NowCommand { op: 'now' }

/** One IPTAS command: what {@link IPTAS_COMMAND_SCHEMA} accepts. */
export type IptasCommand =
  | AddNodeCommand | RemoveNodeCommand | UpdateNodeCommand | NodeOrderCommand | ResidualCommand | IsUpCommand
  | SubmitCommand | SubmitGangCommand | RunRoundCommand | CompleteCommand | CancelCommand | PurgeCommand | EpsilonCommand | CheckLimitsCommand
  | HeartbeatCommand | SweepHealthCommand | DrainDispatchCommand | PendingDispatchCommand
  | TaskViewCommand | CountsCommand | RunningCommand | StateCommand | ExplainCommand | ParamsCommand | NowCommand;

/** The command of one op. */
export type CommandOf<K extends IptasOp> = Extract<IptasCommand, { op: K }>;

// ------------------------------------------------------------ type-level agreement checks
// These constants fail to compile (`npx tsc --noEmit`) when the schema, the TypeScript
// types and IptasEngine stop naming the same ops, fields and required fields.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Defs = (typeof IPTAS_COMMAND_SCHEMA)['$defs'];
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type SchemaOps = (typeof IPTAS_COMMAND_SCHEMA)['oneOf'][number]['$ref'] extends `#/$defs/${infer K}` ? K : never;
type FieldsAgree = { [K in IptasOp]: Same<keyof Defs[K]['properties'], keyof CommandOf<K>> };
type RequiredAgree = { [K in IptasOp]: Same<Defs[K]['required'][number], RequiredKeys<CommandOf<K>>> };

const typeChecks: {
  opsAreEngineMembers: Same<IptasOp, keyof IptasEngine>;
  opsAreSchemaOps: Same<IptasOp, SchemaOps>;
  opsAreCommandOps: Same<IptasOp, IptasCommand['op']>;
  fields: FieldsAgree;
  required: RequiredAgree;
} = {
  opsAreEngineMembers: true,
  opsAreSchemaOps: true,
  opsAreCommandOps: true,
  fields: Object.fromEntries(IPTAS_OPS.map((k) => [k, true])) as { [K in IptasOp]: true },
  required: Object.fromEntries(IPTAS_OPS.map((k) => [k, true])) as { [K in IptasOp]: true },
};
void typeChecks;
