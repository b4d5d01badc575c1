// Capacity-weighted sorted first-fit (IPTAS paper §3.1.3; docs/model.md).
//
// Nodes sit at positions 0..n-1 ordered by capacity weight Wu ascending. A
// small task takes the first position (from the weak end) whose residual
// ξ[d] ≥ δ[d] in every dimension; a large task the last one (from the strong
// end). A segment tree holds, per tree vertex and dimension, the maximum
// residual below it (−∞ for down nodes and padding), so a search descends only
// into subtrees that might fit: O(D·log n) per placement when most nodes are
// full, instead of a scan over all of them.
//
// State: a `Matcher` struct (layout in assembly/layouts.ts, described in
// src/kernels/kernel-layouts.ts) in linear memory; every export takes its address, so
// one instance can hold several matchers beside other engine state. Each
// export first copies the struct into the module globals below (`bindMatcher`): they
// are a per-call register cache for the hot loops, never state kept between
// calls. Columns the struct points to (allocated by src/kernels/firstfit.ts):
//   cap   f64[n*D]       capacity, row per node (node-major)
//   res   f64[n*D]       residual ξ, row per node
//   up    u8[n]          1 = up
//   node  i32[n]         position → node
//   pos   i32[n]         node → position
//   tree  f64[2*size*D]  vertex v (1 = root, leaves at size+position), row per vertex
//   save  f64[n*D]       copy of res taken before a batch release (undo on error)
import { coversRow } from './access';
import { checkNonNeg, setErrorIndex } from './error';
import { Matcher, MissMemo, PlaceAll, TaskSize } from './layouts';
import { INDEX_OUT_OF_RANGE, RELEASE_EXCEEDS_CAPACITY } from './status';

let N: i32 = 0;
let D: i32 = 0;
let SIZE: i32 = 1;
let CAP: usize = 0;
let RES: usize = 0;
let UP: usize = 0;
let NODE: usize = 0;
let POS: usize = 0;
let TREE: usize = 0;
let SAVE: usize = 0;
// Miss memo of one engine round (0 = off): per vertex, MissMemo.WAYS demands known
// to fit nowhere below it, newest first (NaN = nothing known). Valid while residuals
// only shrink. Several ways, because the misses of one vertex form a staircase: with
// one way, tasks of other demands in turn kept erasing each other's (the filling round
// of the engine bench: 134 vertices visited per placement with one way, 26 with four).
let MEMO: usize = 0;
let MEMO_RECORD: bool = false;

// @ts-ignore: decorator
@inline function f64at(base: usize, i: i32): usize { return base + (<usize>i << 3); }

/** Loads the matcher struct at `m` into the register cache. */
export function bindMatcher(m: usize): void {
  N = load<i32>(m, Matcher.n); D = load<i32>(m, Matcher.dims); SIZE = load<i32>(m, Matcher.size);
  CAP = load<usize>(m, Matcher.cap); RES = load<usize>(m, Matcher.res); UP = load<usize>(m, Matcher.up);
  NODE = load<usize>(m, Matcher.node); POS = load<usize>(m, Matcher.pos); TREE = load<usize>(m, Matcher.tree);
  SAVE = load<usize>(m, Matcher.save);
  MEMO = 0;
  MEMO_RECORD = false;
  // The TypeScript side validates the shape; an assert here (debug build only) catches a binding bug.
  assert(D >= 1 && D <= 8 && N >= 1 && SIZE >= N, 'bindMatcher: bad matcher shape');
}

/** Rebuilds every tree vertex of the matcher at `m` from its residuals, order and up flags. */
export function ffRebuild(m: usize): void {
  bindMatcher(m);
  rebuild();
}

function rebuild(): void {
  for (let p = 0; p < SIZE; p++) writeLeaf(p);
  for (let v = SIZE - 1; v >= 1; v--) pull(v);
}

/** Copies a row of D values (a loop: memory.copy of a few bytes costs a call out of the module). */
// @ts-ignore: decorator
@inline function copyRow(dst: usize, src: usize): void {
  for (let d = 0; d < D; d++) store<f64>(f64at(dst, d), load<f64>(f64at(src, d)));
}

function writeLeaf(p: i32): void {
  const leaf = f64at(TREE, (SIZE + p) * D);
  if (p < N) {
    const nd = load<i32>(NODE + (<usize>p << 2));
    if (load<u8>(UP + <usize>nd) != 0) {
      copyRow(leaf, f64at(RES, nd * D));
      return;
    }
  }
  for (let d = 0; d < D; d++) store<f64>(f64at(leaf, d), -Infinity);
}

// @ts-ignore: decorator
@inline function pull(v: i32): void {
  const t = f64at(TREE, v * D), l = f64at(TREE, 2 * v * D), r = f64at(TREE, (2 * v + 1) * D);
  for (let d = 0; d < D; d++) store<f64>(f64at(t, d), Math.max(load<f64>(f64at(l, d)), load<f64>(f64at(r, d))));
}

/**
 * Vertex v's maxima from its children; whether one changed. Where none
 * changed, no vertex above changes either: update stops there.
 */
// @ts-ignore: decorator
@inline function pullChanged(v: i32): bool {
  const t = f64at(TREE, v * D), l = f64at(TREE, 2 * v * D), r = f64at(TREE, (2 * v + 1) * D);
  let changed = false;
  for (let d = 0; d < D; d++) {
    const x = Math.max(load<f64>(f64at(l, d)), load<f64>(f64at(r, d)));
    // != is false for −0 against +0: the tree is only compared with <, for which they are the same.
    if (x != load<f64>(f64at(t, d))) { store<f64>(f64at(t, d), x); changed = true; }
  }
  return changed;
}

function update(p: i32): void {
  if (D == 1) {
    update1(p);
    return;
  }
  writeLeaf(p);
  let v = (SIZE + p) >> 1;
  while (v >= 1 && pullChanged(v)) v >>= 1;
}

/** update with one dimension: a vertex is one value (the loops over D cost more than the work there). */
// @ts-ignore: decorator
@inline function update1(p: i32): void {
  let x = -Infinity;
  if (p < N) {
    const nd = load<i32>(NODE + (<usize>p << 2));
    if (load<u8>(UP + <usize>nd) != 0) x = load<f64>(f64at(RES, nd));
  }
  let v = SIZE + p;
  store<f64>(f64at(TREE, v), x);
  v >>= 1;
  while (v >= 1) {
    const m = Math.max(load<f64>(f64at(TREE, 2 * v)), load<f64>(f64at(TREE, 2 * v + 1)));
    // As pullChanged: unchanged here, unchanged above (−0 and +0 alike: the tree is only compared with <).
    if (m == load<f64>(f64at(TREE, v))) break;
    store<f64>(f64at(TREE, v), m);
    v >>= 1;
  }
}

// @ts-ignore: decorator
@inline function fits(v: i32, dem: usize): bool {
  const t = f64at(TREE, v * D);
  for (let d = 0; d < D; d++) if (load<f64>(f64at(t, d)) < load<f64>(f64at(dem, d))) return false;
  return true;
}

/** Whether the memo knows that nothing below v fits dem (dem ≥ one of v's recorded misses in every dimension). */
// @ts-ignore: decorator
@inline function knownMiss(v: i32, dem: usize): bool {
  const m = f64at(MEMO, MissMemo.WAYS * v * D);
  for (let j = 0; j < MissMemo.WAYS; j++) if (coversRow(dem, f64at(m, j * D), D)) return true;
  return false;
}

/** Records dem as a miss below v: the newest first, older ones after it (the first one ≥ dem dropped, else the oldest). */
// @ts-ignore: decorator
@inline function recordMiss(v: i32, dem: usize): void {
  const m = f64at(MEMO, MissMemo.WAYS * v * D);
  // Entries ≥ dem are of no more use: the first one is overwritten (else the oldest).
  let j = 0;
  while (j < MissMemo.WAYS - 1 && !coversRow(f64at(m, j * D), dem, D)) j++;
  if (j > 0) memory.copy(f64at(m, D), m, <usize>(j * D) << 3);
  memory.copy(m, dem, <usize>D << 3);
}

/**
 * search from the root with one dimension: a vertex's maximum is one of its
 * children's, so the side searched first fits whenever it holds that maximum
 * and the descent never has to come back (the same position as search).
 */
function search1(dem: usize, large: bool): i32 {
  const x = load<f64>(dem);
  if (load<f64>(f64at(TREE, 1)) < x) return -1;
  return descend1(1, x, large);
}

/** The descent of search1 from vertex v, whose maximum is ≥ x. */
// @ts-ignore: decorator
@inline function descend1(v: i32, x: f64, large: bool): i32 {
  while (v < SIZE) {
    const first = large ? 2 * v + 1 : 2 * v;
    v = load<f64>(f64at(TREE, first)) < x ? first ^ 1 : first;
  }
  return v - SIZE;
}

/**
 * The first position from p0 on (small task; the last one up to p0 for a large
 * task) that fits dem, or -1: what a search from the root returns when no
 * position before p0 (after it, large) fits dem, as after a pick of p0 for the
 * same demand with residuals only shrinking since. p0's leaf first, then the
 * siblings on the way up, nearest first.
 */
function searchFrom(p0: i32, dem: usize, large: bool): i32 {
  let v = SIZE + p0;
  if (fits(v, dem)) return p0;
  while (v > 1) {
    // A small task looks right of v (v a left child), a large one left of it (v a right child).
    if (((v & 1) == 0) != large) {
      const w = v ^ 1;
      if (D == 1) {
        const x = load<f64>(dem);
        if (load<f64>(f64at(TREE, w)) >= x) return descend1(w, x, large);
      } else {
        const r = MEMO != 0 ? searchMemo(w, dem, large) : search(w, dem, large);
        if (r >= 0) return r;
      }
    }
    v >>= 1;
  }
  return -1;
}

/** Leftmost (small task) or rightmost (large task) position below v that fits dem, or -1. */
function search(v: i32, dem: usize, large: bool): i32 {
  if (!fits(v, dem)) return -1;
  if (v >= SIZE) return v - SIZE;
  const first = large ? 2 * v + 1 : 2 * v;
  const r = search(first, dem, large);
  if (r >= 0) return r;
  return search(first ^ 1, dem, large);
}

/**
 * search with the miss memo (an engine round): the same result, subtrees
 * known to fail skipped, new misses recorded. A function of its own so the
 * matcher's plain search pays nothing for it.
 */
function searchMemo(v: i32, dem: usize, large: bool): i32 {
  if (!fits(v, dem)) return -1;
  if (v >= SIZE) return v - SIZE;
  if (knownMiss(v, dem)) return -1;
  const first = large ? 2 * v + 1 : 2 * v;
  const r = searchMemo(first, dem, large);
  if (r >= 0) return r;
  const r2 = searchMemo(first ^ 1, dem, large);
  // Every dimension fits somewhere below v, yet no node fits all: remember it.
  if (r2 < 0 && MEMO_RECORD) recordMiss(v, dem);
  return r2;
}

/**
 * Turns the miss memo on for the bound matcher (memo f64[2·size·WAYS·D], reset to
 * "nothing known"), for a call in which residuals only shrink; `record` off
 * while takes are tentative (a miss then may not hold once they are undone).
 */
export function startMissMemo(memo: usize): void {
  memory.fill(memo, 0xff, (<usize>(2 * MissMemo.WAYS * SIZE * D)) << 3); // all NaN
  MEMO = memo;
  MEMO_RECORD = true;
}

/** Whether misses are recorded (false while takes are tentative). */
export function recordMisses(on: bool): void {
  MEMO_RECORD = on && MEMO != 0;
}

// ---- for kernels that run a matcher inside a larger call (the engine round):
// bindMatcher first, then these act on the bound matcher.

/** The node sorted first-fit picks for dem (f64[D]), without taking it; −1 when none fits. */
export function pickNode(dem: usize, large: bool): i32 {
  const p = MEMO != 0 ? searchMemo(1, dem, large) : D == 1 ? search1(dem, large) : search(1, dem, large);
  return p < 0 ? -1 : load<i32>(NODE + (<usize>p << 2));
}

/**
 * pickNode for a demand whose last pick was node nd0, residuals only
 * shrinking since (the members of one gang): the same node, found from nd0's
 * position instead of from the root.
 */
export function pickNodeAfter(nd0: i32, dem: usize, large: bool): i32 {
  const p = searchFrom(load<i32>(POS + (<usize>nd0 << 2)), dem, large);
  return p < 0 ? -1 : load<i32>(NODE + (<usize>p << 2));
}

/** Takes dem from node nd's residual (it fits: pickNode chose it). */
export function takeFrom(nd: i32, dem: usize): void {
  const row = f64at(RES, nd * D);
  for (let d = 0; d < D; d++) store<f64>(f64at(row, d), load<f64>(f64at(row, d)) - load<f64>(f64at(dem, d)));
  update(load<i32>(POS + (<usize>nd << 2)));
}

/** Gives dem back to node nd: ξ = min(ξ + δ, C) per dimension (no error: the engine's rule). */
export function giveBack(nd: i32, dem: usize): void {
  const row = f64at(RES, nd * D), cap = f64at(CAP, nd * D);
  for (let d = 0; d < D; d++) store<f64>(f64at(row, d), Math.min(load<f64>(f64at(row, d)) + load<f64>(f64at(dem, d)), load<f64>(f64at(cap, d))));
  update(load<i32>(POS + (<usize>nd << 2)));
}

/** Copies node nd's residual row to dst f64[D]. */
export function saveRow(nd: i32, dst: usize): void {
  copyRow(dst, f64at(RES, nd * D));
}

/** Sets node nd's residual row from src f64[D] (exactly) and updates the tree. */
export function restoreRow(nd: i32, src: usize): void {
  copyRow(f64at(RES, nd * D), src);
  update(load<i32>(POS + (<usize>nd << 2)));
}

/** Sets node nd's residual to its capacity (exactly) and updates the tree. */
export function resetRow(nd: i32): void {
  restoreRow(nd, f64at(CAP, nd * D));
}

/** Places one validated demand (f64[D] at dem) on the bound matcher; returns the node or -1. */
export function placeOne(dem: usize, large: bool): i32 {
  const p = search(1, dem, large);
  if (p < 0) return -1;
  const nd = load<i32>(NODE + (<usize>p << 2));
  const row = f64at(RES, nd * D);
  for (let d = 0; d < D; d++) store<f64>(f64at(row, d), load<f64>(f64at(row, d)) - load<f64>(f64at(dem, d)));
  update(p);
  return nd;
}

/** Places one demand (f64[D]); returns node ≥ 0, -1 when nothing fits. Input validated by the caller. */
export function ffPlace(m: usize, dem: usize, size: i32): i32 {
  bindMatcher(m);
  return placeOne(dem, size == TaskSize.large);
}

/** Whether demand row `row` is large: explicit sizes u8[] when `sizes` ≠ 0, else δ[d] ≥ thr[d] in any dimension. */
function largeAt(row: usize, j: i32, sizes: usize, thr: usize): bool {
  if (sizes != 0) return <i32>load<u8>(sizes + <usize>j) == TaskSize.large;
  for (let d = 0; d < D; d++) if (load<f64>(f64at(row, d)) >= load<f64>(f64at(thr, d))) return true;
  return false;
}

/** Validates m demands (f64[m*D]); status 0 or the first bad value's, index recorded. */
function checkDemands(dem: usize, m: i32): i32 {
  const total = m * D;
  for (let i = 0; i < total; i++) {
    const s = checkNonNeg(load<f64>(f64at(dem, i)), i);
    if (s != 0) return s;
  }
  return 0;
}

/**
 * Places m demands given row-major (f64[m*D], task-major) in order. Sizes: u8[m]
 * (1 = large) when `sizes` ≠ 0, else large iff δ[d] ≥ thr[d] in any dimension.
 * Validates all demands first; on error nothing is placed. Writes nodes to out i32[m].
 */
export function ffPlaceBatch(mt: usize, dem: usize, m: i32, sizes: usize, thr: usize, out: usize): i32 {
  bindMatcher(mt);
  const s = checkDemands(dem, m);
  if (s != 0) return s;
  for (let j = 0; j < m; j++) {
    const row = f64at(dem, j * D);
    store<i32>(out + (<usize>j << 2), placeOne(row, largeAt(row, j, sizes, thr)));
  }
  return 0;
}

/**
 * All-or-nothing placement of m demands (a gang), in order, sizes as in
 * ffPlaceBatch. Returns a status: not 0 when a demand is not a finite value
 * ≥ 0 (index recorded; nothing placed). With status 0, `out` i32[m + 1] holds
 * the nodes in out[0..m) and PlaceAll.ALL_PLACED in out[m] when every demand
 * was placed; or −1 everywhere in out[0..m) and, in out[m], the index of the
 * first demand that did not fit — and then nothing is placed: each touched
 * node's residual row is restored from `undo` f64[m*D] (not recomputed, so no
 * rounding remains) and its tree path rebuilt, and undo's row of that demand
 * holds the largest residual per dimension it was judged against (after the
 * earlier demands' takes: the reason it did not fit).
 */
export function ffPlaceAll(mt: usize, dem: usize, m: i32, sizes: usize, thr: usize, out: usize, undo: usize): i32 {
  bindMatcher(mt);
  const s = checkDemands(dem, m);
  if (s != 0) return s;
  for (let j = 0; j < m; j++) {
    const row = f64at(dem, j * D);
    const large = largeAt(row, j, sizes, thr);
    const p = search(1, row, large);
    if (p < 0) {
      // The largest residuals demand j missed (after the earlier members' takes), for its reason:
      // into undo row j, which no take used.
      copyRow(f64at(undo, j * D), f64at(TREE, D));
      // Undo in reverse order: a node placed twice gets its oldest row back last.
      for (let k = j - 1; k >= 0; k--) {
        const nd = load<i32>(out + (<usize>k << 2));
        memory.copy(f64at(RES, nd * D), f64at(undo, k * D), <usize>D << 3);
        update(load<i32>(POS + (<usize>nd << 2)));
      }
      for (let k = 0; k < m; k++) store<i32>(out + (<usize>k << 2), -1);
      store<i32>(out + (<usize>m << 2), j);
      return 0;
    }
    const nd = load<i32>(NODE + (<usize>p << 2));
    memory.copy(f64at(undo, j * D), f64at(RES, nd * D), <usize>D << 3);
    const res = f64at(RES, nd * D);
    for (let d = 0; d < D; d++) store<f64>(f64at(res, d), load<f64>(f64at(res, d)) - load<f64>(f64at(row, d)));
    update(p);
    store<i32>(out + (<usize>j << 2), nd);
  }
  store<i32>(out + (<usize>m << 2), PlaceAll.ALL_PLACED);
  return 0;
}

function releaseOne(nd: i32, dem: usize): i32 {
  const row = f64at(RES, nd * D), cap = f64at(CAP, nd * D);
  for (let d = 0; d < D; d++) {
    // Rounding of ξ − δ + δ may overshoot the capacity by an ulp or so:
    // tolerate 1e-9 relative and clamp; anything more is a caller's error.
    const v = load<f64>(f64at(row, d)) + load<f64>(f64at(dem, d));
    const c = load<f64>(f64at(cap, d));
    if (v > c + 1e-9 * Math.max(c, 1.0)) return RELEASE_EXCEEDS_CAPACITY;
  }
  for (let d = 0; d < D; d++) {
    const v = load<f64>(f64at(row, d)) + load<f64>(f64at(dem, d));
    store<f64>(f64at(row, d), Math.min(v, load<f64>(f64at(cap, d))));
  }
  update(load<i32>(POS + (<usize>nd << 2)));
  return 0;
}

/** Gives a demand (f64[D], validated) back to node nd. Status 0 or RELEASE_EXCEEDS_CAPACITY. */
export function ffRelease(m: usize, nd: i32, dem: usize): i32 {
  bindMatcher(m);
  return releaseOne(nd, dem);
}

/**
 * Releases m demands (row-major f64[m*D]) from nodes i32[m], in order. All or
 * nothing: on any error the residuals are restored and the index is recorded.
 */
export function ffReleaseBatch(mt: usize, nodes: usize, dem: usize, m: i32): i32 {
  bindMatcher(mt);
  for (let j = 0; j < m; j++) {
    const nd = load<i32>(nodes + (<usize>j << 2));
    if (nd < 0 || nd >= N) { setErrorIndex(j); return INDEX_OUT_OF_RANGE; }
  }
  const bad = checkDemands(dem, m);
  if (bad != 0) return bad;
  memory.copy(SAVE, RES, <usize>(N * D) << 3);
  for (let j = 0; j < m; j++) {
    const s = releaseOne(load<i32>(nodes + (<usize>j << 2)), f64at(dem, j * D));
    if (s != 0) {
      memory.copy(RES, SAVE, <usize>(N * D) << 3);
      rebuild();
      setErrorIndex(j);
      return s;
    }
  }
  return 0;
}

/** Marks a node up (1) or down (0) and updates its leaf. */
export function ffSetUp(m: usize, nd: i32, up: i32): void {
  bindMatcher(m);
  store<u8>(UP + <usize>nd, <u8>(up != 0 ? 1 : 0));
  update(load<i32>(POS + (<usize>nd << 2)));
}
