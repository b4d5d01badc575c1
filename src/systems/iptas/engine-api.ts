/**
 * What every IPTAS engine offers a host application: the plain-TypeScript
 * {@link ReferenceEngine} and the WebAssembly `Engine` (columnar state in
 * linear memory) implement the same calls with the same results, so the JSON
 * command layer, the trace driver and the tests take either.
 *
 * @module
 */
import type { ReferenceEngine } from './reference-engine.ts';

/** The calls an IPTAS engine answers (see {@link ReferenceEngine} for each one's rules). */
export type IptasEngine = Pick<ReferenceEngine,
  | 'params' | 'now'
  | 'addNode' | 'removeNode' | 'updateNode' | 'nodeOrder' | 'residual' | 'isUp'
  | 'submit' | 'submitGang' | 'runRound' | 'complete' | 'epsilon' | 'checkLimits'
  | 'heartbeat' | 'sweepHealth' | 'drainDispatch' | 'pendingDispatch'
  | 'taskView' | 'counts' | 'running' | 'state' | 'explain'
>;
