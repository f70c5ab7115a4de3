/**
 * Seeded randomness for the bootstrap: the same seed and key give the same stream, so compare's
 * intervals are reproducible byte for byte. Its own small generator rather than the dataset's, so a
 * change to how atoms are generated can never change a comparison.
 */

/** FNV-1a of a string, mixed with a seed: one independent stream per (seed, metric key). */
export function streamSeed(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: uniform in [0, 1). Plenty for resampling (period 2^32, passes gjrand's smaller tests). */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box-Muller (one draw per call; the pair's second value is dropped for simplicity). */
export function normal(rand: () => number): number {
  const u = 1 - rand(); // (0, 1]: log(0) cannot happen
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * Gamma(shape, 1) by Marsaglia and Tsang (2000), "A simple method for generating gamma variables";
 * shapes below 1 use the boost Gamma(a) = Gamma(a + 1) * U^(1/a).
 */
export function gamma(shape: number, rand: () => number): number {
  if (shape < 1) return gamma(shape + 1, rand) * Math.pow(1 - rand(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rand();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as Ga / (Ga + Gb). */
export function beta(a: number, b: number, rand: () => number): number {
  const x = gamma(a, rand);
  const y = gamma(b, rand);
  return x / (x + y);
}
