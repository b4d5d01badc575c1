/**
 * Input shapes shared by the kernels: rows of objects or columns of numbers,
 * normalised once into columns before crossing into WebAssembly.
 *
 * @module
 */
import { arrayLength, checkBooleanOption, checkOptionNames, FairfitError, numberOrNaN, optionNames, optionsObject, shown } from '../errors.ts';
import type { CapacityWeightOptions } from './capacity.ts';

/** A node as the capacity-weight kernel sees it (docs/model.md). */
export interface NodeSpec {
  /** CPU speed (any unit, the same for every node). */
  speed: number;
  /** Number of vCPUs. */
  vcpus: number;
  /** Memory (any unit, the same for every node). */
  mem: number;
  /** `false` for a node that is down (default up). */
  up?: boolean;
}

/** The same nodes as columns, e.g. straight from a trace reader. */
export interface NodeColumns {
  speed: ArrayLike<number>;
  vcpus: ArrayLike<number>;
  mem: ArrayLike<number>;
  /** 0/false = down; omitted = all up. */
  up?: ArrayLike<number | boolean>;
}

/** Node columns ready for the kernel. */
export interface NodeColumnsNormalised {
  n: number;
  speed: ArrayLike<number>;
  vcpus: ArrayLike<number>;
  mem: ArrayLike<number>;
  up: Uint8Array;
}

/** Accepts rows or columns; checks that the columns agree in length. Values are checked by the kernel. */
export function nodeColumns(nodes: readonly NodeSpec[] | NodeColumns): NodeColumnsNormalised {
  if (Array.isArray(nodes)) {
    const rows = nodes as readonly NodeSpec[];
    const n = rows.length;
    const speed = new Float64Array(n), vcpus = new Float64Array(n), mem = new Float64Array(n), up = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      if (r === null || typeof r !== 'object') throw new FairfitError('INVALID_OPTION', `nodes[${i}] must be an object with speed, vcpus and mem`, { field: 'nodes', index: i });
      speed[i] = numberOrNaN(r.speed);
      vcpus[i] = numberOrNaN(r.vcpus);
      mem[i] = numberOrNaN(r.mem);
      // 'false' or 0 counted as up: a boolean or nothing.
      checkBooleanOption(r.up, `nodes[${i}].up`);
      up[i] = r.up === false ? 0 : 1;
    }
    return { n, speed, vcpus, mem, up };
  }
  const c = nodes as NodeColumns;
  // null (a caller's bug) reaches here too: the error below, not a TypeError.
  const n = (c as NodeColumns | null)?.speed?.length;
  if (typeof n !== 'number') throw new FairfitError('INVALID_OPTION', 'nodes must be an array of { speed, vcpus, mem } or columns { speed, vcpus, mem }', { field: 'nodes' });
  // A length no array has (1e10, −1) was a RangeError from the up column's allocation.
  arrayLength(c.speed, 'nodes.speed');
  for (const f of ['vcpus', 'mem'] as const) {
    if (c[f]?.length !== n) throw new FairfitError('DIMENSION_MISMATCH', `nodes.${f} has ${c[f]?.length ?? 'no'} entries, nodes.speed has ${n}`, { field: `nodes.${f}` });
  }
  const up = new Uint8Array(n).fill(1);
  if (c.up) {
    if (c.up.length !== n) throw new FairfitError('DIMENSION_MISMATCH', `nodes.up has ${c.up.length} entries, nodes.speed has ${n}`, { field: 'nodes.up' });
    for (let i = 0; i < n; i++) {
      const u = c.up[i];
      // 'false' was truthy: up.
      if (u !== 0 && u !== 1 && u !== true && u !== false) throw new FairfitError('INVALID_OPTION', `nodes.up[${i}] must be 0, 1, true or false, got ${shown(u)}`, { field: 'nodes.up', index: i });
      up[i] = u ? 1 : 0;
    }
  }
  return { n, speed: c.speed, vcpus: c.vcpus, mem: c.mem, up };
}

/** The keys of {@link CapacityWeightOptions}. */
const CAPACITY_OPTIONS = optionNames<CapacityWeightOptions>()('lambdaCpu', 'lambdaMem');

/** The capacity-weight options of both builds, validated (a misspelt { lamdaCpu } was ignored), with their defaults. */
export function capacityOptions(options: CapacityWeightOptions | undefined): { lambdaCpu: number; lambdaMem: number } {
  const o = optionsObject(options);
  checkOptionNames(o, CAPACITY_OPTIONS, 'capacityWeights');
  return { lambdaCpu: lambdaOption(o.lambdaCpu, 'lambdaCpu', 0.5), lambdaMem: lambdaOption(o.lambdaMem, 'lambdaMem', 0.5) };
}

/** Validates a weight option λ: finite and ≥ 0. */
export function lambdaOption(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new FairfitError('INVALID_OPTION', `${field} must be a finite number ≥ 0, got ${shown(value)}`, { field });
  }
  return value;
}
