/**
 * Host classes against the high / low thresholds (the paper's reading and the
 * options), the load-decision value De, migrateValue and the decision period.
 */
import { describe, expect, it } from 'vitest';
import { classifyHost, DecisionPeriod, loadDecisionValue, migrateValue, resolveRebalanceOptions } from '../../src/systems/crs/model.ts';

const paper = resolveRebalanceOptions();

describe('host classes', () => {
  it('uses the paper thresholds by default: cpu 0.70 / 0.10, memory 0.90 / 0.30', () => {
    expect(paper.high).toEqual({ cpu: 0.7, mem: 0.9 });
    expect(paper.low).toEqual({ cpu: 0.1, mem: 0.3 });
  });

  it('high when any dimension reaches H (inclusive): cpu 0.70 or memory 0.90 alone', () => {
    expect(classifyHost({ cpu: 0.7, mem: 0.5 }, paper)).toBe('high');
    expect(classifyHost({ cpu: 0.5, mem: 0.9 }, paper)).toBe('high');
    expect(classifyHost({ cpu: 0.69, mem: 0.89 }, paper)).toBe('normal');
  });

  it('low when not high and any dimension reaches L: cpu 0.10 with memory 0.80 is low (the paper), normal with "all"', () => {
    expect(classifyHost({ cpu: 0.1, mem: 0.8 }, paper)).toBe('low');
    expect(classifyHost({ cpu: 0.1, mem: 0.8 }, resolveRebalanceOptions({ lowWhen: 'all' }))).toBe('normal');
    expect(classifyHost({ cpu: 0.05, mem: 0.2 }, resolveRebalanceOptions({ lowWhen: 'all' }))).toBe('low');
  });

  it('a host high in one dimension and low in the other is high', () => {
    expect(classifyHost({ cpu: 0.05, mem: 0.95 }, paper)).toBe('high');
  });

  it('strict bounds leave a host exactly at H or L normal', () => {
    const strict = resolveRebalanceOptions({ bounds: 'strict' });
    expect(classifyHost({ cpu: 0.7, mem: 0.5 }, strict)).toBe('normal');
    expect(classifyHost({ cpu: 0.1, mem: 0.5 }, strict)).toBe('normal');
    expect(classifyHost({ cpu: 0.71, mem: 0.5 }, strict)).toBe('high');
  });

  it('"all" high needs every dimension at H', () => {
    const all = resolveRebalanceOptions({ highWhen: 'all' });
    expect(classifyHost({ cpu: 0.8, mem: 0.5 }, all)).toBe('normal');
    expect(classifyHost({ cpu: 0.8, mem: 0.95 }, all)).toBe('high');
  });

  it('rejects thresholds out of order or unknown options, naming the field', () => {
    expect(() => resolveRebalanceOptions({ low: { cpu: 0.8 } })).toThrow(/low\.cpu/);
    expect(() => resolveRebalanceOptions({ high: { mem: 1.5 } })).toThrow(/high\.mem/);
    expect(() => resolveRebalanceOptions({ bogus: 1 } as never)).toThrow(/bogus/);
    expect(() => resolveRebalanceOptions({ maxPowerOff: -1 })).toThrow(/maxPowerOff/);
  });

  it('names the threshold the caller gave when L < H fails against a default (a high of 0 blamed the default low)', () => {
    const err = (o: unknown, field: string, text: RegExp) => expect(() => resolveRebalanceOptions(o as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field }, message: expect.stringMatching(text) }));
    err({ high: { cpu: 0 } }, 'high.cpu', /above low\.cpu \(0\.1, the default\)/);
    err({ high: { mem: 0.2 } }, 'high.mem', /above low\.mem \(0\.3, the default\)/);
    err({ low: { cpu: 0.95 } }, 'low.cpu', /below high\.cpu \(0\.7, the default\)/);
    // Both given: the low is named, as before.
    err({ low: { cpu: 0.5 }, high: { cpu: 0.4 } }, 'low.cpu', /below high\.cpu \(0\.4\), got 0\.5/);
  });

  it('rejects a threshold or weight pair that is not { cpu?, mem? } (it was ignored and the defaults ran)', () => {
    const err = (o: unknown, field: string) => expect(() => resolveRebalanceOptions(o as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field } }));
    err({ high: 0.5 }, 'high');
    err({ low: null }, 'low');
    err({ weights: [1, 2] }, 'weights');
    err({ high: { CPU: 0.5 } }, 'high.CPU');
    err({ low: { cpu: 0.05, memory: 0.1 } }, 'low.memory');
    // Said as the schemas say it: the field it most likely means, else the two it has.
    expect(() => resolveRebalanceOptions({ high: { CPU: 0.5 } } as never)).toThrow('high.CPU: is not a field of high (did you mean cpu?)');
    expect(() => resolveRebalanceOptions({ low: { memory: 0.1 } } as never)).toThrow('low.memory: is not a field of low (it has cpu and mem)');
    err(null, 'options');
    expect(resolveRebalanceOptions({ high: { cpu: 0.5 } }).high).toEqual({ cpu: 0.5, mem: 0.9 });
  });
});

describe('De, migrateValue and the decision period', () => {
  it('De = mean over cpu and memory of 1 − use/capacity; smaller is more loaded', () => {
    expect(loadDecisionValue({ cpu: 0.5, mem: 0.5 })).toBe(0.5);
    expect(loadDecisionValue({ cpu: 0.8, mem: 0.4 })).toBeCloseTo(0.4, 15);
    expect(loadDecisionValue({ cpu: 0.9, mem: 0.9 })).toBeLessThan(loadDecisionValue({ cpu: 0.2, mem: 0.9 }));
  });

  it('classifyHost, De and migrateValue refuse values that are not { cpu, mem } of finite numbers, and absent or bad options (NaN was \'normal\' or NaN, null a TypeError; found by an API fuzz)', () => {
    const err = (f: () => unknown, code: string, field: string) => expect(f).toThrow(expect.objectContaining({ code, details: expect.objectContaining({ field }) }));
    err(() => classifyHost({ cpu: NaN, mem: NaN }, paper), 'NOT_FINITE', 'utilisation.cpu');
    err(() => classifyHost({ cpu: 0.5, mem: 'x' } as never, paper), 'NOT_FINITE', 'utilisation.mem');
    err(() => classifyHost(null as never, paper), 'INVALID_OPTION', 'utilisation');
    err(() => classifyHost({ cpu: 0.5, mem: 0.5 }, undefined as never), 'INVALID_OPTION', 'options');
    err(() => classifyHost({ cpu: 0.5, mem: 0.5 }, { ...paper, bounds: 'loose' as never }), 'INVALID_OPTION', 'bounds');
    err(() => loadDecisionValue(null as never), 'INVALID_OPTION', 'utilisation');
    err(() => loadDecisionValue({ cpu: 'x', mem: 0.5 } as never), 'NOT_FINITE', 'utilisation.cpu');
    err(() => migrateValue({ cpu: 2, mem: 4 }, null as never, { cpu: 0.5, mem: 0.5 }), 'INVALID_OPTION', 'host');
    err(() => migrateValue({ cpu: 2, mem: 4 }, { cpu: 8, mem: 32 }, { cpu: NaN, mem: 0.5 }), 'NOT_FINITE', 'weights.cpu');
    // The paper's options, resolved or not, class as before.
    expect(classifyHost({ cpu: 0.7, mem: 0.5 }, { high: paper.high, low: paper.low, highWhen: 'any', lowWhen: 'any', bounds: 'inclusive' })).toBe('high');
  });

  it('migrateValue weighs the shares of the host: 0.5·(2/8) + 0.5·(4/32) = 0.1875', () => {
    expect(migrateValue({ cpu: 2, mem: 4 }, { cpu: 8, mem: 32 }, { cpu: 0.5, mem: 0.5 })).toBe(0.1875);
  });

  it('T = λ·Δt with Δt the running mean of reported migration times (λ 6, 5 s before any report: T = 30 s)', () => {
    const t = new DecisionPeriod();
    expect(t.period).toBe(30);
    t.reportMigration(4);
    expect(t.period).toBe(24);
    expect(t.reportMigration(8)).toBe(36);
    expect(() => new DecisionPeriod({ lambda: 5 })).toThrow(/lambda/);
    expect(() => t.reportMigration(-1)).toThrow(/seconds/);
  });

  it('DecisionPeriod refuses a misspelt option (it ran λ = 6) and options that are not an object (a TypeError)', () => {
    const make = (o: unknown) => () => new DecisionPeriod(o as ConstructorParameters<typeof DecisionPeriod>[0]);
    expect(make({ lamda: 8 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: 'lamda: not an option of DecisionPeriod (did you mean lambda?)' }));
    expect(make(null)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { field: 'options' } }));
    expect(new DecisionPeriod({ lambda: 8, initialMigrationSeconds: 2 }).period).toBe(16);
  });
});
