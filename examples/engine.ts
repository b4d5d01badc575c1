// The README's engine example: a host embeds the WebAssembly IPTAS engine. The test suite runs it.
import { Engine } from '../src/index.ts';

export function main(log: (...args: unknown[]) => void = console.log): void {
  using engine = new Engine({ l0: 4, alpha: 0.5 });             // any IPTAS parameter; these two are the defaults
  engine.addNodes([{ capacity: [8, 32] }, { capacity: [32, 128], speed: 2 }]);
  engine.submit({ id: 'etl-1', user: 'ana', demand: [2, 8], dataGB: 5, requestTime: 600 });
  engine.submitGang({ id: 'mpi', user: 'bo', demand: [1, 2], dataGB: 500, requestTime: 3600, procs: 4 });
  engine.submit({ id: 'big', user: 'cy', demand: [48, 8], dataGB: 1, requestTime: 60 }); // no node has 48 cores
  const round = engine.runRound(0);                             // priority → order → sorted first-fit, one call
  for (const node of [0, 1]) log(node, engine.drainDispatch(node)); // what each node should start, in order
  engine.complete('etl-1', { status: 'ok', actualTime: 420 });  // frees resources, feeds ε for T0
  const why = engine.explain('big');                            // why it waits: priority terms, user, queue place, reasons
  const bytes = engine.snapshot();                              // versioned, checksummed
  using again = Engine.restore(bytes);
  const answer = again.apply({ op: 'submit', id: 'x', user: 'ana', demand: [1, 1], dataGB: 1, requestTime: 60 }); // a JSON command
  log({ placed: round.placements.length, why: why.reasons.map((r) => r.code), answer });
}

if (import.meta.url === `file://${process.argv[1]}`) main();
