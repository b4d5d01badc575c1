/**
 * The readers, the generator and the log scheduler refuse an option they do not have, naming it
 * and the option it most likely misspells, before they read or write anything: a misspelt option
 * had been ignored, its option left at its default (`readSwf(path, { strickt: true })` read leniently).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOptionNames, FairfitError } from '../../src/errors.ts';
import { alibabaScenario } from '../../src/systems/crs/alibaba-scenario.ts';
import { generateTrace } from '../../src/io/generate.ts';
import { readAlibabaMachines } from '../../src/io/alibaba.ts';
import { readGoogleTrace } from '../../src/io/google/trace-folder.ts';
import { readMachineEvents } from '../../src/io/google/machine-events.ts';
import { readTaskEvents } from '../../src/io/google/task-events.ts';
import { readTaskUsage, usageWindows } from '../../src/io/google/task-usage.ts';
import { partFiles } from '../../src/io/google/part-files.ts';
import { detectTraceFormat } from '../../src/io/detect.ts';
import { readScenario } from '../../src/systems/crs/scenario-schema.ts';
import { readSwf } from '../../src/io/swf.ts';
import { syntheticUsage } from '../../src/io/synthetic-usage.ts';
import { scheduleLog } from '../../src/systems/iptas/schedule-log.ts';
import { scheduleJobs } from '../../src/systems/iptas/schedule-trace.ts';

// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-option-names-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `code:field: message` of what `f` throws (or resolves to 'accepted'). */
async function refusal(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    if (e instanceof FairfitError) return `${e.code}:${e.details.field}: ${e.message}`;
    throw e;
  }
  return 'accepted';
}

describe('a null-prototype object (no toString) as an option value', () => {
  it('is refused by scheduleLog and alibabaScenario quoting it, not a TypeError from the message (found by an API fuzz)', async () => {
    const np = Object.create(null) as never;
    for (const [f, field] of [[() => scheduleLog({ trace: np, nodes: 1 }), 'trace'], [() => scheduleLog({ trace: 'x', nodes: np }), 'nodes'],
      [() => scheduleLog({ trace: 'x', nodes: 1, format: np }), 'format'], [() => scheduleLog({ trace: 'x', nodes: 1, algorithms: [np] }), 'algorithms'],
      [() => scheduleLog({ trace: 'x', nodes: 1, tau: np }), 'tau'], [() => alibabaScenario(join(dir, 'none'), { day: np }), 'day']] as const) {
      expect(await refusal(f), field).toMatch(new RegExp(`^INVALID_OPTION:${field}: .*an object`));
    }
  });
});

describe('a path that is not one', () => {
  it('is refused by each reader (INVALID_OPTION naming it): a number was a file descriptor (0 waited on standard input, -0 aborted Node)', async () => {
    const readers: [string, (p: never) => unknown][] = [
      ['path', (p) => readSwf(p)], ['dir', (p) => readGoogleTrace(p)], ['path', (p) => readTaskEvents(p)], ['path', (p) => readMachineEvents(p)],
      ['path', (p) => readTaskUsage(p, {} as never)], ['path', (p) => usageWindows(p).next()], ['path', (p) => partFiles(p)],
      ['dir', (p) => readAlibabaMachines(p)], ['dir', (p) => alibabaScenario(p)], ['path', (p) => readScenario(p)], ['path', (p) => detectTraceFormat(p)],
    ];
    for (const [field, read] of readers) {
      for (const [bad, shown] of [[-0, '0'], [0, '0'], [Symbol('s'), 'Symbol(s)'], [null, 'null'], ['', '""'], [{}, 'an object']] as const) {
        expect(await refusal(() => read(bad as never)), `${String(read)} ${String(shown)}`).toBe(`INVALID_OPTION:${field}: ${field}: expected a file path, got ${shown}`);
      }
    }
  });
});

describe('an option value of the wrong kind', () => {
  it("is refused by the readers before a file is read: strict 'no' read strictly, usageRead 'bogus' read as 'whole'", async () => {
    const none = join(dir, 'none');
    const cases: [() => unknown, string][] = [
      [() => readGoogleTrace(none, { usageRead: 'bogus' } as never), 'INVALID_OPTION:usageRead: usageRead must be \'stream\' or \'whole\', got "bogus"'],
      [() => readGoogleTrace(none, { strict: 'no' } as never), 'INVALID_OPTION:strict: strict must be true or false, got "no"'],
      [() => readGoogleTrace(none, { usage: 0 } as never), 'INVALID_OPTION:usage: usage must be true or false, got 0'],
      [() => readGoogleTrace(none, { spill: 'yes' } as never), 'INVALID_OPTION:spill: spill must be true or false, got "yes"'],
      [() => readSwf(none, { strict: 'no' } as never), 'INVALID_OPTION:strict: strict must be true or false, got "no"'],
      [() => readTaskEvents(none, { strict: 1 } as never), 'INVALID_OPTION:strict: strict must be true or false, got 1'],
      [() => readMachineEvents(none, { strict: null } as never), 'INVALID_OPTION:strict: strict must be true or false, got null'],
      [() => readAlibabaMachines(none, { strict: 'false' } as never), 'INVALID_OPTION:strict: strict must be true or false, got "false"'],
    ];
    for (const [f, want] of cases) expect(await refusal(f)).toBe(want);
  });
});

describe('an option a function does not have', () => {
  it('is refused by each reader, the generator and the schedulers, naming it and the likely one, before any file is touched', async () => {
    // Paths that do not exist: the option is refused before they are looked at.
    const none = join(dir, 'none');
    const cases: [() => unknown, string][] = [
      [() => readSwf(none, { strickt: true } as never), 'INVALID_OPTION:strickt: strickt: not an option of readSwf (did you mean strict?)'],
      [() => readGoogleTrace(none, { taskEventPart: 2 } as never), 'INVALID_OPTION:taskEventPart: taskEventPart: not an option of readGoogleTrace (did you mean taskEventParts?)'],
      [() => readAlibabaMachines(none, { batchrows: 5 } as never), 'INVALID_OPTION:batchrows: batchrows: not an option of readAlibabaMachines (did you mean batchRows?)'],
      [() => alibabaScenario(none, { dya: 3 } as never), 'INVALID_OPTION:dya: dya: not an option of alibabaScenario (did you mean day?)'],
      [() => scheduleLog({ trace: none, nodes: 16, maxjobs: 10 } as never), 'INVALID_OPTION:maxjobs: maxjobs: not an option of scheduleLog (did you mean maxJobs?)'],
      [() => scheduleJobs([], { algorithm: 'iptas', nodes: 4, recordReservation: true } as never), 'INVALID_OPTION:recordReservation: recordReservation: not an option of scheduleJobs (did you mean recordReservations?)'],
      [() => syntheticUsage({} as never, { seed: 1, start: 0, end: 1, windowUS: 5 } as never), 'INVALID_OPTION:windowUS: windowUS: not an option of syntheticUsage (did you mean windowUs?)'],
      [() => generateTrace({ machines: 2, tasks: 2, days: 0.01, seed: 1, out: join(dir, 'gen'), useage: false } as never), 'INVALID_OPTION:useage: useage: not an option of generateTrace (did you mean usage?)'],
      [() => generateTrace({ machines: 2, tasks: 2, days: 0.01, seed: 1, out: join(dir, 'gen'), colour: 'red' } as never), 'INVALID_OPTION:colour: colour: not an option of generateTrace'],
      // The single-table readers, public too: their options were handed on unchecked.
      [() => readTaskEvents(none, { part: 2 } as never), 'INVALID_OPTION:part: part: not an option of readTaskEvents (did you mean parts?)'],
      [() => readTaskUsage(none, {} as never, { Strict: true } as never), 'INVALID_OPTION:Strict: Strict: not an option of readTaskUsage (did you mean strict?)'],
      [() => readMachineEvents(none, { line: true } as never), 'INVALID_OPTION:line: line: not an option of readMachineEvents (did you mean lines?)'],
      [() => usageWindows(none, { strikt: true } as never).next(), 'INVALID_OPTION:strikt: strikt: not an option of usageWindows (did you mean strict?)'],
      [() => readTaskEvents(none, null as never), 'INVALID_OPTION:options: options of readTaskEvents must be an object, got null'],
    ];
    for (const [f, want] of cases) expect(await refusal(f)).toBe(want);
    expect(existsSync(join(dir, 'gen'))).toBe(false);
  });

  it('options that are no object are refused too; absent ones are the defaults', () => {
    expect(() => checkOptionNames(null, ['strict'], 'readSwf')).toThrow('options of readSwf must be an object, got null');
    expect(() => checkOptionNames([1], ['strict'], 'readSwf')).toThrow('options of readSwf must be an object');
    expect(() => checkOptionNames(undefined, ['strict'], 'readSwf')).not.toThrow();
    expect(() => checkOptionNames({ strict: true }, ['strict'], 'readSwf')).not.toThrow();
  });
});
