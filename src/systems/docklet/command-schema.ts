/**
 * The JSON command language of a virtual-cluster manager: the JSON Schema (draft
 * 2020-12) of one command, and the TypeScript types that mirror it. A command is one
 * object `{ "op": <call>, …arguments }`, one `op` per call of {@link VirtualClusters}
 * (`src/systems/docklet/virtual-clusters.ts`), with the call's arguments as flat fields.
 *
 * As for IPTAS (`src/systems/iptas/command-schema.ts`) the schema is a `const` object
 * the compiler checks against the types (the checks at the end of this file); the
 * shipped file `schemas/docklet-command.schema.json` is this object serialised
 * (`test/docklet/commands.test.ts` checks it and rewrites it with `FAIRFIT_WRITE_SCHEMA=1`).
 * The schema checks shapes, types and signs; what depends on the manager's state (known
 * names, unique ids, fit, quotas) the manager checks.
 *
 * @module
 */
import { MAX_CLUSTER_NODES, PLACEMENTS, type HostInput, type ClusterPlacement, type QuotaLimits, type Resources } from './model.ts';

/** The ops of the command language, in the schema's order. */
export const DOCKLET_OPS = ['addHosts', 'removeHosts', 'drainHosts', 'create', 'delete', 'scale', 'stop', 'start', 'list', 'status', 'quota', 'hosts', 'snapshot'] as const;

const nonNegative = { type: 'number', minimum: 0 } as const;
const name = { $ref: '#/$defs/name' } as const;
const tenant = { $ref: '#/$defs/tenant' } as const;
const dryRun = { $ref: '#/$defs/dryRun' } as const;

/**
 * The JSON Schema (draft 2020-12) of one virtual-cluster command: a `oneOf` over the ops,
 * discriminated by `op`; every op's object has `additionalProperties: false`, so a misspelt
 * field is refused by name.
 */
export const DOCKLET_COMMAND_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:fairfit:schemas:docklet-command',
  title: 'Docklet virtual-cluster command',
  description: 'One call of a fairfit virtual-cluster manager (docs/model.md "Docklet virtual clusters"): { "op": <call>, ...arguments }. Validate with Ajv 2020 and the options { discriminator: true, strictNumbers: true }.',
  type: 'object',
  required: ['op'],
  properties: { op: { description: 'The manager call.', enum: DOCKLET_OPS } },
  discriminator: { propertyName: 'op' },
  oneOf: [
    { $ref: '#/$defs/addHosts' },
    { $ref: '#/$defs/removeHosts' },
    { $ref: '#/$defs/drainHosts' },
    { $ref: '#/$defs/create' },
    { $ref: '#/$defs/delete' },
    { $ref: '#/$defs/scale' },
    { $ref: '#/$defs/stop' },
    { $ref: '#/$defs/start' },
    { $ref: '#/$defs/list' },
    { $ref: '#/$defs/status' },
    { $ref: '#/$defs/quota' },
    { $ref: '#/$defs/hosts' },
    { $ref: '#/$defs/snapshot' },
  ],
  $defs: {
    name: { description: 'A cluster name, unique among the manager\'s clusters.', type: 'string', minLength: 1, maxLength: 256 },
    dryRun: { description: 'true: answer as the command would be answered (the answer marked dryRun: true), and change nothing.', type: 'boolean' },
    tenant: { description: 'A tenant name.', type: 'string', minLength: 1, maxLength: 256 },
    resources: {
      description: 'Per-member demand: cpu and mem, each ≥ 0.',
      type: 'object', additionalProperties: false, required: ['cpu', 'mem'],
      properties: { cpu: nonNegative, mem: nonNegative },
    },
    host: {
      description: 'A host: a unique id and its capacity (cpu and mem, each > 0).',
      type: 'object', additionalProperties: false, required: ['id', 'cpu', 'mem'],
      properties: { id: { type: 'string', minLength: 1, maxLength: 256 }, cpu: { type: 'number', exclusiveMinimum: 0 }, mem: { type: 'number', exclusiveMinimum: 0 } },
    },
    limits: {
      description: "A tenant's limits over its placed members; an absent field is no limit.",
      type: 'object', additionalProperties: false,
      properties: { nodes: { type: 'integer', minimum: 0 }, cpu: nonNegative, mem: nonNegative },
    },

    addHosts: {
      description: 'Appends hosts (after the ones there: host order is the order of addition); result: the hosts added.',
      type: 'object', additionalProperties: false, required: ['op', 'hosts'],
      properties: { op: { const: 'addHosts' }, dryRun, hosts: { type: 'array', minItems: 1, items: { $ref: '#/$defs/host' } } },
    },
    removeHosts: {
      description: 'Removes hosts that hold no member (refused, removing none, when one does: stop, scale in or delete its clusters first); the others keep their order; result: the hosts removed.',
      type: 'object', additionalProperties: false, required: ['op', 'ids'],
      properties: { op: { const: 'removeHosts' }, dryRun, ids: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } } },
    },
    drainHosts: {
      description: "Moves every member off the hosts (each cluster's members placed again as a gang on the other hosts, by its placement rule), then removes them; all or nothing (NO_FIT: nothing moved); result: { removed, moved }.",
      type: 'object', additionalProperties: false, required: ['op', 'ids'],
      properties: { op: { const: 'drainHosts' }, dryRun, ids: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } } },
    },
    create: {
      description: "Creates a cluster and places all its members (or none: NO_FIT, QUOTA_EXCEEDED); result: the cluster's status.",
      type: 'object', additionalProperties: false, required: ['op', 'name', 'tenant', 'nodes', 'demand'],
      properties: {
        op: { const: 'create' }, dryRun, name, tenant,
        nodes: { type: 'integer', minimum: 1, maximum: MAX_CLUSTER_NODES },
        demand: { $ref: '#/$defs/resources' },
        placement: { enum: PLACEMENTS },
      },
    },
    delete: {
      description: 'Releases a cluster\'s members and forgets it; result: { name, tenant, released }.',
      type: 'object', additionalProperties: false, required: ['op', 'name'],
      properties: { op: { const: 'delete' }, dryRun, name },
    },
    scale: {
      description: "Sets a cluster's node count: new members placed all-or-nothing, or the newest members removed; result: the cluster's status.",
      type: 'object', additionalProperties: false, required: ['op', 'name', 'nodes'],
      properties: { op: { const: 'scale' }, dryRun, name, nodes: { type: 'integer', minimum: 0, maximum: MAX_CLUSTER_NODES } },
    },
    stop: {
      description: "Releases a running cluster's members and keeps its definition; result: the cluster's status.",
      type: 'object', additionalProperties: false, required: ['op', 'name'],
      properties: { op: { const: 'stop' }, dryRun, name },
    },
    start: {
      description: "Places a stopped cluster's members again, all or nothing; result: the cluster's status.",
      type: 'object', additionalProperties: false, required: ['op', 'name'],
      properties: { op: { const: 'start' }, dryRun, name },
    },
    list: {
      description: 'Result: every cluster (of one tenant when given) without its members, in creation order.',
      type: 'object', additionalProperties: false, required: ['op'],
      properties: { op: { const: 'list' }, tenant },
    },
    status: {
      description: "Result: a cluster's status with its members.",
      type: 'object', additionalProperties: false, required: ['op', 'name'],
      properties: { op: { const: 'status' }, name },
    },
    quota: {
      description: "Sets a tenant's limits when given (replacing the old ones; refused below what the tenant holds), result: its limits and use.",
      type: 'object', additionalProperties: false, required: ['op', 'tenant'],
      properties: { op: { const: 'quota' }, dryRun, tenant, limits: { $ref: '#/$defs/limits' } },
    },
    hosts: {
      description: 'Result: every host with its capacity, use and member count, in host order.',
      type: 'object', additionalProperties: false, required: ['op'],
      properties: { op: { const: 'hosts' } },
    },
    snapshot: {
      description: "Result: the manager's whole state (hosts, clusters, quotas), which VirtualClusters.restore and fairfit clusters --restore read back.",
      type: 'object', additionalProperties: false, required: ['op'],
      properties: { op: { const: 'snapshot' } },
    },
  },
} as const;

/** One op name. */
export type DockletOp = (typeof DOCKLET_OPS)[number];

/** `addHosts`. */
export interface AddHostsCommand { op: 'addHosts'; hosts: HostInput[]; dryRun?: boolean }
/** `removeHosts`: the ids of hosts that hold no member. */
export interface RemoveHostsCommand { op: 'removeHosts'; ids: string[]; dryRun?: boolean }
/** `drainHosts`: the ids of hosts to empty and remove. */
export interface DrainHostsCommand { op: 'drainHosts'; ids: string[]; dryRun?: boolean }
/** `create`: the fields of a `ClusterSpec`. */
export interface CreateCommand { op: 'create'; name: string; tenant: string; nodes: number; demand: Resources; placement?: ClusterPlacement; dryRun?: boolean }
/** `delete`. */
export interface DeleteCommand { op: 'delete'; name: string; dryRun?: boolean }
/** `scale`: the new node count. */
export interface ScaleCommand { op: 'scale'; name: string; nodes: number; dryRun?: boolean }
/** `stop`. */
export interface StopCommand { op: 'stop'; name: string; dryRun?: boolean }
/** `start`. */
export interface StartCommand { op: 'start'; name: string; dryRun?: boolean }
/** `list`, of one tenant or all. */
export interface ListCommand { op: 'list'; tenant?: string }
/** `status`. */
export interface StatusCommand { op: 'status'; name: string }
/** `quota`: read, or set when `limits` is given. */
export interface QuotaCommand { op: 'quota'; tenant: string; limits?: QuotaLimits; dryRun?: boolean }
/** `hosts`. */
export interface HostsCommand { op: 'hosts' }
/** `snapshot`. */
export interface SnapshotCommand { op: 'snapshot' }

/** One virtual-cluster command: what {@link DOCKLET_COMMAND_SCHEMA} accepts. */
export type DockletCommand =
  | AddHostsCommand | RemoveHostsCommand | DrainHostsCommand | CreateCommand | DeleteCommand | ScaleCommand | StopCommand | StartCommand
  | ListCommand | StatusCommand | QuotaCommand | HostsCommand | SnapshotCommand;

/** The command of one op. */
export type DockletCommandOf<K extends DockletOp> = Extract<DockletCommand, { op: K }>;

// ------------------------------------------------------------ type-level agreement checks

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Defs = (typeof DOCKLET_COMMAND_SCHEMA)['$defs'];
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type SchemaOps = (typeof DOCKLET_COMMAND_SCHEMA)['oneOf'][number]['$ref'] extends `#/$defs/${infer K}` ? K : never;
type FieldsAgree = { [K in DockletOp]: Same<keyof Defs[K]['properties'], keyof DockletCommandOf<K>> };
type RequiredAgree = { [K in DockletOp]: Same<Defs[K]['required'][number], RequiredKeys<DockletCommandOf<K>>> };

const typeChecks: {
  opsAreSchemaOps: Same<DockletOp, SchemaOps>;
  opsAreCommandOps: Same<DockletOp, DockletCommand['op']>;
  fields: FieldsAgree;
  required: RequiredAgree;
  hostFields: Same<keyof Defs['host']['properties'], keyof HostInput>;
  resourceFields: Same<keyof Defs['resources']['properties'], keyof Resources>;
  limitFields: Same<keyof Defs['limits']['properties'], keyof QuotaLimits>;
} = {
  opsAreSchemaOps: true,
  opsAreCommandOps: true,
  fields: Object.fromEntries(DOCKLET_OPS.map((k) => [k, true])) as { [K in DockletOp]: true },
  required: Object.fromEntries(DOCKLET_OPS.map((k) => [k, true])) as { [K in DockletOp]: true },
  hostFields: true,
  resourceFields: true,
  limitFields: true,
};
void typeChecks;
