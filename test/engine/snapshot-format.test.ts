/**
 * The engine's snapshot format is pinned by recorded snapshots (test/fixtures/engine-snapshot-v6-*.bin):
 * this build writes them byte for byte (but for the writer's module hash and the checksum), and
 * restores them — whichever build wrote them — into engines that decide as the originals do. A
 * change of the format without a new format version fails here; a new version is recorded on
 * request: `FAIRFIT_UPDATE_GOLDEN=1 npx vitest run test/engine/snapshot-format.test.ts`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';

const UPDATE = process.env.FAIRFIT_UPDATE_GOLDEN === '1';
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/engine-snapshot-v6-${name}.bin`, import.meta.url));

/** The snapshot with the writer's module hash (bytes 8–40) and the checksum zeroed: what this build must write again. */
function masked(b: Uint8Array): Uint8Array {
  const m = b.slice();
  m.fill(0, 8, 40);
  m.fill(0, m.length - 4);
  return m;
}

/** The snapshot as another build would have written it: another module hash, its checksum made to match. */
function fromAnotherBuild(b: Uint8Array): Uint8Array {
  const m = b.slice();
  m.fill(0xab, 8, 40);
  new DataView(m.buffer, m.byteOffset).setUint32(m.length - 4, crc32(m.subarray(0, m.length - 4)), true);
  return m;
}

/**
 * An engine taken through every kind of state a snapshot keeps: nodes of several kinds and health
 * states, tasks waiting, running, done, failed once (retried), failed for good and killed, a gang,
 * users with history, undrained ring entries. `ids`: numbered ids (kept as runs) or any text.
 */
function built(ids: 'runs' | 'text'): Engine {
  const e = new Engine({ heartbeatInterval: 10, agingCap: 50, ringCapacity: 8 });
  e.addNodes([
    { capacity: [8, 32], speed: 2.4, vcpus: 8, mem: 32 },
    { capacity: [4, 16], speed: 2, vcpus: 4, mem: 16 },
    { capacity: [2, 4] },
    { capacity: [16, 64], speed: 3, vcpus: 16, mem: 64 },
  ]);
  for (let n = 0; n < 4; n++) e.heartbeat(n, 0);
  // Short and small: placed in the first rounds (one to fail twice, one to outrun its T0).
  e.submit({ id: ids === 'runs' ? 'f' : 'fé', user: 'u0', demand: [0.5, 0.5], dataGB: 0.1, requestTime: 5 });
  e.submit({ id: ids === 'runs' ? 'k' : 'kü', user: 'u1', demand: [0.5, 0.5], dataGB: 0.1, requestTime: 4 });
  const id = (i: number): string => (ids === 'runs' ? `t${i}` : ['é', 'a\nb', '中文', 'x#y', 'job-'][i % 5] + String(i));
  for (let i = 0; i < 60; i++) {
    e.submit({ id: id(i), user: `u${i % 7}`, demand: [0.5 + (i % 4), 1 + (i % 9) * 0.25], dataGB: (i * 37) % 120, requestTime: 20 + ((i * 13) % 400) });
  }
  e.submitGang({ id: ids === 'runs' ? 'g' : 'gang é', user: 'u2', demand: [1, 2], dataGB: 80, requestTime: 90, procs: 3 });
  e.runRound(1);
  const f = ids === 'runs' ? 'f' : 'fé', k = ids === 'runs' ? 'k' : 'kü';
  const running = e.state().tasks.filter((t) => t.state === 'running' && t.id !== f && t.id !== k).map((t) => t.id);
  e.complete(running[0]!, { status: 'ok', actualTime: 12 });
  e.complete(running[1]!, { status: 'failed', actualTime: 3 }); // retried once
  e.complete(running[2]!, { status: 'ok', actualTime: 30 });
  e.complete(f, { status: 'failed', actualTime: 1 });
  e.drainDispatch(0);
  e.heartbeat(0, 5);
  e.heartbeat(1, 5, { storageOk: false });
  e.heartbeat(3, 5);
  e.runRound(6);
  e.complete(f, { status: 'failed', actualTime: 1 }); // its second failure: final
  e.sweepHealth(14); // node 2 missed its heartbeats, node 1's storage failed
  e.runRound(15);
  e.heartbeat(0, 40);
  e.heartbeat(3, 40);
  const over = e.state().tasks.find((t) => t.state === 'running')!;
  e.checkLimits(40, new Map([[over.id, over.demand.map((d) => 2 * d)]])); // killed: it uses more than it declared
  for (let i = 60; i < 70; i++) e.submit({ id: id(i), user: 'u9', demand: [1, 1], dataGB: 5, requestTime: 60 });
  e.drainDispatch(3);
  e.runRound(41);
  return e;
}

/** What the engine decides over the next steps, every answer as JSON. */
function next(e: Engine): string[] {
  const out: string[] = [];
  for (let t = 60; t <= 240; t += 20) {
    out.push(JSON.stringify(e.runRound(t)));
    const running = e.state().tasks.filter((x) => x.state === 'running').map((x) => x.id);
    if (running.length > 0) out.push(JSON.stringify(e.complete(running[running.length - 1]!, { status: t % 40 === 0 ? 'failed' : 'ok', actualTime: 7 })));
    out.push(JSON.stringify(e.checkLimits(t)));
    for (let n = 0; n < 4; n++) out.push(JSON.stringify(e.drainDispatch(n)));
    e.heartbeat(0, t);
    e.heartbeat(3, t);
    out.push(JSON.stringify(e.sweepHealth(t)));
  }
  out.push(JSON.stringify(e.state()));
  return out;
}

describe('the engine snapshot format (version 6)', () => {
  for (const ids of ['runs', 'text'] as const) {
    it(`is written as recorded and restored from another build, deciding the same (ids as ${ids})`, () => {
      using e = built(ids);
      const bytes = e.snapshot();
      const file = fixture(ids);
      if (UPDATE) writeFileSync(file, bytes);
      if (!existsSync(file)) throw new Error(`${file} missing: run FAIRFIT_UPDATE_GOLDEN=1 npx vitest run test/engine/snapshot-format.test.ts`);
      const recorded = new Uint8Array(readFileSync(file));
      // The format: the same bytes as recorded, but for who wrote them.
      expect(Buffer.from(masked(bytes)).equals(Buffer.from(masked(recorded)))).toBe(true);
      // Read by this build although another one wrote it (another module hash).
      using r = Engine.restore(fromAnotherBuild(recorded));
      expect(JSON.stringify(r.state())).toBe(JSON.stringify(e.state()));
      expect(next(r)).toEqual(next(e));
    });
  }
});
