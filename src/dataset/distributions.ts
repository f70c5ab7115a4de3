/**
 * Point generators for the scenario's `dataset.distribution`: (stream key, row index) -> Point3.
 *
 * A generator is built once per dataset (the projected kind precomputes its cluster centres from the
 * dataset seed); the stream key then says which draws to read, so the dataset, the query points of a
 * run and the atoms a run ingests share one shape (same centres) but never the same numbers.
 */
import type { z } from 'zod';
import type { datasetSchema, distributionSchema } from './schema.ts';
import type { Point3 } from './types.ts';
import { drawUniform, drawUniform53, rowState, streamKey, STREAMS } from './prng.ts';
import {
  createProjectedModel,
  projectedCluster,
  projectedPoint,
  projectedSigma,
  projectedWithinClusterSigma,
} from './projected.ts';

export type DistributionConfig = z.infer<typeof distributionSchema>;
export type DatasetConfig = z.infer<typeof datasetSchema>;
export type DistributionKind = DistributionConfig['kind'];

export interface PointGenerator {
  readonly kind: DistributionKind;
  /** Row `index` of the draws under `key` (a streamKey). */
  point(key: number, index: number): Point3;
  /** The semantic cluster of that row (projected), or -1 for kinds without clusters. */
  cluster(key: number, index: number): number;
}

/** Uniform on the sphere of radius `scale` (Archimedes: z uniform in [-1, 1], angle uniform). */
export function spherePoint(scale: number, key: number, index: number): Point3 {
  const state = rowState(key, index);
  const z = 2 * drawUniform53(state, 0) - 1;
  const phi = 2 * Math.PI * drawUniform(state, 2);
  const r = Math.sqrt(Math.max(0, 1 - z * z));
  return { x: scale * r * Math.cos(phi), y: scale * r * Math.sin(phi), z: scale * z };
}

/** Uniform in the cube [-halfExtent * scale, halfExtent * scale]^3 (53-bit uniforms: the cube is large). */
export function uniformPoint(halfExtent: number, scale: number, key: number, index: number): Point3 {
  const state = rowState(key, index);
  const h = halfExtent * scale;
  return {
    x: (2 * drawUniform53(state, 0) - 1) * h,
    y: (2 * drawUniform53(state, 2) - 1) * h,
    z: (2 * drawUniform53(state, 4) - 1) * h,
  };
}

const noCluster = (): number => -1;

/** The generator of a dataset's distribution; `seed` fixes its structure (the projected centres). */
export function createPointGenerator(dist: DistributionConfig, seed: number): PointGenerator {
  switch (dist.kind) {
    case 'projected': {
      const model = createProjectedModel(dist, seed);
      return {
        kind: 'projected',
        point: (key, index) => projectedPoint(model, key, index),
        cluster: (key, index) => projectedCluster(model, key, index),
      };
    }
    case 'sphere':
      return {
        kind: 'sphere',
        point: (key, index) => spherePoint(dist.scale, key, index),
        cluster: noCluster,
      };
    case 'uniform':
      return {
        kind: 'uniform',
        point: (key, index) => uniformPoint(dist.halfExtent, dist.scale, key, index),
        cluster: noCluster,
      };
  }
}

/** The dataset's own draw key: row i of the dataset is `generator.point(datasetPointKey(seed), i)`. */
export function datasetPointKey(seed: number): number {
  return streamKey(seed, STREAMS.points);
}

/** Expected per-axis standard deviation of the points (exact for all three kinds). */
export function expectedAxisSigma(dist: DistributionConfig): number {
  switch (dist.kind) {
    case 'projected':
      return projectedSigma(dist);
    case 'sphere':
      return dist.scale / Math.sqrt(3); // E[x^2] = 1/3 on the unit sphere
    case 'uniform':
      return (dist.halfExtent * dist.scale) / Math.sqrt(3); // var of U(-h, h) = h^2 / 3
  }
}

/** Per-axis spread around a cluster centre (projected), else the overall sigma. */
export function expectedClusterSigma(dist: DistributionConfig): number {
  return dist.kind === 'projected' ? projectedWithinClusterSigma(dist) : expectedAxisSigma(dist);
}

/**
 * The length that query jitter is relative to: sigma for projected (the blob's size), the radius for
 * sphere, the half side for uniform.
 */
export function characteristicScale(dist: DistributionConfig): number {
  switch (dist.kind) {
    case 'projected':
      return projectedSigma(dist);
    case 'sphere':
      return dist.scale;
    case 'uniform':
      return dist.halfExtent * dist.scale;
  }
}

/**
 * Half the side of a cube centred on the origin that holds every point: unit vectors project inside the
 * unit ball, so `scale` for projected and sphere; halfExtent * scale for uniform.
 */
export function boundingHalfExtent(dist: DistributionConfig): number {
  return dist.kind === 'uniform' ? dist.halfExtent * dist.scale : dist.scale;
}
