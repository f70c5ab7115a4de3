/**
 * Counter-based (stateless) pseudo-random numbers.
 *
 * Every draw is a pure hash of (key, row index, slot): row i of a dataset is generated without
 * touching rows 0..i-1, so a resumed seed starts at row N0 in O(1) and any row can be regenerated
 * alone (tests, checksums of a prefix, query i of a run).
 *
 * Construction (SplitMix-style, all 32-bit integer math through Math.imul, so it is exact and the same
 * on every platform):
 * - `streamKey(seed, stream)`: a 32-bit key per (seed, purpose), so points, record columns and query
 *   draws never share numbers.
 * - `rowState(key, index)`: mix32(index ^ key). mix32 is a bijection of uint32, so for one key every
 *   row below 2^32 gets a distinct state (no two rows can ever coincide); higher index bits fold into
 *   the key.
 * - `drawU32(state, slot)`: mix32(state + (slot + 1) * golden), the SplitMix32 step. For a fixed slot
 *   this is again a bijection of the state, hence of the row.
 * mix32 is Chris Wellons' "lowbias32" finaliser (xorshift-multiply, near-ideal avalanche). This is a
 * simulation generator, not a cryptographic one.
 *
 * Doubles come from 32-bit words; normals use Box-Muller. V8 implements Math.log/cos/sin with its
 * fdlibm port, so those are bit-identical across platforms for a given V8 (they could differ on another
 * JS engine, in the last bit).
 */

const GOLDEN = 0x9e3779b9 | 0;
const TWO_POW_32 = 4294967296;
const INV_TWO_POW_32 = 1 / TWO_POW_32;
const INV_TWO_POW_53 = 1 / 9007199254740992;
const TWO_PI = 2 * Math.PI;

/** Purposes that get their own key, so adding draws to one never shifts another. */
export const STREAMS = {
  points: 1,
  centres: 2,
  directions: 3,
  records: 4,
  queryPoints: 5,
  queryJitter: 6,
  ingestPoints: 7,
  ingestRecords: 8,
  params: 9,
  /** Open-loop gaps (Poisson): gap k of the single-run schedule, apart from every other draw. */
  arrivals: 10,
  /** Request k of a run: its operation and parameters (workload/request-stream.ts). */
  requests: 11,
} as const;

/** lowbias32 (Wellons): a bijective 32-bit mixer. Returns an unsigned 32-bit integer. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

function splitSafeInteger(value: number, what: string): [lo: number, hi: number] {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative safe integer, got ${value}`);
  }
  const lo = value >>> 0;
  return [lo, (value - lo) / TWO_POW_32];
}

/** The 32-bit key of one purpose (STREAMS) under one seed (any non-negative safe integer). */
export function streamKey(seed: number, stream: number): number {
  const [lo, hi] = splitSafeInteger(seed, 'seed');
  const seedHash = mix32(lo ^ mix32(hi + 0x243f6a88));
  return mix32((seedHash + Math.imul(stream + 1, GOLDEN)) | 0);
}

/** Hashes a string (a run nonce) to a 32-bit seed: FNV-1a over UTF-16 code units, then mixed. */
export function seedFromString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** Per-row state: distinct for every row index below 2^32 under one key. */
export function rowState(key: number, index: number): number {
  const lo = index >>> 0;
  if (lo === index) return mix32(lo ^ key);
  const [, hi] = splitSafeInteger(index, 'index');
  return mix32(lo ^ mix32((key + Math.imul(hi, GOLDEN)) | 0));
}

/** Uniform 32-bit word for (row state, slot). */
export function drawU32(state: number, slot: number): number {
  return mix32((state + Math.imul(slot + 1, GOLDEN)) | 0);
}

/** Uniform in the open interval (0, 1) with 32-bit resolution: never 0, so log() is always finite. */
export function drawUniform(state: number, slot: number): number {
  return (drawU32(state, slot) + 0.5) * INV_TWO_POW_32;
}

/** Uniform in [0, 1) with full 53-bit resolution. Consumes slots `slot` and `slot + 1`. */
export function drawUniform53(state: number, slot: number): number {
  const hi = drawU32(state, slot) >>> 5; // 27 bits
  const lo = drawU32(state, slot + 1) >>> 6; // 26 bits
  return (hi * 67108864 + lo) * INV_TWO_POW_53;
}

/** One standard normal deviate (Box-Muller, cosine branch). Consumes slots `slot` and `slot + 1`. */
export function drawNormal(state: number, slot: number): number {
  const r = Math.sqrt(-2 * Math.log(drawUniform(state, slot)));
  return r * Math.cos(TWO_PI * drawUniform(state, slot + 1));
}

/**
 * Two independent standard normals (both Box-Muller branches) written to out[offset], out[offset + 1].
 * Consumes slots `slot` and `slot + 1`; cheaper than two drawNormal calls on the hot path.
 */
export function drawNormalPair(state: number, slot: number, out: Float64Array, offset: number): void {
  const r = Math.sqrt(-2 * Math.log(drawUniform(state, slot)));
  const theta = TWO_PI * drawUniform(state, slot + 1);
  out[offset] = r * Math.cos(theta);
  out[offset + 1] = r * Math.sin(theta);
}

/**
 * A sequential uniform source in (0, 1) over a counter-based stream: call n reads row n of
 * (seed, stream), so the sequence is reproducible and can start at any position.
 */
export function createRandom(seed: number, stream: number = STREAMS.params, start = 0): () => number {
  const key = streamKey(seed, stream);
  let counter = start;
  return () => drawUniform(rowState(key, counter++), 0);
}
