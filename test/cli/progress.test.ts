import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTrace } from '../../src/io/generate.ts';
import { spawnSyncChild } from '../children.ts';

// util-linux `script` gives the CLI a pseudo-terminal, the only way to see what a user's terminal sees.
const SCRIPT = '/usr/bin/script';
const hasScript = existsSync(SCRIPT);
if (!hasScript) console.warn(`progress test: ${SCRIPT} (util-linux) not found; skipping the pseudo-terminal checks`);

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
// Made before the first test: made while the file was collected, it stayed when every test was skipped
// (no `script`, or a -t that selects none), since a file with no test to run runs no afterAll.
let dir = '';
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fairfit-tty-'));
  await generateTrace({ machines: 60, tasks: 800, days: 0.03, seed: 9, out: dir });
});

function onTerminal(args: string): string {
  const r = spawnSyncChild(SCRIPT, ['-qec', `${process.execPath} ${MAIN} ${args} </dev/null`, '/dev/null'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  // Drop terminal control sequences; keep what would be visible.
  return r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '');
}

describe.skipIf(!hasScript)('on a terminal, the progress bar shows on stderr unless --quiet', () => {
  it('shows a bar with the run count, then the table', () => {
    const out = onTerminal(`sweep --trace ${dir} --machines 20:40:10 --overcommit 1 --policy no_migration,fine_grained --workers 2`);
    expect(out).toMatch(/sweep \|[█░]+\| \d+% \| \d+\/6 runs/);
    expect(out).toMatch(/6\/6 runs/);
    expect(out).toContain('policy');
  });
  it('says the ETA is not known yet while no run is done (not "ETA 0s", nor cli-progress\'s "NFs" cut from INF)', () => {
    const out = onTerminal(`sweep --trace ${dir} --machines 20:40:10 --overcommit 1 --policy no_migration,fine_grained --workers 2`);
    // Frames follow one another on one line (the bar returns to column 1): cut at each label.
    const frames = [...out.matchAll(/(\d+)% \| (\d+)\/6 runs \| \S+ elapsed, ETA (.*?)(?=sweep \||trace |\r|\n|$)/g)].map((m) => ({ percent: Number(m[1]), eta: m[3] }));
    const first = frames.filter((f) => f.percent === 0);
    expect(first.length).toBeGreaterThan(0);
    for (const f of first) expect(f.eta).toBe('?');
    for (const f of frames) expect(f.eta).toMatch(/^(\?|\d+s|\d+m\d+s|\d+h\d+m)$/);
  });
  it('says the trace is being read, with the seconds elapsed, until the account of the read replaces the line', () => {
    const out = onTerminal(`replay --trace ${dir} --machines 20 --policy no_migration`);
    const reading = out.indexOf(`fairfit replay: reading ${dir}… 0s elapsed`);
    expect(reading).toBeGreaterThanOrEqual(0);
    expect(out.indexOf('fairfit replay: read google2011')).toBeGreaterThan(reading);
    expect(onTerminal(`replay --trace ${dir} --machines 20 --policy no_migration --quiet`)).not.toContain('reading');
  });
  it('--quiet: no bar, only the table on stdout', () => {
    const out = onTerminal(`replay --trace ${dir} --machines 20 --policy no_migration --quiet`);
    expect(out).not.toMatch(/[█░]/);
    expect(out).toMatch(/^trace .*\r?\nmodel: .*\r?\nrules: .*\r?\n\r?\npolicy/);
  });
});
