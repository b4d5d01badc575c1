// The IPTAS round scheduler's hot path (docs/model.md, "IPTAS round
// scheduler"): one round — priority recompute over every waiting task,
// ordering by priority descending (ties: submission order), sorted first-fit
// with dispatch rings and all-or-nothing gangs, aging — in one call, without
// leaving WebAssembly; and the scans that touch every task (time-limit kills,
// a node's eviction). Every rule mirrors src/systems/iptas/reference-engine.ts,
// the plain-TypeScript engine it is tested against.
//
// State: an `Engine` struct (assembly/layouts.ts, described in
// src/systems/iptas/engine-layouts.ts) with the addresses of its columns; the
// first-fit matcher is a `Matcher` struct in the same instance. Task index =
// submission order; `waitList` holds the waiting tasks ascending.
import { coversRow, descendingKey, gf, gi, sf, si } from './access';
import { Engine, EngineRowCheck, EngineRowColumn, EngineScratch, EngineTaskState, Matcher } from './layouts';
import { setErrorIndex } from './error';
import { bindMatcher, giveBack, pickNode, pickNodeAfter, recordMisses, resetRow, restoreRow, saveRow, startMissMemo, takeFrom } from './firstfit';
import { recomputePriorities } from './priority';
import { radixSortPairs } from './sort';


// Demands found to fit nowhere in this round. Within a round residuals only
// shrink (releases happen between rounds; a gang's tentative takes are put
// back exactly), so a demand ≥ one of these in every dimension cannot fit
// either: the search — O(nodes) when the free room is fragmented across
// dimensions — is skipped. A cache only: a miss just searches.
let failCount: i32 = 0;
let failNext: i32 = 0;

/** Whether dem (f64[dims]) is ≥ a remembered failed demand in every dimension. */
function knownMiss(fail: usize, dem: usize, dims: i32): bool {
  for (let f = 0; f < failCount; f++) if (coversRow(dem, fail + (<usize>(f * dims) << 3), dims)) return true;
  return false;
}

/**
 * Remembers dem as fitting nowhere. Entries ≥ dem in every dimension are
 * dropped (dem covers them), so the list stays a small set of minimal misses;
 * when it is full, the slot after the last one written is reused.
 */
function rememberMiss(fail: usize, dem: usize, dims: i32): void {
  let w = 0;
  for (let f = 0; f < failCount; f++) {
    const row = fail + (<usize>(f * dims) << 3);
    if (coversRow(row, dem, dims)) continue;
    if (w != f) memory.copy(fail + (<usize>(w * dims) << 3), row, <usize>dims << 3);
    w++;
  }
  failCount = w;
  const slot = failCount < EngineScratch.FAIL_SLOTS ? failCount : failNext;
  memory.copy(fail + (<usize>(slot * dims) << 3), dem, <usize>dims << 3);
  if (failCount < EngineScratch.FAIL_SLOTS) failCount++;
  failNext = (slot + 1) % EngineScratch.FAIL_SLOTS;
}

/** Slot k after head of a dispatch ring of ringCap slots (head < ringCap, k ≤ ringCap: no division). */
// @ts-ignore: decorator
@inline function ringSlot(head: i32, k: i32, ringCap: i32): i32 {
  const s = head + k;
  return s >= ringCap ? s - ringCap : s;
}

/**
 * Task t's placement record: the one it had (a task placed again), else the
 * next one. TypeScript keeps room for every waiting task to be placed.
 */
// @ts-ignore: decorator
@inline function recordOf(e: usize, t: i32): i32 {
  const placeP = load<usize>(e, Engine.place);
  const had = gi(placeP, t);
  if (had != 0) return had - 1;
  const p = load<i32>(e, Engine.placements);
  store<i32>(e, p + 1, Engine.placements);
  si(placeP, t, p + 1);
  return p;
}

/** Places task t on node nd at the engine's time: residual, ring, state, its record (node, start, T0, deadline), L_u. */
function place(e: usize, t: i32, nd: i32, dims: i32): void {
  takeFrom(nd, load<usize>(e, Engine.demand) + (<usize>(t * dims) << 3));
  const busy = load<usize>(e, Engine.busy);
  si(busy, nd, gi(busy, nd) + 1);
  const ringCap = load<i32>(e, Engine.ringCap);
  const head = gi(load<usize>(e, Engine.ringHead), nd);
  const lenP = load<usize>(e, Engine.ringLen);
  const len = gi(lenP, nd);
  si(load<usize>(e, Engine.ringBuf), ringSlot(head, len, ringCap) * load<i32>(e, Engine.nodeCap) + nd, t);
  si(lenP, nd, len + 1);
  si(load<usize>(e, Engine.state), t, EngineTaskState.running);
  const p = recordOf(e, t);
  si(load<usize>(e, Engine.pNode), p, nd);
  const now = load<f64>(e, Engine.now);
  sf(load<usize>(e, Engine.pStart), p, now);
  const u = gi(load<usize>(e, Engine.user), t);
  const t0 = gf(load<usize>(e, Engine.request), t) * gf(load<usize>(e, Engine.epsilon), u) * load<f64>(e, Engine.alphaPlusOne);
  sf(load<usize>(e, Engine.pT0), p, t0);
  sf(load<usize>(e, Engine.pDeadline), p, now + t0);
  if (now + t0 < load<f64>(e, Engine.minDeadline)) store<f64>(e, now + t0, Engine.minDeadline);
  const run = load<usize>(e, Engine.running);
  si(run, u, gi(run, u) + 1);
  const rc = load<i32>(e, Engine.runCount);
  si(load<usize>(e, Engine.runList), rc, t);
  si(load<usize>(e, Engine.pRunPos), p, rc);
  store<i32>(e, rc + 1, Engine.runCount);
  const outCount = load<i32>(e, Engine.outCount);
  si(load<usize>(e, Engine.outTask), outCount, t);
  si(load<usize>(e, Engine.outNode), outCount, nd);
  store<i32>(e, outCount + 1, Engine.outCount);
}

/**
 * Fits the waiting members of gang g one after the other on the live
 * residuals and rings (each member's residual row saved first), and keeps them
 * only if all fit; otherwise every row and ring length is put back exactly.
 */
function placeGang(e: usize, g: i32, dims: i32): void {
  const first = gi(load<usize>(e, Engine.gangFirst), g), size = gi(load<usize>(e, Engine.gangSize), g);
  const state = load<usize>(e, Engine.state), large = load<usize>(e, Engine.large), demand = load<usize>(e, Engine.demand);
  const undo = load<usize>(e, Engine.sUndo), nodes = load<usize>(e, Engine.sGangNodes);
  const lenP = load<usize>(e, Engine.ringLen), ringCap = load<i32>(e, Engine.ringCap);
  const fail = load<usize>(e, Engine.sFail);
  // A demand that fits nowhere on the live residuals fits nowhere after the earlier members' takes;
  // the members share one demand (engineCheckRows holds a restore to it): the first row's is theirs.
  if (knownMiss(fail, demand + (<usize>(first * dims) << 3), dims)) return;
  let k = 0;
  let ok = true;
  recordMisses(false); // tentative takes: a miss now may fit once they are undone
  for (let t = first; t < first + size; t++) {
    if (gi(state, t) != EngineTaskState.waiting) continue;
    const dem = demand + (<usize>(t * dims) << 3);
    // The members share demand and class, and the residuals only shrink while they are placed: a
    // member's node is found from the one before it (the same node a search from the root finds).
    const nd = k == 0 ? pickNode(dem, gi(large, t) != 0) : pickNodeAfter(gi(nodes, k - 1), dem, gi(large, t) != 0);
    if (nd < 0 || gi(lenP, nd) >= ringCap) { ok = false; break; }
    saveRow(nd, undo + (<usize>(k * dims) << 3));
    takeFrom(nd, dem);
    si(lenP, nd, gi(lenP, nd) + 1); // tentative: the member's ring slot
    si(nodes, k, nd);
    k++;
  }
  // The ring slots were only counted; place() writes them. On failure, the tentative takes are
  // undone too (newest first, so a node taken twice gets its oldest row back); on success they
  // are the members' takes, made in the same order from the same rows: kept as they are.
  for (let j = k - 1; j >= 0; j--) {
    const nd = gi(nodes, j);
    if (!ok) restoreRow(nd, undo + (<usize>(j * dims) << 3));
    si(lenP, nd, gi(lenP, nd) - 1);
  }
  recordMisses(true);
  if (!ok) return;
  // The members as place() would place them one by one (takes already made): every member has the
  // gang's user and requested time, so one T0 and deadline; the counters are written once.
  const ringBuf = load<usize>(e, Engine.ringBuf), headP = load<usize>(e, Engine.ringHead), nodeCap = load<i32>(e, Engine.nodeCap);
  const nodeP = load<usize>(e, Engine.pNode), startP = load<usize>(e, Engine.pStart), t0P = load<usize>(e, Engine.pT0), deadlineP = load<usize>(e, Engine.pDeadline);
  const list = load<usize>(e, Engine.runList), pos = load<usize>(e, Engine.pRunPos);
  const outTask = load<usize>(e, Engine.outTask), outNode = load<usize>(e, Engine.outNode);
  const now = load<f64>(e, Engine.now);
  const u = gi(load<usize>(e, Engine.user), first);
  const t0 = gf(load<usize>(e, Engine.request), first) * gf(load<usize>(e, Engine.epsilon), u) * load<f64>(e, Engine.alphaPlusOne);
  const deadline = now + t0;
  let rc = load<i32>(e, Engine.runCount), oc = load<i32>(e, Engine.outCount);
  const busy = load<usize>(e, Engine.busy);
  let j = 0;
  for (let t = first; t < first + size; t++) {
    if (gi(state, t) != EngineTaskState.waiting) continue;
    const nd = gi(nodes, j);
    si(busy, nd, gi(busy, nd) + 1);
    const len = gi(lenP, nd);
    si(ringBuf, ringSlot(gi(headP, nd), len, ringCap) * nodeCap + nd, t);
    si(lenP, nd, len + 1);
    si(state, t, EngineTaskState.running);
    const p = recordOf(e, t);
    si(nodeP, p, nd);
    sf(startP, p, now);
    sf(t0P, p, t0);
    sf(deadlineP, p, deadline);
    si(list, rc, t);
    si(pos, p, rc);
    rc++;
    si(outTask, oc, t);
    si(outNode, oc, nd);
    oc++;
    j++;
  }
  if (deadline < load<f64>(e, Engine.minDeadline)) store<f64>(e, deadline, Engine.minDeadline);
  const run = load<usize>(e, Engine.running);
  si(run, u, gi(run, u) + j);
  store<i32>(e, rc, Engine.runCount);
  store<i32>(e, oc, Engine.outCount);
}

/**
 * One round at `Engine.now`: placements go to outTask/outNode (outCount, in
 * placement order); the waiting list keeps the unplaced tasks, each aged by
 * one round. Returns the number of placements.
 */
export function engineRound(e: usize): i32 {
  const dims = load<i32>(e, Engine.dims), n = load<i32>(e, Engine.waiting);
  const wl = load<usize>(e, Engine.waitList);
  const user = load<usize>(e, Engine.user), dataGB = load<usize>(e, Engine.dataGB), rounds = load<usize>(e, Engine.rounds);
  const state = load<usize>(e, Engine.state), large = load<usize>(e, Engine.large), demand = load<usize>(e, Engine.demand);
  const gang = load<usize>(e, Engine.gang), seen = load<usize>(e, Engine.gangSeen);
  const sData = load<usize>(e, Engine.sData), sUser = load<usize>(e, Engine.sUser), sRounds = load<usize>(e, Engine.sRounds);
  const sPri = load<usize>(e, Engine.sPri), keys = load<usize>(e, Engine.sKeys), idx = load<usize>(e, Engine.sIdx);
  const lenP = load<usize>(e, Engine.ringLen), ringCap = load<i32>(e, Engine.ringCap);
  store<i32>(e, 0, Engine.outCount);
  bindMatcher(load<usize>(e, Engine.matcher));
  // The miss memo (a cache: same picks with or without it) costs a clear of 2·size·WAYS·dims values
  // per round; it pays when more tasks wait than there are tree leaves, and is left off otherwise.
  // With one dimension a search never comes back up (a vertex's maximum is a leaf's): nothing to skip.
  // TypeScript makes it for such a round (0: none, where a memoryLimit did not allow it).
  const memo = load<usize>(e, Engine.sMemo);
  if (dims > 1 && n > load<i32>(load<usize>(e, Engine.matcher), Matcher.size) && memo != 0) startMissMemo(memo);
  // 1. Priorities of the waiting tasks (L_u as it is at the start of the round).
  for (let i = 0; i < n; i++) {
    const t = gi(wl, i);
    sf(sData, i, gf(dataGB, t)); si(sUser, i, gi(user, t)); si(sRounds, i, gi(rounds, t));
  }
  recomputePriorities(sData, sUser, sRounds, n, load<usize>(e, Engine.running), load<i32>(e, Engine.users),
    load<usize>(e, Engine.priorityParams), sPri, load<usize>(e, Engine.sPen));
  // 2. Visit order: priority descending; the list is in submission order and the sort is stable.
  for (let i = 0; i < n; i++) { store<u64>(keys + (<usize>i << 3), descendingKey(gf(sPri, i))); si(idx, i, i); }
  radixSortPairs(keys, idx, load<usize>(e, Engine.sKeys2), load<usize>(e, Engine.sIdx2), load<usize>(e, Engine.sHist), n);
  // 3. One chance each: sorted first-fit; a full ring holds the task back; a gang once, all or nothing.
  const fail = load<usize>(e, Engine.sFail);
  failCount = 0;
  failNext = 0;
  for (let k = 0; k < n; k++) {
    const t = gi(wl, gi(idx, k));
    if (gi(state, t) != EngineTaskState.waiting) continue; // a gang member placed with its gang
    const g = gi(gang, t) - 1;
    if (g < 0) {
      const dem = demand + (<usize>(t * dims) << 3);
      if (knownMiss(fail, dem, dims)) continue;
      const nd = pickNode(dem, gi(large, t) != 0);
      if (nd < 0) rememberMiss(fail, dem, dims);
      else if (gi(lenP, nd) < ringCap) place(e, t, nd, dims);
      continue;
    }
    if (load<u8>(seen + <usize>g) != 0) continue;
    store<u8>(seen + <usize>g, 1);
    placeGang(e, g, dims);
  }
  // 4. The rest waits another round (list order kept); the gangs seen are cleared for the next round.
  let w = 0;
  for (let i = 0; i < n; i++) {
    const t = gi(wl, i);
    const g = gi(gang, t) - 1;
    if (g >= 0) store<u8>(seen + <usize>g, 0);
    if (gi(state, t) != EngineTaskState.waiting) continue;
    si(rounds, t, gi(rounds, t) + 1);
    si(wl, w, t);
    w++;
  }
  store<i32>(e, w, Engine.waiting);
  return load<i32>(e, Engine.outCount);
}

/**
 * Adds `count` waiting tasks at rows [tasks, tasks + count) that share every
 * field (a task, or a gang's members): TypeScript wrote the demand of the first
 * row; the rows are appended to the waiting list (the newest tasks are last).
 */
export function engineAddRows(e: usize, count: i32, user: i32, gang: i32, large: i32, dataGB: f64, request: f64): i32 {
  const dims = load<i32>(e, Engine.dims), first = load<i32>(e, Engine.tasks);
  const demand = load<usize>(e, Engine.demand), wl = load<usize>(e, Engine.waitList);
  const state = load<usize>(e, Engine.state), users = load<usize>(e, Engine.user), data = load<usize>(e, Engine.dataGB);
  const req = load<usize>(e, Engine.request), big = load<usize>(e, Engine.large);
  const gangs = load<usize>(e, Engine.gang);
  const w = load<i32>(e, Engine.waiting);
  const dem0 = demand + (<usize>(first * dims) << 3);
  for (let k = 0; k < count; k++) {
    const t = first + k;
    si(state, t, EngineTaskState.waiting);
    si(users, t, user);
    sf(data, t, dataGB);
    sf(req, t, request);
    // The demand row of the first row, copied (rows are few numbers: a loop, not memory.copy).
    if (k > 0) for (let d = 0; d < dims; d++) sf(dem0, k * dims + d, gf(dem0, d));
    // Rows are appended after the last, and are zero there (fresh arena memory, zeroed when recycled,
    // or freed by enginePurge, which zeroes these columns): rounds 0, "small", no gang, never placed
    // (no record) need no store
    // (a row's columns are cold lines: fewer is faster; and a restore need not write them).
    if (large) si(big, t, large);
    if (gang >= 0) si(gangs, t, gang + 1);
    si(wl, w + k, t);
  }
  store<i32>(e, w + count, Engine.waiting);
  store<i32>(e, first + count, Engine.tasks);
  return first;
}

/** Inserts task t into the waiting list at its submission-order place. */
function insertWaiting(e: usize, t: i32): void {
  const wl = load<usize>(e, Engine.waitList);
  let n = load<i32>(e, Engine.waiting);
  let lo = 0, hi = n;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (gi(wl, mid) < t) lo = mid + 1; else hi = mid; }
  memory.copy(wl + (<usize>(lo + 1) << 2), wl + (<usize>lo << 2), <usize>(n - lo) << 2);
  si(wl, lo, t);
  store<i32>(e, n + 1, Engine.waiting);
}

/**
 * Frees running task t: demand back to its node (ξ = min(ξ + δ, C); exactly C when it was the node's
 * last running task), L_u − 1, out of the running list (the caller sets its state).
 */
function release(e: usize, t: i32, dims: i32): void {
  const placeP = load<usize>(e, Engine.place);
  const p = gi(placeP, t) - 1;
  const nd = gi(load<usize>(e, Engine.pNode), p), busy = load<usize>(e, Engine.busy);
  const left = gi(busy, nd) - 1;
  si(busy, nd, left);
  if (left == 0) resetRow(nd);
  else giveBack(nd, load<usize>(e, Engine.demand) + (<usize>(t * dims) << 3));
  const run = load<usize>(e, Engine.running), u = gi(load<usize>(e, Engine.user), t);
  si(run, u, gi(run, u) - 1);
  // Out of the running list: the last entry takes its place.
  const list = load<usize>(e, Engine.runList), pos = load<usize>(e, Engine.pRunPos);
  const rc = load<i32>(e, Engine.runCount) - 1;
  const at = gi(pos, p), last = gi(list, rc);
  si(list, at, last);
  si(pos, gi(placeP, last) - 1, at);
  store<i32>(e, rc, Engine.runCount);
}

/** The running tasks on node nd (byNode) or with their deadline reached at now, ascending (submission order), into out; returns how many. */
function runningWhere(e: usize, out: usize, nd: i32, now: f64, byNode: bool): i32 {
  const list = load<usize>(e, Engine.runList), rc = load<i32>(e, Engine.runCount), placeP = load<usize>(e, Engine.place);
  const node = load<usize>(e, Engine.pNode), deadline = load<usize>(e, Engine.pDeadline);
  let k = 0;
  for (let j = 0; j < rc; j++) {
    const t = gi(list, j), p = gi(placeP, t) - 1;
    if (byNode ? gi(node, p) == nd : now >= gf(deadline, p)) { si(out, k, t); k++; }
  }
  // Ascending: the running list has no order (it is in placement order, and a release moves its
  // last entry into the gap). The entries are distinct task indices.
  sortAscending(out, k);
  return k;
}

/**
 * Sorts the k distinct i32 at out ascending, in place: an insertion sort while
 * its moves stay within a budget of 8 per entry (a few entries, or entries
 * nearly in order: a gang's members killed together are next to one another
 * in the running list), else a heap sort of them all — O(k log k) without
 * scratch. (An insertion sort alone was quadratic: 80,000 time kills at one
 * instant, placed in another order than submitted, took 2.3 s.)
 */
function sortAscending(out: usize, k: i32): void {
  let budget = k <= 32 ? i32.MAX_VALUE : k << 3;
  for (let i = 1; i < k; i++) {
    const v = gi(out, i);
    let j = i - 1;
    while (j >= 0 && gi(out, j) > v) { si(out, j + 1, gi(out, j)); j--; }
    si(out, j + 1, v);
    budget -= i - 1 - j;
    if (budget < 0) break;
  }
  if (budget >= 0) return;
  for (let i = (k >> 1) - 1; i >= 0; i--) siftDown(out, i, k);
  for (let end = k - 1; end > 0; end--) {
    const top = gi(out, 0);
    si(out, 0, gi(out, end));
    si(out, end, top);
    siftDown(out, 0, end);
  }
}

/** Restores the max-heap order of out[0, n) below position i. */
function siftDown(out: usize, i: i32, n: i32): void {
  const v = gi(out, i);
  while (true) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && gi(out, c + 1) > gi(out, c)) c++;
    if (gi(out, c) <= v) break;
    si(out, i, gi(out, c));
    i = c;
  }
  si(out, i, v);
}

/**
 * Ends running task t with `next` (an EngineTaskState): its resources are
 * freed; `waiting` puts it back in the waiting list (a retry). Returns 0.
 */
export function engineRelease(e: usize, t: i32, next: i32): i32 {
  const dims = load<i32>(e, Engine.dims);
  bindMatcher(load<usize>(e, Engine.matcher));
  release(e, t, dims);
  si(load<usize>(e, Engine.state), t, next);
  if (next == EngineTaskState.waiting) insertWaiting(e, t);
  return 0;
}

/**
 * Releases `n` running tasks at once: task i = outTask[i] goes to state
 * outNode[i] (TypeScript wrote both), in that order, as `n` engineRelease calls.
 */
export function engineReleaseMany(e: usize, n: i32): i32 {
  const dims = load<i32>(e, Engine.dims);
  const state = load<usize>(e, Engine.state), tasks = load<usize>(e, Engine.outTask), next = load<usize>(e, Engine.outNode);
  bindMatcher(load<usize>(e, Engine.matcher));
  for (let j = 0; j < n; j++) {
    const t = gi(tasks, j), s = gi(next, j);
    release(e, t, dims);
    si(state, t, s);
    if (s == EngineTaskState.waiting) insertWaiting(e, t);
  }
  return 0;
}

/** Takes task t's entries out of node nd's dispatch ring; the other entries keep their order (and the head its slot). */
function dropFromRing(e: usize, nd: i32, t: i32): void {
  const ringBuf = load<usize>(e, Engine.ringBuf), lenP = load<usize>(e, Engine.ringLen);
  const ringCap = load<i32>(e, Engine.ringCap), nodeCap = load<i32>(e, Engine.nodeCap);
  const head = gi(load<usize>(e, Engine.ringHead), nd), len = gi(lenP, nd);
  let w = 0;
  for (let k = 0; k < len; k++) {
    const v = gi(ringBuf, (head + k) % ringCap * nodeCap + nd);
    if (v == t) continue;
    if (w != k) si(ringBuf, (head + w) % ringCap * nodeCap + nd, v);
    w++;
  }
  si(lenP, nd, w);
}

/**
 * The host withdraws the `n` tasks in outTask (ascending, each waiting or running; TypeScript
 * checked and chose them: a task, or the members of its gang that have not ended): each becomes
 * `cancelled`. The waiting ones leave the waiting list (it stays ascending: the entries between
 * them move down in blocks). A running one is freed as a completion frees it, in that order, and
 * its entries leave the dispatch ring of its node. Nothing else changes: no history, no retry.
 * Returns how many of them were running.
 */
export function engineCancel(e: usize, n: i32): i32 {
  const dims = load<i32>(e, Engine.dims);
  const state = load<usize>(e, Engine.state), tasks = load<usize>(e, Engine.outTask);
  const placeP = load<usize>(e, Engine.place), nodeP = load<usize>(e, Engine.pNode);
  // 1. Out of the waiting list: each found by a binary search after the one before, the kept
  // entries since the last one removed moved down by the number removed so far.
  const wl = load<usize>(e, Engine.waitList), w = load<i32>(e, Engine.waiting);
  let removed = 0, kept = 0, lo = 0;
  for (let j = 0; j < n; j++) {
    const t = gi(tasks, j);
    if (gi(state, t) != EngineTaskState.waiting) continue;
    let hi = w;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (gi(wl, mid) < t) lo = mid + 1; else hi = mid; }
    // wl[lo] == t: TypeScript gave a waiting task, and every waiting task is in the list.
    if (removed > 0 && lo > kept) memory.copy(wl + (<usize>(kept - removed) << 2), wl + (<usize>kept << 2), <usize>(lo - kept) << 2);
    removed++;
    kept = ++lo;
  }
  if (removed > 0) {
    if (w > kept) memory.copy(wl + (<usize>(kept - removed) << 2), wl + (<usize>kept << 2), <usize>(w - kept) << 2);
    store<i32>(e, w - removed, Engine.waiting);
  }
  // 2. The running ones freed, in submission order; every one cancelled.
  bindMatcher(load<usize>(e, Engine.matcher));
  for (let j = 0; j < n; j++) {
    const t = gi(tasks, j);
    if (gi(state, t) == EngineTaskState.running) {
      const nd = gi(nodeP, gi(placeP, t) - 1);
      release(e, t, dims);
      dropFromRing(e, nd, t);
    }
    si(state, t, EngineTaskState.cancelled);
  }
  return n - removed;
}

/** Moves `count` rows of a column of `bytes`-byte rows from row `from` down to row `to` (to < from). */
function moveRows(col: usize, bytes: i32, from: i32, to: i32, count: i32): void {
  const span = <usize>count * bytes, src = col + <usize>from * bytes, dst = col + <usize>to * bytes;
  // A few bytes move faster by a loop than by memory.copy (a call out of the module).
  if (span >= 64) { memory.copy(dst, src, span); return; }
  if ((span & 7) == 0) { for (let k: usize = 0; k < span; k += 8) store<u64>(dst + k, load<u64>(src + k)); return; }
  if ((span & 3) == 0) { for (let k: usize = 0; k < span; k += 4) store<u32>(dst + k, load<u32>(src + k)); return; }
  for (let k: usize = 0; k < span; k++) store<u8>(dst + k, load<u8>(src + k));
}

/**
 * Forgets the tasks that have ended (ok, failed, killed, cancelled), except the members of a gang
 * with a member waiting or running (a gang is kept whole while it lives). The kept rows move down
 * to rows 0..kept−1 in their order (runs of kept rows in block copies), so a task's row — its
 * handle — is renumbered and the rows after `kept` are free for later submissions (zeroed where a
 * new row relies on zero: large, rounds, place, gang, failures). Everything that names a row or a
 * record is rewritten: the waiting and running lists (same order), the dispatch rings of the first
 * `nodes` nodes (the forgotten tasks' entries dropped, the others in order), the gangs (the kept
 * ones renumbered in order, their first rows) and the placement records (those of kept tasks, in
 * their order). Users, nodes and minDeadline are unchanged. Outputs, for TypeScript's ids:
 * outTask[t] = old row t's new row or −1, and outNode[g] = old gang g's new number or −1 (only
 * when something was forgotten). Returns the rows kept.
 */
export function enginePurge(e: usize, nodes: i32): i32 {
  const n = load<i32>(e, Engine.tasks), gangs = load<i32>(e, Engine.gangs), records = load<i32>(e, Engine.placements);
  const dims = load<i32>(e, Engine.dims);
  const state = load<usize>(e, Engine.state), gang = load<usize>(e, Engine.gang), place = load<usize>(e, Engine.place);
  const firstP = load<usize>(e, Engine.gangFirst), sizeP = load<usize>(e, Engine.gangSize);
  const map = load<usize>(e, Engine.outTask), rmap = load<usize>(e, Engine.outNode);
  // 1. The rows kept and their new rows; the records they hold marked.
  memory.fill(rmap, 0, <usize>records << 2);
  let kept = 0, cur = -1, liveGang = false;
  for (let t = 0; t < n; t++) {
    const st = gi(state, t);
    let keep = st == EngineTaskState.waiting || st == EngineTaskState.running;
    const g = gi(gang, t) - 1;
    if (g >= 0) {
      // A gang's rows are consecutive: decided at its first row met, for all of them.
      if (g != cur) {
        cur = g;
        liveGang = false;
        const first = gi(firstP, g), end = first + gi(sizeP, g);
        for (let m = first; m < end; m++) {
          const s = gi(state, m);
          if (s == EngineTaskState.waiting || s == EngineTaskState.running) { liveGang = true; break; }
        }
      }
      keep = liveGang;
    }
    if (keep) {
      si(map, t, kept++);
      const p = gi(place, t) - 1;
      if (p >= 0) si(rmap, p, 1);
    } else si(map, t, -1);
  }
  if (kept == n) return n;
  // 2. The kept tasks' placement records, in their order (rmap: old record → new).
  const pNode = load<usize>(e, Engine.pNode), pRunPos = load<usize>(e, Engine.pRunPos);
  const pStart = load<usize>(e, Engine.pStart), pT0 = load<usize>(e, Engine.pT0), pDeadline = load<usize>(e, Engine.pDeadline);
  let np = 0;
  for (let p = 0; p < records; p++) {
    if (gi(rmap, p) == 0) { si(rmap, p, -1); continue; }
    if (np != p) {
      si(pNode, np, gi(pNode, p)); si(pRunPos, np, gi(pRunPos, p));
      sf(pStart, np, gf(pStart, p)); sf(pT0, np, gf(pT0, p)); sf(pDeadline, np, gf(pDeadline, p));
    }
    si(rmap, p, np);
    np++;
  }
  store<i32>(e, np, Engine.placements);
  // 3. The kept rows down to their new rows, a run of consecutive kept rows at a time; their records renumbered.
  const user = load<usize>(e, Engine.user), dataGB = load<usize>(e, Engine.dataGB), request = load<usize>(e, Engine.request);
  const demand = load<usize>(e, Engine.demand), large = load<usize>(e, Engine.large), rounds = load<usize>(e, Engine.rounds);
  const submitTime = load<usize>(e, Engine.submitTime), plainRow = load<usize>(e, Engine.plainRow), failures = load<usize>(e, Engine.failures);
  let t = 0;
  while (t < n) {
    const to = gi(map, t);
    if (to < 0) { t++; continue; }
    let end = t + 1;
    while (end < n && gi(map, end) >= 0) end++;
    const count = end - t;
    if (to != t) {
      moveRows(state, 4, t, to, count); moveRows(user, 4, t, to, count); moveRows(dataGB, 8, t, to, count);
      moveRows(request, 8, t, to, count); moveRows(demand, dims << 3, t, to, count); moveRows(large, 4, t, to, count);
      moveRows(rounds, 4, t, to, count); moveRows(place, 4, t, to, count); moveRows(gang, 4, t, to, count);
      moveRows(submitTime, 8, t, to, count); moveRows(plainRow, 4, t, to, count); moveRows(failures, 1, t, to, count);
    }
    for (let w = to; w < to + count; w++) {
      const p = gi(place, w) - 1;
      if (p >= 0) si(place, w, gi(rmap, p) + 1);
    }
    t = end;
  }
  // 4. The kept gangs in their order (outNode now: old gang → new); a kept gang's rows are all kept.
  let ng = 0;
  for (let g = 0; g < gangs; g++) {
    const first = gi(map, gi(firstP, g));
    if (first < 0) { si(rmap, g, -1); continue; }
    si(firstP, ng, first);
    si(sizeP, ng, gi(sizeP, g));
    si(rmap, g, ng);
    ng++;
  }
  store<i32>(e, ng, Engine.gangs);
  if (ng != gangs) {
    for (let w = 0; w < kept; w++) {
      const g = gi(gang, w) - 1;
      if (g >= 0) si(gang, w, gi(rmap, g) + 1);
    }
  }
  // 5. The waiting and running lists (every task in them is kept; the order is the same).
  const wl = load<usize>(e, Engine.waitList), waiting = load<i32>(e, Engine.waiting);
  for (let i = 0; i < waiting; i++) si(wl, i, gi(map, gi(wl, i)));
  const rl = load<usize>(e, Engine.runList), rc = load<i32>(e, Engine.runCount);
  for (let j = 0; j < rc; j++) si(rl, j, gi(map, gi(rl, j)));
  // 6. The rings: the forgotten tasks' entries out, the others renumbered in their order (the head keeps its slot).
  const ringBuf = load<usize>(e, Engine.ringBuf), headP = load<usize>(e, Engine.ringHead), lenP = load<usize>(e, Engine.ringLen);
  const ringCap = load<i32>(e, Engine.ringCap), nodeCap = load<i32>(e, Engine.nodeCap);
  for (let nd = 0; nd < nodes; nd++) {
    const head = gi(headP, nd), len = gi(lenP, nd);
    let w = 0;
    for (let k = 0; k < len; k++) {
      const v = gi(map, gi(ringBuf, (head + k) % ringCap * nodeCap + nd));
      if (v < 0) continue;
      si(ringBuf, (head + w) % ringCap * nodeCap + nd, v);
      w++;
    }
    si(lenP, nd, w);
  }
  // 7. The freed rows as a new row expects them (engineAddRows writes state, user, numbers and demand).
  const freed = n - kept;
  memory.fill(large + (<usize>kept << 2), 0, <usize>freed << 2);
  memory.fill(rounds + (<usize>kept << 2), 0, <usize>freed << 2);
  memory.fill(place + (<usize>kept << 2), 0, <usize>freed << 2);
  memory.fill(gang + (<usize>kept << 2), 0, <usize>freed << 2);
  memory.fill(failures + <usize>kept, 0, <usize>freed);
  store<i32>(e, kept, Engine.tasks);
  return kept;
}

/**
 * Kills every running task whose deadline (start + T0) is reached at
 * `Engine.now`, in submission order: freed, state `killed`, indices in
 * outTask. Returns how many.
 */
export function engineTimeKills(e: usize): i32 {
  const dims = load<i32>(e, Engine.dims), now = load<f64>(e, Engine.now);
  const state = load<usize>(e, Engine.state), deadline = load<usize>(e, Engine.pDeadline), out = load<usize>(e, Engine.outTask);
  store<i32>(e, 0, Engine.outCount);
  // No running task's deadline is before minDeadline (a lower bound: releases leave it stale, never too high).
  if (now < load<f64>(e, Engine.minDeadline)) return 0;
  bindMatcher(load<usize>(e, Engine.matcher));
  const k = runningWhere(e, out, -1, now, false);
  for (let j = 0; j < k; j++) {
    const t = gi(out, j);
    release(e, t, dims);
    si(state, t, EngineTaskState.killed);
  }
  let next = Infinity;
  const list = load<usize>(e, Engine.runList), rc = load<i32>(e, Engine.runCount), placeP = load<usize>(e, Engine.place);
  for (let j = 0; j < rc; j++) { const dl = gf(deadline, gi(placeP, gi(list, j)) - 1); if (dl < next) next = dl; }
  store<f64>(e, next, Engine.minDeadline);
  store<i32>(e, k, Engine.outCount);
  return k;
}

/**
 * Node nd went down or was removed: its running tasks, in submission order,
 * are released and go back to waiting (`requeue` ≠ 0; not a retry) or fail;
 * its residual is reset to its capacity and its ring emptied. Indices in
 * outTask; returns how many.
 */
export function engineEvict(e: usize, nd: i32, requeue: i32): i32 {
  const dims = load<i32>(e, Engine.dims);
  const state = load<usize>(e, Engine.state), out = load<usize>(e, Engine.outTask);
  bindMatcher(load<usize>(e, Engine.matcher));
  const k = runningWhere(e, out, nd, 0, true);
  for (let j = 0; j < k; j++) {
    const t = gi(out, j);
    release(e, t, dims);
    si(state, t, requeue != 0 ? EngineTaskState.waiting : EngineTaskState.failed);
    if (requeue != 0) insertWaiting(e, t);
  }
  resetRow(nd);
  si(load<usize>(e, Engine.ringHead), nd, 0);
  si(load<usize>(e, Engine.ringLen), nd, 0);
  store<i32>(e, k, Engine.outCount);
  return k;
}

/** Finite and ≥ 0 (NaN fails both). */
// @ts-ignore: decorator
@inline function nonNegative(x: f64): bool {
  return x >= 0 && x - x == 0;
}

/** A finding of engineCheckRows about row (or gang) i, left in lastErrorIndex. */
// @ts-ignore: decorator
@inline function finding(i: i32, what: i32): i32 {
  setErrorIndex(i);
  return what;
}

/** Whether tasks t and u have the fields one submission gives a gang's members: user, class, data volume, requested time, demand. */
function sameSubmission(e: usize, t: i32, u: i32, dims: i32): bool {
  const user = load<usize>(e, Engine.user), large = load<usize>(e, Engine.large), data = load<usize>(e, Engine.dataGB), req = load<usize>(e, Engine.request);
  if (gi(user, t) != gi(user, u) || gi(large, t) != gi(large, u)) return false;
  if (load<u64>(data + (<usize>t << 3)) != load<u64>(data + (<usize>u << 3)) || load<u64>(req + (<usize>t << 3)) != load<u64>(req + (<usize>u << 3))) return false;
  const demand = load<usize>(e, Engine.demand);
  for (let d = 0; d < dims; d++) if (load<u64>(demand + (<usize>(t * dims + d) << 3)) != load<u64>(demand + (<usize>(u * dims + d) << 3))) return false;
  return true;
}

/**
 * Checks the `n` task rows a restore read, and the `gangs` gangs' rows: every
 * state, user (< users) and gang a kernel follows as an index, the numbers a
 * submit accepts (data volume, submission time, demand ≥ 0 and finite,
 * requested time > 0), each gang's rows being its members and no others'
 * (all with the fields one submission gave them: placeGang relies on it),
 * each placement record (< records) being one task's, and each running task's
 * record being on a node (< nodes). Meanwhile it rebuilds the waiting list
 * (the waiting tasks ascending) and counts: Engine.waiting, Engine.runCount
 * (the running tasks) and Engine.placements (the records named), which the
 * caller compares with the snapshot's. A record's pRunPos is 1 once a task
 * names it (fresh memory is 0): the caller writes the running ones' places.
 * The gang and submission-time columns are read only when `columns` (EngineRowColumn
 * flags) says the restore wrote them: all zero, they are valid, and reading
 * their pages would map them for nothing.
 * Returns an EngineRowCheck (ok: all fine), the task or gang in lastErrorIndex.
 */
export function engineCheckRows(e: usize, n: i32, users: i32, gangs: i32, nodes: i32, records: i32, columns: i32, from: i32, to: i32): i32 {
  const dims = load<i32>(e, Engine.dims);
  const state = load<usize>(e, Engine.state), user = load<usize>(e, Engine.user), gang = load<usize>(e, Engine.gang);
  const data = load<usize>(e, Engine.dataGB), req = load<usize>(e, Engine.request), sub = load<usize>(e, Engine.submitTime), demand = load<usize>(e, Engine.demand);
  const firstP = load<usize>(e, Engine.gangFirst), countP = load<usize>(e, Engine.gangSize);
  const placeP = load<usize>(e, Engine.place), nodeP = load<usize>(e, Engine.pNode), mark = load<usize>(e, Engine.pRunPos);
  const wl = load<usize>(e, Engine.waitList);
  const gangsWritten = (columns & EngineRowColumn.gang) != 0, submitWritten = (columns & EngineRowColumn.submitTime) != 0;
  // The rows [from, to) of n, a piece at a time (a call over 10^6 rows would run in V8's baseline code from
  // start to end: later pieces run the optimised code); the counts carried from piece to piece in the engine.
  let waiting = 0, running = 0, named = 0;
  if (from == 0) {
    // No gang column: every task is of no gang, so a gang has no members.
    if (!gangsWritten && gangs > 0) return finding(0, EngineRowCheck.gangRows);
    for (let g = 0; g < gangs; g++) {
      const first = gi(firstP, g), count = gi(countP, g);
      if (!(first >= 0 && count >= 1 && first <= n - count)) return finding(g, EngineRowCheck.gangRows);
      for (let t = first; t < first + count; t++) if (gi(gang, t) != g + 1 || !sameSubmission(e, t, first, dims)) return finding(g, EngineRowCheck.gangRows);
    }
  } else {
    waiting = load<i32>(e, Engine.waiting);
    running = load<i32>(e, Engine.runCount);
    named = load<i32>(e, Engine.placements);
  }
  for (let t = from; t < to; t++) {
    const st = gi(state, t);
    if (<u32>st >= <u32>EngineTaskState.COUNT) return finding(t, EngineRowCheck.state);
    if (<u32>gi(user, t) >= <u32>users) return finding(t, EngineRowCheck.user);
    // A member's gang is checked above from the gang's side; here only that it names one (0: none).
    if (gangsWritten) {
      const g = gi(gang, t);
      if (<u32>g > <u32>gangs) return finding(t, EngineRowCheck.gang);
      if (g > 0) { const first = gi(firstP, g - 1); if (t < first || t >= first + gi(countP, g - 1)) return finding(t, EngineRowCheck.gang); }
    }
    const r = gf(req, t);
    if (!(nonNegative(gf(data, t)) && nonNegative(r) && r > 0 && (!submitWritten || nonNegative(gf(sub, t))))) return finding(t, EngineRowCheck.numbers);
    for (let d = 0; d < dims; d++) if (!nonNegative(gf(demand, t * dims + d))) return finding(t, EngineRowCheck.demand);
    const p = gi(placeP, t) - 1;
    if (st == EngineTaskState.running) {
      if (p < 0 || p >= records || <u32>gi(nodeP, p) >= <u32>nodes) return finding(t, EngineRowCheck.runningRecord);
      running++;
    } else if (st == EngineTaskState.waiting) { si(wl, waiting, t); waiting++; }
    if (p >= 0) {
      if (p >= records || gi(mark, p) != 0) return finding(t, EngineRowCheck.record);
      si(mark, p, 1);
      named++;
    } else if (p < -1) return finding(t, EngineRowCheck.record);
  }
  store<i32>(e, waiting, Engine.waiting);
  store<i32>(e, running, Engine.runCount);
  store<i32>(e, named, Engine.placements);
  return EngineRowCheck.ok;
}
