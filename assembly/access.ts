// Element access by index into columns at a byte address (i32 and f64), the
// sort key that orders f64 values descending, and the dominance test of demand
// rows: shared by the kernels that walk struct-of-arrays state (engine, replay,
// CRS planner, first-fit).

// @ts-ignore: decorator
@inline export function gi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function si(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }
// @ts-ignore: decorator
@inline export function gf(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline export function sf(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

/** Sort key: ascending keys = descending values (a total order; −0 read as +0). */
// @ts-ignore: decorator
@inline export function descendingKey(x: f64): u64 {
  const b = reinterpret<u64>(x + 0.0);
  const asc = (b >> 63) != 0 ? ~b : b | (<u64>1 << 63);
  return ~asc;
}

/**
 * Whether the row of `dims` f64 at `dem` is ≥ the row at `row` in every dimension (a NaN in
 * `row`, an empty slot, is ≥ nothing): a demand no smaller than a known miss misses too.
 */
// @ts-ignore: decorator
@inline export function coversRow(dem: usize, row: usize, dims: i32): bool {
  for (let d = 0; d < dims; d++) if (!(load<f64>(dem + (<usize>d << 3)) >= load<f64>(row + (<usize>d << 3)))) return false;
  return true;
}
