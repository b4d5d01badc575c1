/**
 * The order vitest starts test files in, with the few that run longest first. vitest
 * starts files it has no timings for by size, largest first; in CI's fresh clone it has none, and
 * the longest file (engine-long-run, ≈ 100 s, small) started last and ran alone for its last
 * 95 s while the other worker idled. Started first, the long ones overlap the rest.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The files that run longest alone (measured in CI, 8 Dec 2026: 40–90 s each), longest first. */
const LONG_FIRST = [
  'test/queue/queue-cli.test.ts',
  'test/cli/replay-cli.test.ts',
  'test/fuzz/cli-fuzz.test.ts',
  'test/engine/engine-long-run.test.ts',
  'test/cli/option-names-cli.test.ts',
  'test/queue/stop-after-redis-gone.test.ts',
  'test/report/html.test.ts',
];

export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // vitest's order otherwise, each project's files together as vitest put them.
    const project = new Map<string, number>();
    for (const f of sorted) if (!project.has(f.project.name)) project.set(f.project.name, project.size);
    const rank = (f: TestSpecification): number => {
      const path = f.moduleId.replaceAll('\\', '/');
      const k = LONG_FIRST.findIndex((p) => path.endsWith(`/${p}`));
      return k < 0 ? LONG_FIRST.length : k;
    };
    return sorted
      .map((f, at) => ({ f, at, p: project.get(f.project.name)!, r: rank(f) }))
      .sort((a, b) => a.p - b.p || a.r - b.r || a.at - b.at)
      .map(({ f }) => f);
  }
}
