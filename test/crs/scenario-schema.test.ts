/**
 * The scenario schema shipped in schemas/ is the schema object, compiles with
 * a plain Ajv, and validation names the field at fault; the generator's
 * scenarios (paper preset, random) pass it and are reproducible.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { generateScenario } from '../../src/systems/crs/scenario.ts';
import { CRS_SCENARIO_SCHEMA, readScenario, validateScenario } from '../../src/systems/crs/scenario-schema.ts';

const SCHEMA_FILE = new URL('../../schemas/crs-scenario.schema.json', import.meta.url);
const EXAMPLE = new URL('../../examples/crs-campus.json', import.meta.url).pathname;

describe('the CRS scenario schema', () => {
  it('schemas/crs-scenario.schema.json is the schema object (FAIRFIT_WRITE_SCHEMA=1 rewrites it)', () => {
    const text = `${JSON.stringify(CRS_SCENARIO_SCHEMA, null, 2)}\n`;
    if (process.env.FAIRFIT_WRITE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, text);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(text);
  });

  it('the shipped file compiles with a plain Ajv and accepts the example scenario', () => {
    const validate = new Ajv2020({ strict: true }).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
    expect(validate(JSON.parse(readFileSync(EXAMPLE, 'utf8')))).toBe(true);
    expect(validate({ hosts: [], vms: [] })).toBe(false);
  });

  it('names the field at fault', () => {
    const ok = { hosts: [{ name: 'a', cpu: 4, mem: 8 }], vms: [{ name: 'v', host: 'a', cpu: 1, mem: 2, use: { cpu: 0.5, mem: 1 } }] };
    expect(validateScenario(ok)).toBe(ok);
    const bad = (s: unknown) => () => validateScenario(s, 'x.json');
    expect(bad({ ...ok, hosts: [{ name: 'a', cpu: -4, mem: 8 }] })).toThrow(/x\.json: scenario\.hosts\[0\]\.cpu/);
    expect(bad({ ...ok, vms: [{ ...ok.vms[0], use: { cpu: 'high', mem: 1 } }] })).toThrow(/scenario\.vms\[0\]\.use\.cpu/);
    expect(bad({ ...ok, vms: [{ ...ok.vms[0], colour: 'red' }] })).toThrow(/scenario\.vms\[0\]\.colour is not a field of scenario\.vms\[0\]$/);
    expect(bad({ ...ok, vms: [{ ...ok.vms[0], host: 'zz' }] })).toThrow(/scenario\.vms\[0\]\.host 'zz' is not a host/);
    expect(bad({ ...ok, vms: [{ ...ok.vms[0], course: 'Java' }] })).toThrow(/scenario\.vms\[0\]\.course/);
    expect(bad({ ...ok, courses: [{ name: 'c', firstWeek: 3, lastWeek: 17, lessons: [] }] })).toThrow(/scenario\.courses\[0\]\.lastWeek/);
    expect(bad({ ...ok, periods: [{ label: 'p', start: 0, use: [] }] })).toThrow(/scenario\.periods\[0\]\.use has 0 entries/);
    expect(bad({ hosts: ok.hosts })).toThrow(/scenario\.vms is required/);
    // A misspelt field is named, not only the field it left missing (Ajv reports the missing one first).
    expect(bad({ ...ok, hosts: [{ name: 'a', cpus: 4, mem: 8 }] })).toThrow(expect.objectContaining({ message: 'x.json: scenario.hosts[0].cpus is not a field of scenario.hosts[0] (did you mean cpu?)', details: { field: 'scenario.hosts[0].cpus', file: 'x.json' } }));
    expect(bad({ hosts: ok.hosts, vm: [] })).toThrow(/^x\.json: scenario\.vm is not a field of scenario \(did you mean vms\?\)$/);
    expect(bad({ ...ok, vms: [{ ...ok.vms[0], use: undefined, usage: { cpu: 1, mem: 1 } }] })).toThrow(/scenario\.vms\[0\]\.usage is not a field of scenario\.vms\[0\] \(did you mean use\?\)/);
    expect(bad({ ...ok, vms: [{ ...ok.vms[0], use: { cpu: 1, memory: 1 } }] })).toThrow(/scenario\.vms\[0\]\.use\.memory is not a field of scenario\.vms\[0\]\.use$/);
  });

  it('examples/crs-campus.json is the paper preset with seed 1 (regenerate with fairfit gen-scenario --preset paper)', () => {
    expect(readScenario(EXAMPLE)).toEqual(JSON.parse(JSON.stringify(generateScenario({ preset: 'paper', seed: 1 }))));
  });

  it('readScenario: a file that is not a scenario is PARSE_ERROR (data, as malformed JSON is) naming the file and field; the API check stays INVALID_OPTION', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fairfit-scenario-'));
    try {
      const file = join(dir, 's.json');
      const value = { hosts: [{ name: 'a', cpu: 4, mem: 8 }], vms: [{ name: 'v', host: 'a', cpu: 1, mem: 2, use: { cpu: 'x', mem: 1 } }] };
      writeFileSync(file, JSON.stringify(value));
      expect(() => readScenario(file)).toThrow(expect.objectContaining({ code: 'PARSE_ERROR', message: `${file}: scenario.vms[0].use.cpu must be a number ≥ 0 or a non-empty array of them`, details: { field: 'scenario.vms[0].use.cpu', file } }));
      expect(() => validateScenario(value, file)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: `${file}: scenario.vms[0].use.cpu must be a number ≥ 0 or a non-empty array of them` }));
      writeFileSync(file, '{');
      expect(() => readScenario(file)).toThrow(expect.objectContaining({ code: 'PARSE_ERROR' }));
      // A UTF-8 byte-order mark (some editors write one) is not part of the JSON: skipped, as the trace readers and fairfit clusters do.
      writeFileSync(file, `\uFEFF${readFileSync(EXAMPLE, 'utf8')}`);
      expect(readScenario(file)).toEqual(readScenario(EXAMPLE));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generateScenario refuses options it would ignore, naming the field (INVALID_OPTION)', () => {
    const bad = (o: unknown) => () => generateScenario(o as Parameters<typeof generateScenario>[0]);
    expect(bad({ preset: 'paper', hosts: 5 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'hosts' } }));
    expect(bad({ preset: 'paper', vms: 5 })).toThrow(/^vms: applies to the random preset only/);
    expect(bad({ preset: 'Paper' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: 'preset: "Paper" is not one of paper, random' }));
    expect(bad({ host: 5 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: 'host: not an option of generateScenario (did you mean hosts?)', details: { field: 'host' } }));
    expect(bad(null)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'options' } }));
    expect(generateScenario({ preset: 'random', hosts: 3, vms: 4, courses: 2 }).hosts).toHaveLength(3);
  });

  it("generateScenario's now is week, day and section only: another key was copied into a scenario its own schema refuses", () => {
    const bad = (now: unknown) => () => generateScenario({ hosts: 2, vms: 3, now } as Parameters<typeof generateScenario>[0]);
    for (const preset of ['random', 'paper'] as const) {
      const now = { week: 2, day: 1, section: 1, x: 1 };
      expect(() => generateScenario(preset === 'paper' ? { preset, now } : { preset, hosts: 2, now })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: 'now.x: not a field of now (week, day, section)', details: { field: 'now.x' } }));
    }
    expect(bad(null)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: 'now: must be an object { week, day, section }, got null' }));
    expect(bad('1,1,1')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'now' } }));
    const now = { week: 2, day: 3, section: 4 };
    const s = generateScenario({ hosts: 2, vms: 3, now });
    expect(validateScenario(s).now).toEqual(now);
    expect(s.now).not.toBe(now); // a copy: the caller's object is not kept in the scenario
  });

  it('the generator is seeded: same seed, same scenario; another seed, another one; both valid', () => {
    const a = generateScenario({ hosts: 20, seed: 5 });
    expect(generateScenario({ hosts: 20, seed: 5 })).toEqual(a);
    expect(generateScenario({ hosts: 20, seed: 6 })).not.toEqual(a);
    expect(validateScenario(a)).toBe(a);
    expect(a.vms).toHaveLength(400);
    const paper = generateScenario({ preset: 'paper' });
    // 1 controller + 7 compute nodes (only the compute nodes host VMs); course VMs of 1 vCPU / 2 GB.
    expect(paper.hosts).toHaveLength(7);
    expect(paper.vms.every((v) => v.cpu === 1 && v.mem === 2 && v.course !== undefined)).toBe(true);
  });
});
