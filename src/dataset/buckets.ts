/**
 * The grid columns of AtomEmbeddings: SpatialBucketX/Y/Z and HilbertValue.
 *
 * Buckets: Hartonomous divides its (unit-scale) projection space into 0.1-unit cubes, so the bucket side
 * here is scale / 10 and follows the scenario's `scale` (radius-100 datasets get 10-unit buckets).
 * The bucket is FLOOR(coordinate / bucketSize), computed with a division (not a multiplication by the
 * inverse) so SQL can recompute the same value.
 *
 * Hilbert: the point is quantised on a 2^HILBERT_BITS grid per axis spanning the cube that holds every
 * point of the distribution (boundingHalfExtent), then indexed with hilbertEncode3. The bucket grid is
 * far too coarse for a useful curve on the projected blob (it spans a handful of buckets), so the curve uses
 * this fine grid instead, as Hartonomous's clr_ComputeHilbertValue does on the raw point.
 */
import type { Point3 } from './types.ts';
import { boundingHalfExtent, type DistributionConfig } from './distributions.ts';
import { HILBERT_BITS, hilbertEncode3 } from './hilbert.ts';

/** Buckets per unit of `scale` along each axis (Hartonomous: 0.1-unit cubes at scale 1). */
export const BUCKETS_PER_SCALE_UNIT = 10;

/** Side of one SpatialBucket cube, in coordinate units. */
export function bucketSize(dist: DistributionConfig): number {
  return dist.scale / BUCKETS_PER_SCALE_UNIT;
}

export interface SpatialKeys {
  bucketX: number;
  bucketY: number;
  bucketZ: number;
  hilbertValue: number;
}

export type SpatialKeyEncoder = (p: Point3) => SpatialKeys;

/** Builds the bucket + Hilbert encoder of a distribution (constants computed once). */
export function createSpatialKeyEncoder(dist: DistributionConfig): SpatialKeyEncoder {
  const side = bucketSize(dist);
  const half = boundingHalfExtent(dist);
  const cells = 2 ** HILBERT_BITS;
  const cellsPerUnit = cells / (2 * half);
  const maxCell = cells - 1;
  const cell = (v: number): number => {
    const c = Math.floor((v + half) * cellsPerUnit);
    return c < 0 ? 0 : c > maxCell ? maxCell : c;
  };
  return (p) => ({
    bucketX: Math.floor(p.x / side),
    bucketY: Math.floor(p.y / side),
    bucketZ: Math.floor(p.z / side),
    hilbertValue: hilbertEncode3(cell(p.x), cell(p.y), cell(p.z), HILBERT_BITS),
  });
}
