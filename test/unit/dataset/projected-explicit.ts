/**
 * The projected distribution computed literally, in D dimensions: the reference the analytic generator
 * (projected.ts) is tested against. O(D) per atom and O(clusters * D) memory, so it is for small D and
 * tests only; the dataset never uses it.
 */
import type { Point3 } from '../../../src/dataset/types.ts';
import type { ProjectedParams } from '../../../src/dataset/projected.ts';
import { drawNormalPair, drawUniform, rowState, streamKey, STREAMS } from '../../../src/dataset/prng.ts';

export interface ExplicitModel {
  readonly params: ProjectedParams;
  /** Unit centres, row-major clusters x D. */
  readonly centres: Float64Array;
  /** Three orthonormal directions, row-major 3 x D. */
  readonly directions: Float64Array;
}

/** D standard normals from row `state`, slots `slot`..`slot + D` (rounded up to pairs). */
function fillNormals(state: number, slot: number, out: Float64Array, offset: number, count: number): void {
  const pair = new Float64Array(2);
  for (let i = 0; i < count; i += 2) {
    drawNormalPair(state, slot + i, pair, 0);
    out[offset + i] = pair[0]!;
    if (i + 1 < count) out[offset + i + 1] = pair[1]!;
  }
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[ao + i]! * b[bo + i]!;
  return s;
}

/** Three random directions made orthonormal with (modified) Gram-Schmidt. */
export function randomDirections(dimensions: number, seed: number): Float64Array {
  const d = dimensions;
  const key = streamKey(seed, STREAMS.directions);
  const dirs = new Float64Array(3 * d);
  for (let r = 0; r < 3; r++) {
    fillNormals(rowState(key, r), 0, dirs, r * d, d);
    for (let q = 0; q < r; q++) {
      const proj = dot(dirs, r * d, dirs, q * d, d);
      for (let i = 0; i < d; i++) dirs[r * d + i]! -= proj * dirs[q * d + i]!;
    }
    const norm = Math.sqrt(dot(dirs, r * d, dirs, r * d, d));
    for (let i = 0; i < d; i++) dirs[r * d + i]! /= norm;
  }
  return dirs;
}

export function createExplicitModel(params: ProjectedParams, seed: number): ExplicitModel {
  const d = params.dimensions;
  const key = streamKey(seed, STREAMS.centres);
  const centres = new Float64Array(params.clusters * d);
  for (let j = 0; j < params.clusters; j++) {
    fillNormals(rowState(key, j), 0, centres, j * d, d);
    const norm = Math.sqrt(dot(centres, j * d, centres, j * d, d));
    for (let i = 0; i < d; i++) centres[j * d + i]! /= norm;
  }
  return { params, centres, directions: randomDirections(d, seed) };
}

/** Projection P c of a D-vector on the model's directions. */
export function projectVector(directions: Float64Array, v: Float64Array, offset: number, d: number): Point3 {
  return {
    x: dot(directions, 0, v, offset, d),
    y: dot(directions, d, v, offset, d),
    z: dot(directions, 2 * d, v, offset, d),
  };
}

/** One atom around centre `centre` (a unit D-vector at `offset`), unscaled: P (c + s n) / |c + s n|. */
export function explicitAtom(
  centre: Float64Array,
  offset: number,
  directions: Float64Array,
  spread: number,
  dimensions: number,
  state: number,
): Point3 {
  const d = dimensions;
  const v = new Float64Array(d);
  fillNormals(state, 1, v, 0, d);
  const k = spread / Math.sqrt(d);
  for (let i = 0; i < d; i++) v[i] = centre[offset + i]! + k * v[i]!;
  const norm = Math.sqrt(dot(v, 0, v, 0, d));
  const p = projectVector(directions, v, 0, d);
  return { x: p.x / norm, y: p.y / norm, z: p.z / norm };
}

/** Row `index` of stream `key`, scaled; same cluster choice (slot 0) as the analytic generator. */
export function explicitPoint(model: ExplicitModel, key: number, index: number): Point3 {
  const { clusters, clusterSpread, dimensions, scale } = model.params;
  const state = rowState(key, index);
  const j = Math.floor(drawUniform(state, 0) * clusters);
  const p = explicitAtom(model.centres, j * dimensions, model.directions, clusterSpread, dimensions, state);
  return { x: p.x * scale, y: p.y * scale, z: p.z * scale };
}
