import { describe, expect, it } from 'vitest';
import { mean, sampleStandardDeviation, sampleVariance } from 'simple-statistics';
import type { Point3 } from '../../../src/dataset/types.ts';
import { rowState, streamKey, STREAMS } from '../../../src/dataset/prng.ts';
import {
  createProjectedModel,
  drawChiSquare,
  projectedAtom,
  projectedCluster,
  projectedPoint,
  projectedSigma,
  projectedWithinClusterSigma,
  type ProjectedParams,
} from '../../../src/dataset/projected.ts';
import { createExplicitModel, explicitAtom, explicitPoint, projectVector } from './projected-explicit.ts';
import { axes, ksCritical, ksTwoSample, norm, pooledSigma, withinGroupShare } from './stats.ts';

const params = (over: Partial<ProjectedParams> = {}): ProjectedParams => ({
  scale: 1,
  clusters: 32,
  dimensions: 256,
  clusterSpread: 0.35,
  ...over,
});

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('chi-square sampler', () => {
  for (const df of [1, 5, 16, 17, 100, 1995]) {
    it(`has mean df and variance 2 df (df = ${df}, ${df > 16 ? 'Wilson-Hilferty' : 'exact'})`, () => {
      const key = streamKey(df, STREAMS.centres);
      const n = 40_000;
      const draws = range(n).map((i) => drawChiSquare(rowState(key, i), 0, df));
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      // 5 standard errors: the mean has sd sqrt(2 / (df n)) relative, the variance sqrt((12 / df + 2) / n).
      expect(Math.abs(mean(draws) / df - 1)).toBeLessThan(5 * Math.sqrt(2 / (df * n)));
      expect(Math.abs(sampleVariance(draws) / (2 * df) - 1)).toBeLessThan(5 * Math.sqrt((12 / df + 2) / n));
    });
  }
  it('is 0 for no degrees of freedom', () => expect(drawChiSquare(1, 0, 0)).toBe(0));
});

describe('projected: analytic generator against the explicit D-dimensional computation', () => {
  const n = 20_000;
  // Conditional on one fixed centre, the analytic noise model must reproduce P (c + s n) / |c + s n|.
  for (const [dimensions, spread] of [
    [3, 0.35],
    [4, 0.5],
    [8, 0.35],
    [24, 0.35],
    [64, 1],
  ] as const) {
    it(`matches around a fixed centre (D = ${dimensions}, spread = ${spread})`, () => {
      const model = createExplicitModel(params({ clusters: 1, dimensions, clusterSpread: spread }), 11);
      const c = projectVector(model.directions, model.centres, 0, dimensions);
      const cPerp = Math.sqrt(Math.max(0, 1 - (c.x * c.x + c.y * c.y + c.z * c.z)));
      const keyA = streamKey(1, STREAMS.points);
      const keyB = streamKey(2, STREAMS.points);
      const analytic = range(n).map((i) =>
        projectedAtom(c.x, c.y, c.z, cPerp, spread, dimensions, rowState(keyA, i)),
      );
      const explicit = range(n).map((i) =>
        explicitAtom(model.centres, 0, model.directions, spread, dimensions, rowState(keyB, i)),
      );
      const [ax, ay, az] = axes(analytic);
      const [ex, ey, ez] = axes(explicit);
      for (const [a, e] of [
        [ax!, ex!],
        [ay!, ey!],
        [az!, ez!],
      ] as const) {
        const se = Math.sqrt((sampleVariance(a) + sampleVariance(e)) / n);
        expect(Math.abs(mean(a) - mean(e))).toBeLessThan(4 * se + 1e-12);
        expect(sampleStandardDeviation(a) / sampleStandardDeviation(e)).toBeCloseTo(1, 1.3);
        expect(ksTwoSample(a, e)).toBeLessThan(ksCritical(n, n));
      }
      if (dimensions === 3) {
        // P is a rotation of R^3: every atom keeps unit norm.
        for (const p of [...analytic, ...explicit]) expect(norm(p)).toBeCloseTo(1, 12);
      } else {
        expect(ksTwoSample(analytic.map(norm), explicit.map(norm))).toBeLessThan(ksCritical(n, n));
        for (const p of analytic) expect(norm(p)).toBeLessThanOrEqual(1 + 1e-12);
      }
    });
  }

  it('matches over many clusters: per-axis sigma and within-cluster share (D = 16)', () => {
    const p = params({ clusters: 400, dimensions: 16 });
    const analyticModel = createProjectedModel(p, 5);
    const explicitModel = createExplicitModel(p, 5);
    const key = streamKey(5, STREAMS.points);
    const a = range(n).map((i) => projectedPoint(analyticModel, key, i));
    const e = range(n).map((i) => explicitPoint(explicitModel, key, i));
    const labels = range(n).map((i) => projectedCluster(analyticModel, key, i));
    expect(pooledSigma(a) / projectedSigma(p)).toBeCloseTo(1, 1.3);
    expect(pooledSigma(e) / projectedSigma(p)).toBeCloseTo(1, 1.3);
    expect(withinGroupShare(a, labels) / withinGroupShare(e, labels)).toBeCloseTo(1, 1);
    // Looser than a KS critical value: the two sides also realise 400 different random centres.
    expect(ksTwoSample(a.map(norm), e.map(norm))).toBeLessThan(0.05);
  });
});

describe('projected: the Hartonomous blob', () => {
  const sample = (p: ProjectedParams, seed: number, n: number): { points: Point3[]; labels: number[] } => {
    const model = createProjectedModel(p, seed);
    const key = streamKey(seed, STREAMS.points);
    return {
      points: range(n).map((i) => projectedPoint(model, key, i)),
      labels: range(n).map((i) => projectedCluster(model, key, i)),
    };
  };

  it('predicts sigma = scale / sqrt(D): 0.0224 for D = 1998, 1/16 for D = 256', () => {
    expect(projectedSigma({ scale: 1, dimensions: 1998 })).toBeCloseTo(0.02237, 5);
    expect(projectedSigma({ scale: 100, dimensions: 256 })).toBeCloseTo(6.25, 10);
  });

  it('has sample sd within 10 % of sigma per axis and means near 0 (20k points, 1000 clusters)', () => {
    for (const dimensions of [256, 1998]) {
      const p = params({ clusters: 1000, dimensions });
      const { points } = sample(p, 42, 20_000);
      const sigma = projectedSigma(p);
      for (const axis of axes(points)) {
        expect(Math.abs(mean(axis))).toBeLessThan(0.1 * sigma);
        expect(sampleStandardDeviation(axis) / sigma).toBeGreaterThan(0.9);
        expect(sampleStandardDeviation(axis) / sigma).toBeLessThan(1.1);
      }
    }
  });

  it('has pooled sd within 10 % of sigma for the default 32 clusters (centre positions vary by seed)', () => {
    for (const seed of [1, 2, 3]) {
      const p = params();
      expect(pooledSigma(sample(p, seed, 20_000).points) / projectedSigma(p)).toBeGreaterThan(0.85);
      expect(pooledSigma(sample(p, seed, 20_000).points) / projectedSigma(p)).toBeLessThan(1.15);
    }
    const all = [1, 2, 3, 4, 5, 6].flatMap((seed) => sample(params(), seed, 5_000).points);
    expect(pooledSigma(all) / projectedSigma(params())).toBeCloseTo(1, 1);
  });

  it('stays inside the ball of radius scale and scales linearly', () => {
    const p = params({ scale: 100 });
    const { points } = sample(p, 9, 5_000);
    const unit = sample(params(), 9, 5_000).points;
    points.forEach((q, i) => {
      expect(norm(q)).toBeLessThanOrEqual(100 + 1e-9);
      expect(q.x).toBeCloseTo(100 * unit[i]!.x, 10);
    });
  });

  it('shows its clusters: within-cluster variance share ~ s^2 / (1 + s^2), nearest neighbours share a cluster', () => {
    const p = params();
    const { points, labels } = sample(p, 42, 20_000);
    const share = withinGroupShare(points, labels);
    const s2 = p.clusterSpread ** 2;
    expect(share / (s2 / (1 + s2))).toBeCloseTo(1, 0.7);
    expect(projectedWithinClusterSigma(p) / projectedSigma(p)).toBeCloseTo(Math.sqrt(s2 / (1 + s2)), 10);
    // Brute-force nearest neighbour on 2000 points: far more same-cluster pairs than the 1/32 of chance.
    const m = 2000;
    let same = 0;
    for (let i = 0; i < m; i++) {
      let best = Infinity;
      let bestJ = -1;
      for (let j = 0; j < m; j++) {
        if (j === i) continue;
        const d =
          (points[i]!.x - points[j]!.x) ** 2 +
          (points[i]!.y - points[j]!.y) ** 2 +
          (points[i]!.z - points[j]!.z) ** 2;
        if (d < best) [best, bestJ] = [d, j];
      }
      if (labels[bestJ] === labels[i]) same++;
    }
    expect(same / m).toBeGreaterThan(0.5);
  });

  it('spreads clusters more as clusterSpread grows', () => {
    const tight = sample(params({ clusterSpread: 0.1 }), 3, 10_000);
    const loose = sample(params({ clusterSpread: 1 }), 3, 10_000);
    expect(withinGroupShare(tight.points, tight.labels)).toBeLessThan(0.03);
    expect(withinGroupShare(loose.points, loose.labels)).toBeGreaterThan(0.4);
  });
});
