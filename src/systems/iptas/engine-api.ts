/**
 * What every IPTAS engine offers a host application: the plain-TypeScript
 * {@link ReferenceEngine} and the WebAssembly `Engine` (columnar state in
 * linear memory) implement the same calls with the same results, so the JSON
 * command layer, the trace driver and the tests take either.
 *
 * The `…Handles` / `…Many` calls ({@link IptasBatchCalls}) are the batch twins of the id calls, for hosts
 * that move many tasks at once: tasks are named by handle (their submission
 * order number) and results come back as typed arrays, with no string per task.
 *
 * @module
 */
import type { ReferenceEngine } from './reference-engine.ts';

/** The calls an IPTAS engine answers (see {@link ReferenceEngine} for each one's rules). */
export type IptasEngine = Pick<ReferenceEngine,
  | 'params' | 'now'
  | 'addNode' | 'removeNode' | 'updateNode' | 'nodeOrder' | 'residual' | 'isUp'
  | 'submit' | 'submitGang' | 'runRound' | 'complete' | 'cancel' | 'purge' | 'epsilon' | 'checkLimits'
  | 'heartbeat' | 'sweepHealth' | 'drainDispatch' | 'pendingDispatch'
  | 'taskView' | 'counts' | 'running' | 'state' | 'explain'
>;

/**
 * The batch twins of the id calls (not JSON commands: their arguments and
 * results are typed arrays). The trace driver uses them.
 */
export type IptasBatchCalls = Pick<ReferenceEngine,
  'addNodes' | 'submitMany' | 'handleOf' | 'idOf' | 'runRoundHandles' | 'completeMany' | 'checkLimitsHandles' | 'checkLimitsColumns' | 'drainDispatchHandles' | 'drainDispatchMany'
>;

/** An engine with the batch calls too: what {@link ReferenceEngine} and the WebAssembly `Engine` both are. */
export type IptasBatchEngine = IptasEngine & IptasBatchCalls;
