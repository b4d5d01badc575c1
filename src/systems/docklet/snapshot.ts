/**
 * A virtual-cluster manager's whole state as one JSON value, so that a host application can keep
 * it across restarts (`VirtualClusters.snapshot()`, `VirtualClusters.restore()`, the command
 * `{ "op": "snapshot" }`): the hosts with their use, the clusters with their members, the quotas.
 * The JSON Schema here checks the shape (Ajv, as the commands); what must agree across the parts
 * (members on known hosts, each host's use against its members, quotas held) the manager checks
 * when it restores (docs/model.md "Docklet virtual clusters", "Snapshot and restore").
 *
 * @module
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { FairfitError, shown } from '../../errors.ts';
import { schemaFault } from '../../schema-errors.ts';
import { MAX_CLUSTER_NODES, PLACEMENTS, type ClusterPlacement, type ClusterState, type MemberView, type QuotaLimits, type Resources } from './model.ts';

/** The `format` of every snapshot. */
export const DOCKLET_SNAPSHOT_FORMAT = 'fairfit-docklet-snapshot';

/** The snapshot version this build writes and reads. */
export const DOCKLET_SNAPSHOT_VERSION = 1;

/** A host in a snapshot: its id, capacity and what its members use (exactly, float residues included). */
export interface SnapshotHost {
  id: string;
  cpu: number;
  mem: number;
  used: Resources;
}

/** A cluster in a snapshot: its definition, state, members oldest first, and the k of its next member id. */
export interface SnapshotCluster {
  name: string;
  tenant: string;
  demand: Resources;
  placement: ClusterPlacement;
  state: ClusterState;
  /** The next member is `<name>#<next>`: every member's k is below it. */
  next: number;
  members: MemberView[];
}

/** A manager's whole state, JSON-serialisable; hosts, clusters and quotas in the manager's order. */
export interface DockletSnapshot {
  format: typeof DOCKLET_SNAPSHOT_FORMAT;
  version: typeof DOCKLET_SNAPSHOT_VERSION;
  hosts: SnapshotHost[];
  clusters: SnapshotCluster[];
  quotas: { tenant: string; limits: QuotaLimits }[];
}

const nonNegative = { type: 'number', minimum: 0 } as const;
const id = { type: 'string', minLength: 1, maxLength: 256 } as const;
const resources = { type: 'object', additionalProperties: false, required: ['cpu', 'mem'], properties: { cpu: nonNegative, mem: nonNegative } } as const;

/** The JSON Schema (draft 2020-12) of a {@link DockletSnapshot}: its shape, types and signs. */
export const DOCKLET_SNAPSHOT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:fairfit:schemas:docklet-snapshot',
  title: 'Docklet virtual-cluster manager snapshot',
  type: 'object',
  additionalProperties: false,
  required: ['format', 'version', 'hosts', 'clusters', 'quotas'],
  properties: {
    format: { const: DOCKLET_SNAPSHOT_FORMAT },
    version: { const: DOCKLET_SNAPSHOT_VERSION },
    hosts: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['id', 'cpu', 'mem', 'used'],
        properties: { id, cpu: { type: 'number', exclusiveMinimum: 0 }, mem: { type: 'number', exclusiveMinimum: 0 }, used: resources },
      },
    },
    clusters: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['name', 'tenant', 'demand', 'placement', 'state', 'next', 'members'],
        properties: {
          name: id, tenant: id, demand: resources, placement: { enum: PLACEMENTS }, state: { enum: ['running', 'stopped'] },
          next: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
          members: {
            type: 'array', maxItems: MAX_CLUSTER_NODES,
            items: { type: 'object', additionalProperties: false, required: ['id', 'host'], properties: { id: { type: 'string' }, host: { type: ['string', 'null'] } } },
          },
        },
      },
    },
    quotas: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['tenant', 'limits'],
        properties: {
          tenant: id,
          limits: { type: 'object', additionalProperties: false, properties: { nodes: { type: 'integer', minimum: 0 }, cpu: nonNegative, mem: nonNegative } },
        },
      },
    },
  },
} as const;

let compiled: ValidateFunction<DockletSnapshot> | undefined;

/** A refused snapshot: `CORRUPT_INPUT`, naming the field from `snapshot`. */
export function corruptSnapshot(field: string, why: string): FairfitError {
  return new FairfitError('CORRUPT_INPUT', `virtual-cluster snapshot rejected: ${field} ${why}`, { field });
}

/** Checks the shape of a snapshot (types, signs, no unknown field); the first violation as `CORRUPT_INPUT`. */
export function checkSnapshotShape(snapshot: unknown): asserts snapshot is DockletSnapshot {
  compiled ??= new Ajv2020({ allErrors: false, verbose: true, strict: true, strictNumbers: true }).compile<DockletSnapshot>(DOCKLET_SNAPSHOT_SCHEMA as object);
  // Another kind of file is named by its format first (the schema would call its first missing field missing).
  const format = snapshot !== null && typeof snapshot === 'object' ? (snapshot as { format?: unknown }).format : undefined;
  if (format !== undefined && format !== DOCKLET_SNAPSHOT_FORMAT) throw corruptSnapshot('snapshot.format', `is ${shown(format)}, not '${DOCKLET_SNAPSHOT_FORMAT}'`);
  if (compiled(snapshot)) return;
  const { field, why } = schemaFault(compiled.errors, snapshot, { root: 'snapshot' });
  throw corruptSnapshot(field, why);
}
