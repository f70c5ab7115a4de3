import { describe, expect, it } from 'vitest';
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { datasetSchema, distributionSchema } from '../../../src/dataset/schema.ts';
import {
  boundingHalfExtent,
  characteristicScale,
  createPointGenerator,
  datasetPointKey,
  expectedAxisSigma,
  expectedClusterSigma,
  type DistributionConfig,
} from '../../../src/dataset/distributions.ts';
import { axes, CHI2_CRITICAL_001, chiSquareUniform, norm } from './stats.ts';

const dist = (input: Record<string, unknown>): DistributionConfig => distributionSchema.parse(input);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const N = 20_000;

function sample(d: DistributionConfig, seed: number, n = N) {
  const gen = createPointGenerator(d, seed);
  const key = datasetPointKey(seed);
  return range(n).map((i) => gen.point(key, i));
}

describe('sphere', () => {
  const d = dist({ kind: 'sphere', scale: 100 });
  const points = sample(d, 42);

  it('puts every point at distance scale from the origin', () => {
    for (const p of points) expect(norm(p) / 100).toBeCloseTo(1, 12);
  });

  it('is uniform: centred, sd = scale / sqrt(3), each coordinate uniform on [-scale, scale] (Archimedes)', () => {
    for (const axis of axes(points)) {
      expect(Math.abs(mean(axis))).toBeLessThan(0.03 * 100);
      expect(sampleStandardDeviation(axis) / expectedAxisSigma(d)).toBeCloseTo(1, 1.3);
      expect(chiSquareUniform(axis, -100, 100, 20)).toBeLessThan(CHI2_CRITICAL_001[19]!);
    }
    expect(createPointGenerator(d, 42).cluster(datasetPointKey(42), 0)).toBe(-1);
  });
});

describe('uniform', () => {
  const d = dist({ kind: 'uniform', halfExtent: 1000, scale: 2 });
  const points = sample(d, 42);

  it('stays inside the cube and fills it uniformly', () => {
    for (const axis of axes(points)) {
      expect(Math.min(...axis)).toBeGreaterThanOrEqual(-2000);
      expect(Math.max(...axis)).toBeLessThanOrEqual(2000);
      expect(Math.abs(mean(axis))).toBeLessThan(0.03 * 2000);
      expect(sampleStandardDeviation(axis) / expectedAxisSigma(d)).toBeCloseTo(1, 1.3);
      expect(chiSquareUniform(axis, -2000, 2000, 20)).toBeLessThan(CHI2_CRITICAL_001[19]!);
    }
  });
});

describe('every kind', () => {
  const kinds = [
    dist({ kind: 'projected' }),
    dist({ kind: 'projected', dimensions: 1998, clusters: 200, scale: 100 }),
    dist({ kind: 'sphere' }),
    dist({ kind: 'uniform' }),
  ];

  for (const d of kinds) {
    const label = `${d.kind} (scale ${d.scale}, D ${d.dimensions})`;

    it(`${label}: same seed and index give the same point, another seed another point`, () => {
      const a = createPointGenerator(d, 7);
      const b = createPointGenerator(d, 7);
      const c = createPointGenerator(d, 8);
      for (const i of [0, 1, 999, 123_456_789]) {
        expect(a.point(datasetPointKey(7), i)).toEqual(b.point(datasetPointKey(7), i));
        expect(c.point(datasetPointKey(8), i)).not.toEqual(a.point(datasetPointKey(7), i));
      }
    });

    it(`${label}: row 5000 generated directly equals row 5000 of a sequential run`, () => {
      const sequential = sample(d, 3, 5001);
      const fresh = createPointGenerator(d, 3);
      expect(fresh.point(datasetPointKey(3), 5000)).toEqual(sequential[5000]);
    });

    it(`${label}: stays within boundingHalfExtent`, () => {
      const h = boundingHalfExtent(d);
      for (const p of sample(d, 5, 2000)) {
        expect(Math.max(Math.abs(p.x), Math.abs(p.y), Math.abs(p.z))).toBeLessThanOrEqual(h);
      }
    });
  }
});

describe('scales', () => {
  it.each([
    [{ kind: 'projected', dimensions: 1998 }, 1 / Math.sqrt(1998), 1 / Math.sqrt(1998)],
    [{ kind: 'projected', dimensions: 256, scale: 100 }, 100 / 16, 100 / 16],
    [{ kind: 'sphere', scale: 100 }, 100 / Math.sqrt(3), 100],
    [{ kind: 'uniform', halfExtent: 1000, scale: 1 }, 1000 / Math.sqrt(3), 1000],
  ])('%j: sigma %d, characteristic scale %d', (input, sigma, characteristic) => {
    const d = dist(input);
    expect(expectedAxisSigma(d)).toBeCloseTo(sigma, 10);
    expect(characteristicScale(d)).toBeCloseTo(characteristic, 10);
  });

  it('gives the within-cluster sigma for projected and the overall sigma otherwise', () => {
    const p = dist({ kind: 'projected', clusterSpread: 0.35 });
    expect(expectedClusterSigma(p)).toBeCloseTo(expectedAxisSigma(p) * (0.35 / Math.sqrt(1 + 0.35 ** 2)), 12);
    const s = dist({ kind: 'sphere' });
    expect(expectedClusterSigma(s)).toBe(expectedAxisSigma(s));
  });

  it('uses the scenario defaults: projected, D = 256, 32 clusters', () => {
    const config = datasetSchema.parse({});
    expect(config.distribution.kind).toBe('projected');
    expect(
      createPointGenerator(config.distribution, config.seed).cluster(datasetPointKey(42), 0),
    ).toBeLessThan(32);
  });
});
