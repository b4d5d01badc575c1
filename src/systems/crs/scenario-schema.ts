/**
 * The JSON Schema (draft 2020-12) of a rebalancing scenario — what
 * `fairfit rebalance --input` reads — and its validation with Ajv (the
 * library the IPTAS commands use), compiled once. The file
 * `schemas/crs-scenario.schema.json` shipped in the package is this object
 * serialised (`test/crs/scenario-schema.test.ts` checks they are identical and
 * rewrites the file when run with `FAIRFIT_WRITE_SCHEMA=1`).
 *
 * The schema checks shapes, types, ranges; cross-references (a VM's host and
 * course exist, names are unique, a period has one entry per VM) are checked by
 * {@link validateScenario} after it.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { checkPath, FairfitError } from '../../errors.ts';
import { schemaFault } from '../../schema-errors.ts';
import type { RebalanceScenario } from './scenario.ts';

const nonNegative = { type: 'number', minimum: 0 } as const;
const positive = { type: 'number', exclusiveMinimum: 0 } as const;
const useValue = { oneOf: [nonNegative, { type: 'array', minItems: 1, items: nonNegative }] } as const;
const name = { type: 'string', minLength: 1 } as const;

/** The JSON Schema of a rebalancing scenario (see {@link RebalanceScenario}). */
export const CRS_SCENARIO_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:fairfit:schemas:crs-scenario',
  title: 'CRS rebalancing scenario',
  description: 'Hosts, course timetables and VMs with their mean use over the decision period (fairfit, docs/model.md "CRS rebalancing").',
  type: 'object',
  additionalProperties: false,
  required: ['hosts', 'vms'],
  properties: {
    description: { type: 'string' },
    now: { $ref: '#/$defs/termTime' },
    hosts: { type: 'array', minItems: 1, items: { $ref: '#/$defs/host' } },
    courses: { type: 'array', items: { $ref: '#/$defs/course' } },
    vms: { type: 'array', items: { $ref: '#/$defs/vm' } },
    periods: { type: 'array', items: { $ref: '#/$defs/period' } },
  },
  $defs: {
    termTime: {
      description: 'A point of the term.',
      type: 'object', additionalProperties: false, required: ['week', 'day', 'section'],
      properties: { week: { type: 'integer', minimum: 1, maximum: 16 }, day: { type: 'integer', minimum: 1, maximum: 5 }, section: { type: 'integer', minimum: 1, maximum: 5 } },
    },
    host: {
      description: 'A physical host: cores, GB, and its own use outside the VMs.',
      type: 'object', additionalProperties: false, required: ['name', 'cpu', 'mem'],
      properties: {
        name, cpu: positive, mem: positive,
        base: { type: 'object', additionalProperties: false, required: ['cpu', 'mem'], properties: { cpu: nonNegative, mem: nonNegative } },
      },
    },
    lesson: {
      description: 'A weekly lesson: section 1–5 of day 1–5, in odd and/or even weeks.',
      type: 'object', additionalProperties: false, required: ['section', 'day'],
      properties: { section: { type: 'integer', minimum: 1, maximum: 5 }, day: { type: 'integer', minimum: 1, maximum: 5 }, odd: { type: 'boolean' }, even: { type: 'boolean' } },
    },
    course: {
      description: 'A course: the timetable its VMs share.',
      type: 'object', additionalProperties: false, required: ['name', 'firstWeek', 'lastWeek', 'lessons'],
      properties: { name, firstWeek: { type: 'integer', minimum: 1, maximum: 16 }, lastWeek: { type: 'integer', minimum: 1, maximum: 16 }, lessons: { type: 'array', items: { $ref: '#/$defs/lesson' } } },
    },
    vm: {
      description: 'A VM: allocation (vCPUs, GB), host, course, and mean use over the period (cores, GB; an array = samples, averaged).',
      type: 'object', additionalProperties: false, required: ['name', 'host', 'cpu', 'mem', 'use'],
      properties: {
        name, host: name, cpu: nonNegative, mem: nonNegative, course: name,
        use: { type: 'object', additionalProperties: false, required: ['cpu', 'mem'], properties: { cpu: useValue, mem: useValue } },
      },
    },
    period: {
      description: 'A further period to replay: every VM\'s [cpu, mem] mean use, in the order of vms.',
      type: 'object', additionalProperties: false, required: ['label', 'start', 'use'],
      properties: { label: { type: 'string' }, start: nonNegative, use: { type: 'array', items: { type: 'array', minItems: 2, maxItems: 2, items: nonNegative } } },
    },
  },
} as const;

let compiled: ValidateFunction<RebalanceScenario> | undefined;

function validator(): ValidateFunction<RebalanceScenario> {
  compiled ??= new Ajv2020({ allErrors: false, verbose: true, strict: true, strictNumbers: true }).compile<RebalanceScenario>(CRS_SCENARIO_SCHEMA as object);
  return compiled;
}

/**
 * Checks a parsed scenario against {@link CRS_SCENARIO_SCHEMA} and its
 * cross-references; throws `FairfitError('INVALID_OPTION')` naming the first
 * field at fault (prefixed with `source`, e.g. the file name).
 */
export function validateScenario(value: unknown, source = 'scenario'): RebalanceScenario {
  const validate = validator();
  if (!validate(value)) {
    const { field, why } = schemaFault(validate.errors, value, { root: 'scenario', oneOf: 'must be a number ≥ 0 or a non-empty array of them' });
    throw new FairfitError('INVALID_OPTION', `${source}: ${field} ${why}`, { field, file: source });
  }
  const s = value;
  const fail = (field: string, message: string): never => {
    throw new FairfitError('INVALID_OPTION', `${source}: ${field} ${message}`, { field, file: source });
  };
  const hosts = new Set<string>();
  s.hosts.forEach((h, i) => {
    if (hosts.has(h.name)) fail(`scenario.hosts[${i}].name`, `'${h.name}' is used twice`);
    hosts.add(h.name);
  });
  const courses = new Set<string>();
  (s.courses ?? []).forEach((c, i) => {
    if (courses.has(c.name)) fail(`scenario.courses[${i}].name`, `'${c.name}' is used twice`);
    if (c.lastWeek < c.firstWeek) fail(`scenario.courses[${i}].lastWeek`, `(${c.lastWeek}) is before firstWeek (${c.firstWeek})`);
    courses.add(c.name);
  });
  const vms = new Set<string>();
  s.vms.forEach((v, i) => {
    if (vms.has(v.name)) fail(`scenario.vms[${i}].name`, `'${v.name}' is used twice`);
    vms.add(v.name);
    if (!hosts.has(v.host)) fail(`scenario.vms[${i}].host`, `'${v.host}' is not a host of the scenario`);
    if (v.course !== undefined && !courses.has(v.course)) fail(`scenario.vms[${i}].course`, `'${v.course}' is not a course of the scenario`);
  });
  (s.periods ?? []).forEach((p, i) => {
    if (p.use.length !== s.vms.length) fail(`scenario.periods[${i}].use`, `has ${p.use.length} entries; one per VM (${s.vms.length}) is needed`);
  });
  return s;
}

/**
 * Reads and validates a scenario file (`FILE_NOT_FOUND`; `PARSE_ERROR` for text
 * that is not JSON and for JSON that is not a scenario, naming the file and the
 * field as {@link validateScenario} does: the file is data, like a trace, so the
 * command line exits 1 for it, not 2 as for a bad option).
 */
export function readScenario(path: string): RebalanceScenario {
  checkPath(path, 'path');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    // Missing is FILE_NOT_FOUND; there but unreadable (EIO, EACCES) is IO_ERROR with the reason, as the trace readers say.
    const code = (cause as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FairfitError('FILE_NOT_FOUND', `${path}: cannot read the scenario file`, { file: path }, { cause });
    throw new FairfitError('IO_ERROR', `${path}: cannot read the scenario file (${cause instanceof Error ? cause.message : String(cause)})`, { file: path }, { cause });
  }
  let value: unknown;
  try {
    // A UTF-8 byte-order mark is not part of the JSON (as the trace readers skip it).
    value = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (cause) {
    throw new FairfitError('PARSE_ERROR', `${path}: not valid JSON (${(cause as Error).message})`, { file: path }, { cause });
  }
  try {
    return validateScenario(value, path);
  } catch (cause) {
    if (!(cause instanceof FairfitError) || cause.code !== 'INVALID_OPTION') throw cause;
    throw new FairfitError('PARSE_ERROR', cause.message, cause.details, { cause });
  }
}
