/**
 * `apply`'s static types, as a host application meets them: a command literal is checked against
 * its op's command (a misspelt or missing field, an op that is none, a wrong type: compile errors,
 * each line below is an `@ts-expect-error` that test/docs/typecheck.test.ts holds to it), the
 * answer's result is the op's; JSON from the wire (`unknown`, `any`) and commands whose op is only
 * a `string` are checked at run time only. At run time every one of these is refused as before.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DockletCommand } from '../../src/systems/docklet/command-schema.ts';
import type { DockletCommandResult } from '../../src/systems/docklet/commands.ts';
import type { ClusterStatus, ClusterSummary } from '../../src/systems/docklet/model.ts';
import { ENGINES, manager, sameHosts } from './helpers.ts';

describe.each(ENGINES)('apply types (%s)', (engine) => {
  it('checks a command literal against its op statically, and still refuses it at run time', () => {
    using vc = manager(engine, sameHosts(2));
    const ok = vc.apply({ op: 'create', name: 'web', tenant: 'acme', nodes: 2, demand: { cpu: 1, mem: 1 } });
    if (ok.ok) expectTypeOf(ok.result).toEqualTypeOf<ClusterStatus>();
    expect(ok.ok).toBe(true);
    const refused = [
      // @ts-expect-error a misspelt optional field
      vc.apply({ op: 'create', name: 'a', tenant: 'acme', nodes: 1, demand: { cpu: 1, mem: 1 }, placment: 'pack' }),
      // @ts-expect-error a misspelt required field
      vc.apply({ op: 'scale', name: 'web', nodez: 3 }),
      // @ts-expect-error a field missing
      vc.apply({ op: 'create', name: 'a', tenant: 'acme', demand: { cpu: 1, mem: 1 } }),
      // @ts-expect-error an op that is none
      vc.apply({ op: 'creat', name: 'a' }),
      // @ts-expect-error a field of the wrong type
      vc.apply({ op: 'scale', name: 'web', nodes: '3' }),
      // @ts-expect-error a placement that is none
      vc.apply({ op: 'create', name: 'a', tenant: 'acme', nodes: 1, demand: { cpu: 1, mem: 1 }, placement: 'fill' }),
    ];
    expect(refused.map((r) => r.ok)).toEqual([false, false, false, false, false, false]);
  });

  it('takes JSON from the wire and commands built at run time as they are', () => {
    using vc = manager(engine, sameHosts(2));
    const wire: unknown = JSON.parse('{"op":"list"}');
    const a = vc.apply(wire);
    expectTypeOf(a).toEqualTypeOf<DockletCommandResult>();
    const parsed = JSON.parse('{"op":"list"}') as unknown as { op: string; tenant: string };
    expect(vc.apply(parsed).ok).toBe(true);
    const commands: { op: string; name?: string }[] = [{ op: 'list' }, { op: 'status', name: 'nope' }];
    expect(commands.map((c) => vc.apply(c).ok)).toEqual([true, false]);
    const typed = { op: 'list' } as DockletCommand; // not narrowed: any op
    expectTypeOf(vc.apply(typed)).toEqualTypeOf<DockletCommandResult>();
    const listed = vc.apply({ op: 'list' });
    if (listed.ok) expectTypeOf(listed.result).toEqualTypeOf<ClusterSummary[]>();
    expect(vc.apply<unknown>({ op: 'scale', name: 'web', nodez: 3 })).toMatchObject({ ok: false, error: { field: 'command.nodez' } });
  });
});
