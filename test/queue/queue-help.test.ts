/**
 * The `--queue` help of sweep, replay and worker says how a password is
 * given (README's Redis runs with --requirepass), as the URL parser accepts it.
 */
import { describe, expect, it } from 'vitest';
import { parseQueueUrl } from '../../src/queue/redis-url.ts';
import { MAIN } from './processes.ts';
import { spawnSyncChild } from '../children.ts';

describe('the --queue help', () => {
  it('shows the password form the URL parser accepts, for sweep, replay and worker', () => {
    for (const command of ['sweep', 'replay', 'worker']) {
      const r = spawnSyncChild(process.execPath, [MAIN, command, '--help'], { encoding: 'utf8' });
      expect(r.status, command).toBe(0);
      expect(r.stdout.replace(/\s+/g, ' '), command).toContain('redis://[USER:PASSWORD@]HOST:PORT[/DB] (no user: redis://:PASSWORD@HOST…)');
    }
    expect(parseQueueUrl('redis://:s%40cret@h:7/2').options).toMatchObject({ host: 'h', port: 7, db: 2, password: 's@cret' });
    expect(parseQueueUrl('redis://bob:pw@h:7').options).toMatchObject({ username: 'bob', password: 'pw' });
  });
});
