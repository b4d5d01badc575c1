/**
 * The build id's hash of the built JavaScript: it changes with any `.js`
 * file's bytes, name or presence anywhere under the folder, and with nothing
 * else (other files, the order files were written in).
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptsHash } from '../../src/queue/build-id.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A folder holding `files` (path → text), written in the given order. */
function folder(files: [string, string][]): string {
  const d = mkdtempSync(join(tmpdir(), 'fairfit-build-id-'));
  dirs.push(d);
  for (const [p, text] of files) {
    mkdirSync(join(d, p, '..'), { recursive: true });
    writeFileSync(join(d, p), text);
  }
  return d;
}

const BASE: [string, string][] = [
  ['index.js', 'export const a = 1;\n'],
  ['queue/worker.js', 'export const b = 2;\n'],
  ['queue/worker.d.ts', 'export declare const b: number;\n'],
  ['index.js.map', '{}'],
];

describe('scriptsHash', () => {
  it('is 16 hex digits, the same for the same files whatever order they were written in', async () => {
    const h = await scriptsHash(folder(BASE));
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(await scriptsHash(folder([...BASE].reverse()))).toBe(h);
  });

  it('changes when a script changes by one byte, is added, removed or renamed, even deep in a folder', async () => {
    const h = await scriptsHash(folder(BASE));
    const changed = BASE.map(([p, t]): [string, string] => [p, p === 'queue/worker.js' ? t.replace('2', '3') : t]);
    expect(await scriptsHash(folder(changed))).not.toBe(h);
    expect(await scriptsHash(folder([...BASE, ['systems/giantvm/jobs.js', '']]))).not.toBe(h);
    expect(await scriptsHash(folder(BASE.filter(([p]) => p !== 'index.js')))).not.toBe(h);
    const moved = folder(BASE);
    renameSync(join(moved, 'queue/worker.js'), join(moved, 'queue/worker2.js'));
    expect(await scriptsHash(moved)).not.toBe(h);
    // The same bytes split differently between two files: the names and the separators tell them apart.
    expect(await scriptsHash(folder([['a.js', 'xy'], ['b.js', '']]))).not.toBe(await scriptsHash(folder([['a.js', 'x'], ['b.js', 'y']])));
  });

  it('ignores everything but scripts (declarations, source maps), and says so when there is no script', async () => {
    const h = await scriptsHash(folder(BASE));
    const other = BASE.map(([p, t]): [string, string] => [p, p.endsWith('.js') ? t : `${t} changed`]);
    expect(await scriptsHash(folder([...other, ['README.md', 'x']]))).toBe(h);
    expect(await scriptsHash(folder([['a.d.ts', 'x']]))).toBe('no-js');
    expect(await scriptsHash(join(tmpdir(), 'fairfit-no-such-folder-for-build-id'))).toBe('no-js');
  });
});
