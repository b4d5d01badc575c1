// fairfit's seeded PRNG: xoshiro128** seeded by splitmix32. Mirrors src/rng.ts
// bit for bit (test/kernels/rng.test.ts), so the reference replay and the
// WebAssembly replay draw the same numbers. State lives in an Rng object the
// caller places in its own memory region (an RngState struct at `state`,
// assembly/layouts.ts).
import { RngState } from './layouts';

// @ts-ignore: decorator
@inline function rotl(x: u32, k: u32): u32 { return (x << k) | (x >> (32 - k)); }

/** Seeds the 16-byte state at `state`. */
export function rngSeed(state: usize, seed: u32): void {
  let s = seed;
  for (let i = 0; i < 4; i++) {
    s += 0x9e3779b9;
    let z = s;
    z = (z ^ (z >> 16)) * 0x85ebca6b;
    z = (z ^ (z >> 13)) * 0xc2b2ae35;
    store<u32>(state + (<usize>i << 2), z ^ (z >> 16)); // words a, b, c, d in order
  }
  if ((load<u32>(state, RngState.a) | load<u32>(state, RngState.b) | load<u32>(state, RngState.c) | load<u32>(state, RngState.d)) == 0) store<u32>(state, 1, RngState.a);
}

/** Next uniform u32. */
export function rngNextU32(state: usize): u32 {
  let a = load<u32>(state, RngState.a), b = load<u32>(state, RngState.b), c = load<u32>(state, RngState.c), d = load<u32>(state, RngState.d);
  const result = rotl(b * 5, 7) * 9;
  const t = b << 9;
  c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
  store<u32>(state, a, RngState.a); store<u32>(state, b, RngState.b); store<u32>(state, c, RngState.c); store<u32>(state, d, RngState.d);
  return result;
}

/** Uniform f64 in [0, 1) with 53 random bits. */
export function rngNext(state: usize): f64 {
  const hi = rngNextU32(state) >> 5;
  const lo = rngNextU32(state) >> 6;
  return (<f64>hi * 67108864.0 + <f64>lo) / 9007199254740992.0;
}

/** Fills out f64[n] with draws from a generator seeded with `seed`: one call for a whole column of draws (prepareReplay's machine choices; the test that it matches src/rng.ts). */
export function rngFill(seed: u32, n: i32, state: usize, out: usize): void {
  rngSeed(state, seed);
  rngFillNext(n, state, out);
}

/** The next n draws of the generator at `state` into out f64[n]: a long column drawn in chunks (no n × 8-byte scratch for 25 M draws). */
export function rngFillNext(n: i32, state: usize, out: usize): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), rngNext(state));
}
