// Capacity-weighted sorted first-fit (SPEC §2, seed 000 §3.1.3).
//
// Nodes sit at positions 0..n-1 ordered by capacity weight Wu ascending. A
// small task takes the first position (from the weak end) whose residual
// ξ[d] ≥ δ[d] in every dimension; a large task the last one (from the strong
// end). A segment tree holds, per tree vertex and dimension, the maximum
// residual below it (−∞ for down nodes and padding), so a search descends only
// into subtrees that might fit: O(D·log n) per placement when most nodes are
// full, instead of a scan over all of them.
//
// Each matcher owns a whole instance, so its state lives in these globals.
// Memory (allocated by src/kernels/firstfit.ts):
//   cap   f64[n*D]       capacity, row per node (node-major)
//   res   f64[n*D]       residual ξ, row per node
//   up    u8[n]          1 = up
//   node  i32[n]         position → node
//   pos   i32[n]         node → position
//   tree  f64[2*size*D]  vertex v (1 = root, leaves at size+position), row per vertex
//   save  f64[n*D]       copy of res taken before a batch release (undo on error)
import { checkNonNeg, setErrorIndex } from './error';
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

// @ts-ignore: decorator
@inline function f64at(base: usize, i: i32): usize { return base + (<usize>i << 3); }

/** Binds the matcher's columns (see layout above) and builds the tree. */
export function ffInit(n: i32, d: i32, size: i32, cap: usize, res: usize, up: usize, node: usize, pos: usize, tree: usize, save: usize): void {
  // The TypeScript side validates all of this; an assert here (debug build only) catches a binding bug.
  assert(d >= 1 && d <= 8 && n >= 1 && size >= n, 'ffInit: bad matcher shape');
  N = n; D = d; SIZE = size; CAP = cap; RES = res; UP = up; NODE = node; POS = pos; TREE = tree; SAVE = save;
  ffRebuild();
}

/** Rebuilds every tree vertex from the residuals, order and up flags. */
export function ffRebuild(): void {
  for (let p = 0; p < SIZE; p++) writeLeaf(p);
  for (let v = SIZE - 1; v >= 1; v--) pull(v);
}

function writeLeaf(p: i32): void {
  const leaf = f64at(TREE, (SIZE + p) * D);
  if (p < N) {
    const nd = load<i32>(NODE + (<usize>p << 2));
    if (load<u8>(UP + <usize>nd) != 0) {
      memory.copy(leaf, f64at(RES, nd * D), <usize>D << 3);
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

function update(p: i32): void {
  writeLeaf(p);
  let v = (SIZE + p) >> 1;
  while (v >= 1) { pull(v); v >>= 1; }
}

// @ts-ignore: decorator
@inline function fits(v: i32, dem: usize): bool {
  const t = f64at(TREE, v * D);
  for (let d = 0; d < D; d++) if (load<f64>(f64at(t, d)) < load<f64>(f64at(dem, d))) return false;
  return true;
}

/** Leftmost (large = 0) or rightmost (large = 1) position below v that fits dem, or -1. */
function search(v: i32, dem: usize, large: bool): i32 {
  if (!fits(v, dem)) return -1;
  if (v >= SIZE) return v - SIZE;
  const first = large ? 2 * v + 1 : 2 * v;
  const r = search(first, dem, large);
  if (r >= 0) return r;
  return search(first ^ 1, dem, large);
}

/** Places one validated demand (f64[D] at dem); returns the node or -1. */
function placeOne(dem: usize, large: bool): i32 {
  const p = search(1, dem, large);
  if (p < 0) return -1;
  const nd = load<i32>(NODE + (<usize>p << 2));
  const row = f64at(RES, nd * D);
  for (let d = 0; d < D; d++) store<f64>(f64at(row, d), load<f64>(f64at(row, d)) - load<f64>(f64at(dem, d)));
  update(p);
  return nd;
}

/** Places one demand (f64[D]); returns node ≥ 0, -1 when nothing fits. Input validated by the caller. */
export function ffPlace(dem: usize, large: i32): i32 {
  return placeOne(dem, large != 0);
}

/**
 * Places m demands given row-major (f64[m*D], task-major) in order. Sizes: u8[m]
 * (1 = large) when `sizes` ≠ 0, else large iff δ[d] ≥ thr[d] in any dimension.
 * Validates all demands first; on error nothing is placed. Writes nodes to out i32[m].
 */
export function ffPlaceBatch(dem: usize, m: i32, sizes: usize, thr: usize, out: usize): i32 {
  const total = m * D;
  for (let i = 0; i < total; i++) {
    const s = checkNonNeg(load<f64>(f64at(dem, i)), i);
    if (s != 0) return s;
  }
  for (let j = 0; j < m; j++) {
    const row = f64at(dem, j * D);
    let large = false;
    if (sizes != 0) large = load<u8>(sizes + <usize>j) != 0;
    else for (let d = 0; d < D; d++) if (load<f64>(f64at(row, d)) >= load<f64>(f64at(thr, d))) { large = true; break; }
    store<i32>(out + (<usize>j << 2), placeOne(row, large));
  }
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
export function ffRelease(nd: i32, dem: usize): i32 {
  return releaseOne(nd, dem);
}

/**
 * Releases m demands (row-major f64[m*D]) from nodes i32[m], in order. All or
 * nothing: on any error the residuals are restored and the index is recorded.
 */
export function ffReleaseBatch(nodes: usize, dem: usize, m: i32): i32 {
  for (let j = 0; j < m; j++) {
    const nd = load<i32>(nodes + (<usize>j << 2));
    if (nd < 0 || nd >= N) { setErrorIndex(j); return INDEX_OUT_OF_RANGE; }
  }
  const total = m * D;
  for (let i = 0; i < total; i++) {
    const s = checkNonNeg(load<f64>(f64at(dem, i)), i);
    if (s != 0) return s;
  }
  memory.copy(SAVE, RES, <usize>(N * D) << 3);
  for (let j = 0; j < m; j++) {
    const s = releaseOne(load<i32>(nodes + (<usize>j << 2)), f64at(dem, j * D));
    if (s != 0) {
      memory.copy(RES, SAVE, <usize>(N * D) << 3);
      ffRebuild();
      setErrorIndex(j);
      return s;
    }
  }
  return 0;
}

/** Marks a node up (1) or down (0) and updates its leaf. */
export function ffSetUp(nd: i32, up: i32): void {
  store<u8>(UP + <usize>nd, <u8>(up != 0 ? 1 : 0));
  update(load<i32>(POS + (<usize>nd << 2)));
}
