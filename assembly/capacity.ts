// Node capacity weight (IPTAS paper eq. 1–3; docs/model.md):
//   Wcpu(i) = speed(i)·vcpu(i) / max_k speed(k)·vcpu(k)
//   Wmem(i) = mem(i) / max_k mem(k)
//   Wu(i)   = sqrt(λcpu·Wcpu² + λmem·Wmem²)
// Maxima are over nodes that are up; a down node gets weight 0, and a
// component whose maximum is 0 contributes 0 (no division by zero).
//
// Memory: speed, vcpu, mem f64[n]; up u8[n] (0 = down); out f64[n].
import { checkNonNeg } from './error';

export function capacityWeights(speed: usize, vcpu: usize, mem: usize, up: usize, n: i32, lambdaCpu: f64, lambdaMem: f64, out: usize): i32 {
  let maxCpu = 0.0, maxMem = 0.0;
  // Validation reports the first bad element in field order speed, vcpus, mem.
  for (let f = 0; f < 3; f++) {
    const col = f == 0 ? speed : f == 1 ? vcpu : mem;
    for (let i = 0; i < n; i++) {
      const s = checkNonNeg(load<f64>(col + (<usize>i << 3)), i);
      if (s != 0) return s | (f << 8);
    }
  }
  for (let i = 0; i < n; i++) {
    if (load<u8>(up + <usize>i) == 0) continue;
    const c = load<f64>(speed + (<usize>i << 3)) * load<f64>(vcpu + (<usize>i << 3));
    const m = load<f64>(mem + (<usize>i << 3));
    if (c > maxCpu) maxCpu = c;
    if (m > maxMem) maxMem = m;
  }
  for (let i = 0; i < n; i++) {
    let w = 0.0;
    if (load<u8>(up + <usize>i) != 0) {
      const c = load<f64>(speed + (<usize>i << 3)) * load<f64>(vcpu + (<usize>i << 3));
      const m = load<f64>(mem + (<usize>i << 3));
      const wc = maxCpu > 0.0 ? c / maxCpu : 0.0;
      const wm = maxMem > 0.0 ? m / maxMem : 0.0;
      w = Math.sqrt(lambdaCpu * wc * wc + lambdaMem * wm * wm);
    }
    store<f64>(out + (<usize>i << 3), w);
  }
  return 0;
}
