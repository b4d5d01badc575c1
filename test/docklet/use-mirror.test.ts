/**
 * The replay's copy of the hosts' use (src/systems/docklet/use-mirror.ts), fed the hosts of every
 * create the manager placed and of every delete, holds the manager's use and member counts bit for
 * bit, on both engines, on random creates and deletes whose tenths leave float residues: the
 * replay's room bound counts members on it as the placer would (its soundness rests on this).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostRoom, hostTakes } from '../../src/systems/docklet/gang-room.ts';
import { UseMirror } from '../../src/systems/docklet/use-mirror.ts';
import { ENGINES, manager } from './helpers.ts';

const tenth = (min: number, max: number) => fc.integer({ min, max }).map((x) => x / 10);
const step = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('create' as const), nodes: fc.integer({ min: 1, max: 6 }), cpu: tenth(0, 7), mem: tenth(0, 7), pack: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), which: fc.nat() }) },
);

describe('the replay\'s copy of the hosts\' use', () => {
  for (const engine of ENGINES) {
    it(`equals the manager's use bit for bit (${engine})`, () => {
      fc.assert(
        fc.property(fc.array(fc.record({ cpu: tenth(5, 30), mem: tenth(5, 30) }), { minLength: 1, maxLength: 5 }), fc.array(step, { maxLength: 60 }), (hosts, steps) => {
          using vc = manager(engine, hosts.map((h, i) => ({ id: `h${i}`, ...h })));
          const mirror = new UseMirror(hosts.length);
          const live: { name: string; hosts: Int32Array; cpu: number; mem: number }[] = [];
          steps.forEach((s, i) => {
            if (s.op === 'create') {
              const r = vc.tryCreate({ name: `c${i}`, tenant: 't', nodes: s.nodes, demand: { cpu: s.cpu, mem: s.mem }, placement: s.pack ? 'pack' : 'spread' });
              if (r.kind === 'no-fit') return;
              const placed = Int32Array.from(r.cluster.members, (m) => Number(m.host!.slice(1)));
              mirror.place(placed, s.cpu, s.mem);
              live.push({ name: `c${i}`, hosts: placed, cpu: s.cpu, mem: s.mem });
            } else if (live.length > 0) {
              const [k] = live.splice(s.which % live.length, 1);
              vc.delete(k!.name);
              mirror.release(k!.hosts, k!.cpu, k!.mem);
            }
            const views = vc.hosts();
            expect(Array.from(mirror.useCpu)).toEqual(views.map((h) => h.used.cpu));
            expect(Array.from(mirror.useMem)).toEqual(views.map((h) => h.used.mem));
            expect(Array.from(mirror.members)).toEqual(views.map((h) => h.members));
          });
        }),
        { numRuns: 150 },
      );
    });
  }

  it('hostTakes is hostRoom\'s count', () => {
    fc.assert(
      fc.property(tenth(1, 30), tenth(1, 30), tenth(0, 30), tenth(0, 30), tenth(0, 10), tenth(0, 10), fc.integer({ min: 0, max: 50 }), (cc, cm, uc, um, c, m, limit) => {
        expect(hostTakes(cc, cm, uc, um, c, m, limit)).toBe(hostRoom(cc, cm, uc, um, c, m, limit)[0]);
      }),
    );
  });
});
