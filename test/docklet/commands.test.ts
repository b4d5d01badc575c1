/**
 * The Docklet JSON commands: the shipped schema file is the schema object, a plain Ajv
 * compiles it, every op answers as JSON, misspelt or unknown fields are refused by name,
 * and a refused command leaves the manager as it was.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { DOCKLET_COMMAND_SCHEMA, DOCKLET_OPS, type DockletCommand } from '../../src/systems/docklet/command-schema.ts';
import { FairfitError } from '../../src/errors.ts';
import { VirtualClusters } from '../../src/systems/docklet/virtual-clusters.ts';
import { Engine } from '../../src/engine/engine.ts';
import { manager, sameHosts, snapshot } from './helpers.ts';

const SCHEMA_FILE = new URL('../../schemas/docklet-command.schema.json', import.meta.url);

describe('Docklet command schema', () => {
  it('schemas/docklet-command.schema.json is the schema object (FAIRFIT_WRITE_SCHEMA=1 rewrites it)', () => {
    const text = `${JSON.stringify(DOCKLET_COMMAND_SCHEMA, null, 2)}\n`;
    if (process.env.FAIRFIT_WRITE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, text);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(text);
  });

  it('the shipped file is a valid draft 2020-12 schema a plain Ajv compiles', () => {
    const validate = new Ajv2020({ discriminator: true, strict: true }).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
    expect(validate({ op: 'scale', name: 'web', nodes: 3 })).toBe(true);
    expect(validate({ op: 'scale', name: 'web', nodes: -1 })).toBe(false);
    expect(validate({ op: 'create', name: 'w', tenant: 't', nodes: 1, demand: { cpu: 1, mem: 1, gpu: 1 } })).toBe(false);
  });

  it('the schema lists exactly the ops', () => {
    expect(DOCKLET_COMMAND_SCHEMA.oneOf.map((r) => r.$ref.replace('#/$defs/', ''))).toEqual([...DOCKLET_OPS]);
  });
});

describe('apply', () => {
  const seeded = (): VirtualClusters => {
    const vc = manager('wasm', sameHosts(3));
    vc.create({ name: 'web', tenant: 'acme', nodes: 4, demand: { cpu: 1, mem: 2 } });
    vc.create({ name: 'db', tenant: 'beta', nodes: 2, demand: { cpu: 2, mem: 8 }, placement: 'pack' });
    vc.stop('db');
    vc.quota('acme', { nodes: 6 });
    return vc;
  };

  it('answers every op as JSON', () => {
    using vc = seeded();
    const ops = [
      { op: 'addHosts', hosts: [{ id: 'h3', cpu: 4, mem: 16 }, { id: 'h4', cpu: 4, mem: 16 }] },
      { op: 'removeHosts', ids: ['h4'] },
      { op: 'drainHosts', ids: ['h3'] },
      { op: 'create', name: 'api', tenant: 'acme', nodes: 1, demand: { cpu: 1, mem: 1 } },
      { op: 'scale', name: 'api', nodes: 2 },
      { op: 'stop', name: 'api' },
      { op: 'start', name: 'api' },
      { op: 'list', tenant: 'acme' },
      { op: 'status', name: 'db' },
      { op: 'quota', tenant: 'acme' },
      { op: 'hosts' },
      { op: 'snapshot' },
      { op: 'delete', name: 'api' },
    ];
    expect(new Set(ops.map((c) => c.op))).toEqual(new Set(DOCKLET_OPS));
    for (const c of ops) {
      const r = vc.apply(c);
      expect(r, JSON.stringify(c)).toMatchObject({ ok: true, op: c.op });
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    }
    expect(vc.apply({ op: 'list', tenant: 'acme' })).toEqual({ ok: true, op: 'list', result: [{ name: 'web', tenant: 'acme', state: 'running', nodes: 4, demand: { cpu: 1, mem: 2 }, placement: 'spread' }] });
    expect(vc.apply({ op: 'status', name: 'db' })).toMatchObject({ result: { state: 'stopped', members: [{ id: 'db#0', host: null }, { id: 'db#1', host: null }] } });
  });

  it('a dry run answers as the command would, refusals included, and changes nothing; reads take no dryRun', () => {
    using vc = seeded();
    const before = snapshot(vc, ['acme', 'beta']);
    const commands: DockletCommand[] = [
      { op: 'create', name: 'api', tenant: 'acme', nodes: 2, demand: { cpu: 1, mem: 1 } },
      { op: 'scale', name: 'web', nodes: 9 },
      { op: 'drainHosts', ids: ['h0'] },
      { op: 'start', name: 'db' },
    ];
    const dry = commands.map((c) => vc.apply({ ...c, dryRun: true } as DockletCommand));
    expect(snapshot(vc, ['acme', 'beta'])).toBe(before);
    expect(dry.map((a) => a.ok)).toEqual([true, false, true, true]);
    expect(dry[1]).toMatchObject({ error: { code: 'QUOTA_EXCEEDED' } });
    // Each dry answer is the real one, given in the same state.
    for (const [i, c] of commands.entries()) {
      using fresh = seeded();
      // The same answer, marked as a dry run's; the command's own answer carries no mark.
      const real = fresh.apply(c);
      expect(Object.hasOwn(real, 'dryRun')).toBe(false);
      expect({ ...real, dryRun: true }).toEqual(dry[i]);
    }
    // A typed call takes effect: a spec carrying dryRun is refused, not dry-run silently.
    expect(() => vc.create({ name: 'x', tenant: 't', nodes: 1, demand: { cpu: 1, mem: 1 }, dryRun: true } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'dryRun' } }));
    expect(snapshot(vc, ['acme', 'beta'])).toBe(before);
    expect(vc.apply<unknown>({ op: 'list', dryRun: true })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', field: 'command.dryRun' } });
    expect(vc.apply<unknown>({ op: 'scale', name: 'web', nodes: 5, dryRun: 'yes' })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', field: 'command.dryRun' } });
  });

  const refused: [string, unknown, string][] = [
    ['a misspelt field', { op: 'create', name: 'x', tenant: 't', nodes: 1, demand: { cpu: 1, mem: 1 }, placment: 'pack' }, 'command.placment'],
    ['a misspelt nested field', { op: 'create', name: 'x', tenant: 't', nodes: 1, demand: { cpu: 1, memory: 1 } }, 'command.demand.memory'],
    ['an unknown op', { op: 'resize', name: 'web' }, 'command.op'],
    ['no op', { name: 'web' }, 'command.op'],
    ['a missing field', { op: 'scale', name: 'web' }, 'command.nodes'],
    ['a fractional node count', { op: 'scale', name: 'web', nodes: 2.5 }, 'command.nodes'],
    ['a negative demand', { op: 'create', name: 'x', tenant: 't', nodes: 1, demand: { cpu: -1, mem: 1 } }, 'command.demand.cpu'],
    ['a zero host capacity', { op: 'addHosts', hosts: [{ id: 'z', cpu: 0, mem: 1 }] }, 'command.hosts[0].cpu'],
    ['an unknown placement', { op: 'create', name: 'x', tenant: 't', nodes: 1, demand: { cpu: 1, mem: 1 }, placement: 'random' }, 'command.placement'],
    ['a string number', { op: 'scale', name: 'web', nodes: '3' }, 'command.nodes'],
    ['NaN', { op: 'quota', tenant: 'acme', limits: { cpu: NaN } }, 'command.limits.cpu'],
    ['a misspelt limit', { op: 'quota', tenant: 'acme', limits: { cpus: 3 } }, 'command.limits.cpus'],
    ['not an object', 'create', 'command'],
    ['a host that holds members', { op: 'removeHosts', ids: ['h0'] }, 'command.ids[0]'],
    ['an unknown host', { op: 'removeHosts', ids: ['h9'] }, 'command.ids[0]'],
    ['a host named twice', { op: 'removeHosts', ids: ['h2', 'h2'] }, 'command.ids'],
    ['an unknown cluster', { op: 'stop', name: 'nope' }, 'command.name'],
    ['over the quota', { op: 'scale', name: 'web', nodes: 7 }, 'command.nodes'],
    ['no fit', { op: 'create', name: 'x', tenant: 't', nodes: 3, demand: { cpu: 8, mem: 1 } }, 'command.nodes'],
  ];
  it.each(refused)('refuses %s by field, changing nothing', (_what, command, field) => {
    using vc = seeded();
    const before = snapshot(vc, ['acme', 'beta']);
    const r = vc.apply(command);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.field).toBe(field);
    expect(!r.ok && r.error.message).toContain(field.replace(/^command\.?/, '').split(/[.[]/).at(-1) ?? '');
    expect(snapshot(vc, ['acme', 'beta'])).toBe(before);
  });

  it('applyLine answers a line of JSON as apply answers its value; text that is not JSON is PARSE_ERROR on command, as the IPTAS engine says it, and changes nothing', () => {
    using vc = seeded();
    using twin = seeded();
    for (const command of [{ op: 'scale', name: 'web', nodes: 5 }, { op: 'scale', name: 'web', nodes: 9 }, { op: 'create', name: 'api', tenant: 'beta', nodes: 1, demand: { cpu: 1, mem: 1 }, dryRun: true }, { op: 'list' }]) {
      expect(vc.applyLine(JSON.stringify(command))).toEqual(twin.apply(command));
    }
    const before = snapshot(vc, ['acme', 'beta']);
    using engine = new Engine();
    for (const text of ['{"op": "scale", "name": "web", "nodes": ', '', 'scale web 5']) {
      const r = vc.applyLine(text);
      expect(r).toMatchObject({ ok: false, error: { code: 'PARSE_ERROR', field: 'command', message: expect.stringMatching(/^command is not valid JSON: /) } });
      expect(Object.hasOwn(r, 'op')).toBe(false);
      expect(r).toEqual(engine.applyLine(text));
    }
    expect(snapshot(vc, ['acme', 'beta'])).toBe(before);
  });

  it('the typed methods refuse the same inputs, naming the field without the command prefix', () => {
    using vc = seeded();
    const err = (f: () => unknown) => { try { f(); } catch (e) { return e as FairfitError; } throw new Error('no error'); };
    const e = err(() => vc.create({ name: 'x', tenant: 't', nodes: 1, demand: { cpu: 1, mem: 1, gpu: 2 } as never }));
    expect([e.code, e.details.field, e.message]).toEqual(['INVALID_OPTION', 'demand.gpu', 'demand.gpu is not a field of demand (did you mean cpu?)']);
    expect(err(() => vc.scale('web', -1)).details.field).toBe('nodes');
    expect(err(() => new VirtualClusters({ hosts: [], engin: 'reference' } as never)).message).toMatch(/engin: not an option of VirtualClusters \(did you mean engine\?\)/);
  });

  it('a closed manager refuses every call', () => {
    const vc = seeded();
    vc.close();
    expect(vc.apply({ op: 'hosts' })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', field: 'manager' } });
    expect(vc.apply({ op: 'list' })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', field: 'manager' } });
  });
});
