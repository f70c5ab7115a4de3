/**
 * Query points and workload parameters for a run.
 *
 * Query i is drawn from the dataset's own distribution (same cluster centres, so queries land where the
 * atoms are) on a stream keyed by the run seed, never the dataset's stream, then moved by
 * N(0, (queryJitter * s)^2) per axis, s = characteristicScale (sigma for projected, the radius for sphere,
 * the half side for uniform). Counter-based, so query i of a run is reproducible on its own.
 */
import type { ParamDist } from './schema.ts';
import type { Point3 } from './types.ts';
import { characteristicScale, createPointGenerator, type DatasetConfig } from './distributions.ts';
import { drawNormal, drawNormalPair, rowState, streamKey, STREAMS } from './prng.ts';

export interface QuerySource {
  /** The next query point (query 0, 1, 2, ... of this source). */
  next(): Point3;
  /** Query `i` of this run, independent of how many were drawn. */
  at(i: number): Point3;
  /** Standard deviation of the jitter per axis, in coordinate units. */
  readonly jitterSd: number;
}

/**
 * Query points for a run. `jitter` is the scenario's workload.queryJitter (relative to the
 * distribution's characteristic scale); `runSeed` any non-negative safe integer.
 */
export function createQuerySource(
  config: DatasetConfig,
  jitter: number,
  runSeed: number,
  start = 0,
): QuerySource {
  if (!(jitter >= 0)) throw new RangeError(`jitter must be >= 0, got ${jitter}`);
  const generator = createPointGenerator(config.distribution, config.seed);
  const pointKey = streamKey(runSeed, STREAMS.queryPoints);
  const jitterKey = streamKey(runSeed, STREAMS.queryJitter);
  const jitterSd = jitter * characteristicScale(config.distribution);
  const pair = new Float64Array(2);
  const at = (i: number): Point3 => {
    const p = generator.point(pointKey, i);
    if (jitterSd === 0) return p;
    const state = rowState(jitterKey, i);
    drawNormalPair(state, 0, pair, 0);
    p.x += jitterSd * pair[0]!;
    p.y += jitterSd * pair[1]!;
    p.z += jitterSd * drawNormal(state, 2);
    return p;
  };
  let counter = start;
  return { next: () => at(counter++), at, jitterSd };
}

/** A standard normal from a sequential uniform source (Box-Muller; `rand` must return values in (0, 1)). */
function normalFrom(rand: () => number): number {
  const u = rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u > 0 ? u : Number.MIN_VALUE)) * Math.cos(2 * Math.PI * v);
}

/**
 * One value of a workload parameter distribution (schema.ts paramDist):
 * - a number: itself;
 * - {min, max}: uniform in [min, max);
 * - {values, weights?}: one of the values, with probability proportional to its weight (default equal);
 * - {mean, sd, min?}: normal, raised to `min` when it falls below (clamped, not redrawn, so the draw
 *   count per call is fixed and runs stay reproducible).
 * `rand` returns uniforms in (0, 1), e.g. createRandom(runSeed) from prng.ts.
 */
export function drawParam(dist: ParamDist, rand: () => number): number {
  if (typeof dist === 'number') return dist;
  if ('max' in dist) return dist.min + (dist.max - dist.min) * rand();
  if ('values' in dist) {
    const { values, weights } = dist;
    const u = rand();
    if (!weights) return values[Math.min(values.length - 1, Math.floor(u * values.length))]!;
    const total = weights.reduce((a, b) => a + b, 0);
    let target = u * total;
    for (let i = 0; i < values.length; i++) {
      target -= weights[i]!;
      if (target < 0) return values[i]!;
    }
    return values[values.length - 1]!; // rounding at the top end
  }
  const value = dist.mean + dist.sd * normalFrom(rand);
  return dist.min !== undefined && value < dist.min ? dist.min : value;
}

/** drawParam rounded to an integer, for counts (k, pool, steps, batch sizes); never below 1 when `positive`. */
export function drawIntParam(dist: ParamDist, rand: () => number, positive = true): number {
  const value = Math.round(drawParam(dist, rand));
  return positive ? Math.max(1, value) : value;
}
