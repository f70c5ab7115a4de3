/**
 * The Hartonomous shape, computed in 3-D without materialising D-dimensional vectors.
 *
 * Model (what Hartonomous does to real embeddings, simulated): `clusters` centres c are uniform unit
 * vectors in R^D; an atom is v = c + s * n with n ~ N(0, I/D) (|n| ~ 1, so s = clusterSpread is the
 * noise size relative to the centre), renormalised u = v / |v|, then projected p = P u on 3 fixed
 * orthonormal directions P, times `scale`.
 *
 * Analytic shortcut (exact in distribution): centres and noise are isotropic, so the joint law of the
 * projections does not depend on which orthonormal triple P is; take P = the first 3 axes. Then, with
 * m = D - 3:
 * - centre: P c = g / sqrt(|g|^2 + R), |c_perp| = sqrt(R / (|g|^2 + R)), g ~ N(0, I_3), R ~ chi2(m);
 * - noise: P n = h / sqrt(D) with h ~ N(0, I_3); the part of n outside P splits into a ~ N(0, 1) along
 *   c_perp and a rest with |rest|^2 ~ chi2(m - 1) / D, so
 *   c.n = (Pc.h + |c_perp| a) / sqrt(D),  |n|^2 = (|h|^2 + a^2 + chi2(m - 1)) / D,
 *   |v|^2 = 1 + 2 s c.n + s^2 |n|^2,  p = (P c + s h / sqrt(D)) / |v|.
 * The only approximation: chi2(k) for k > EXACT_CHI2_MAX_DF uses Wilson-Hilferty,
 * k (1 - 2/(9k) + z sqrt(2/(9k)))^3 (error far below sampling noise at those k); smaller k sums k
 * squared normals exactly. The realised directions are therefore implicit: the tests build them with
 * Gram-Schmidt (test/unit/dataset/projected-explicit.ts) and check both agree statistically.
 *
 * Because every atom is then uniform on the sphere S^(D-1), each coordinate has variance exactly 1/D:
 * sigma = scale / sqrt(D), whatever the clusters and spread (0.0224 for D = 1998).
 */
import type { Point3 } from './types.ts';
import { drawNormal, drawNormalPair, drawUniform, rowState, streamKey, STREAMS } from './prng.ts';

/** Up to this many degrees of freedom chi-square is drawn exactly as a sum of squared normals. */
export const EXACT_CHI2_MAX_DF = 16;

export interface ProjectedParams {
  scale: number;
  clusters: number;
  dimensions: number;
  clusterSpread: number;
}

/** Projected centres: 4 numbers per cluster (Pc.x, Pc.y, Pc.z, |c_perp|). */
export interface ProjectedModel {
  readonly params: ProjectedParams;
  readonly centres: Float64Array;
}

/** Scratch for normal pairs; module-level so the hot path allocates nothing but the point. */
const pair = new Float64Array(2);

/** chi2(df) from slots `slot`.. of `state` (exact below EXACT_CHI2_MAX_DF, Wilson-Hilferty above). */
export function drawChiSquare(state: number, slot: number, df: number): number {
  if (df <= 0) return 0;
  if (df <= EXACT_CHI2_MAX_DF) {
    let sum = 0;
    for (let i = 0; i < df; i += 2) {
      drawNormalPair(state, slot + i, pair, 0);
      sum += pair[0]! * pair[0]!;
      if (i + 1 < df) sum += pair[1]! * pair[1]!;
    }
    return sum;
  }
  const c = 2 / (9 * df);
  const t = 1 - c + drawNormal(state, slot) * Math.sqrt(c);
  return t > 0 ? df * t * t * t : 0;
}

/** Builds the per-cluster projected centres from the dataset seed (cluster j is row j of its stream). */
export function createProjectedModel(params: ProjectedParams, seed: number): ProjectedModel {
  const key = streamKey(seed, STREAMS.centres);
  const m = params.dimensions - 3;
  const centres = new Float64Array(params.clusters * 4);
  const g = new Float64Array(4);
  for (let j = 0; j < params.clusters; j++) {
    const state = rowState(key, j);
    drawNormalPair(state, 0, g, 0);
    drawNormalPair(state, 2, g, 2);
    const g2 = g[0]! * g[0]! + g[1]! * g[1]! + g[2]! * g[2]!;
    const rest = drawChiSquare(state, 4, m);
    const norm = Math.sqrt(g2 + rest);
    centres[4 * j] = g[0]! / norm;
    centres[4 * j + 1] = g[1]! / norm;
    centres[4 * j + 2] = g[2]! / norm;
    centres[4 * j + 3] = Math.sqrt(rest) / norm;
  }
  return { params, centres };
}

/** The cluster row `index` of stream `key` belongs to (uniform over clusters; slot 0). */
export function projectedCluster(model: ProjectedModel, key: number, index: number): number {
  return Math.floor(drawUniform(rowState(key, index), 0) * model.params.clusters);
}

/**
 * One atom around a given projected centre (cx, cy, cz) with |c_perp| = cPerp, unscaled (unit sphere
 * projection). Slots 1..: h (1-4, last normal of the second pair is a), chi2 rest from slot 5.
 * Exposed so tests can compare it with the explicit D-dimensional computation for a fixed centre.
 */
export function projectedAtom(
  cx: number,
  cy: number,
  cz: number,
  cPerp: number,
  spread: number,
  dimensions: number,
  state: number,
): Point3 {
  const m = dimensions - 3;
  drawNormalPair(state, 1, pair, 0);
  const hx = pair[0]!;
  const hy = pair[1]!;
  drawNormalPair(state, 3, pair, 0);
  const hz = pair[0]!;
  const a = m >= 1 ? pair[1]! : 0;
  const rest = drawChiSquare(state, 5, m - 1);
  const invSqrtD = 1 / Math.sqrt(dimensions);
  const cDotN = (cx * hx + cy * hy + cz * hz + cPerp * a) * invSqrtD;
  const n2 = (hx * hx + hy * hy + hz * hz + a * a + rest) / dimensions;
  const vNorm = Math.sqrt(1 + 2 * spread * cDotN + spread * spread * n2);
  const k = spread * invSqrtD;
  return { x: (cx + k * hx) / vNorm, y: (cy + k * hy) / vNorm, z: (cz + k * hz) / vNorm };
}

/** Row `index` of stream `key`, scaled. */
export function projectedPoint(model: ProjectedModel, key: number, index: number): Point3 {
  const { clusters, clusterSpread, dimensions, scale } = model.params;
  const state = rowState(key, index);
  const j = Math.floor(drawUniform(state, 0) * clusters);
  const c = model.centres;
  const p = projectedAtom(
    c[4 * j]!,
    c[4 * j + 1]!,
    c[4 * j + 2]!,
    c[4 * j + 3]!,
    clusterSpread,
    dimensions,
    state,
  );
  p.x *= scale;
  p.y *= scale;
  p.z *= scale;
  return p;
}

/** Per-axis standard deviation of all atoms: exactly scale / sqrt(D) (every atom is uniform on S^(D-1)). */
export function projectedSigma(params: Pick<ProjectedParams, 'scale' | 'dimensions'>): number {
  return params.scale / Math.sqrt(params.dimensions);
}

/**
 * Per-axis standard deviation of atoms around their own cluster centre, to first order for large D:
 * the noise share of the variance is s^2 / (1 + s^2). Useful for the tuning model (blob size per cluster).
 */
export function projectedWithinClusterSigma(params: ProjectedParams): number {
  const s = params.clusterSpread;
  return projectedSigma(params) * (s / Math.sqrt(1 + s * s));
}
