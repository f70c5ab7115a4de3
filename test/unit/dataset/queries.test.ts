import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { datasetSchema, paramDist, type ParamDist } from '../../../src/dataset/schema.ts';
import { createQuerySource, drawIntParam, drawParam } from '../../../src/dataset/queries.ts';
import { characteristicScale, expectedAxisSigma } from '../../../src/dataset/distributions.ts';
import { makeRecord } from '../../../src/dataset/records.ts';
import { createRandom } from '../../../src/dataset/prng.ts';
import { axes, ksCritical, ksTwoSample, pooledSigma } from './stats.ts';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const projected = datasetSchema.parse({ seed: 42 });
const sphere = datasetSchema.parse({ seed: 42, distribution: { kind: 'sphere', scale: 100 } });
const uniform = datasetSchema.parse({ seed: 42, distribution: { kind: 'uniform' } });

describe('createQuerySource', () => {
  it('is reproducible per run seed, distinct across run seeds and from the dataset rows', () => {
    const a = createQuerySource(projected, 0.05, 7);
    const b = createQuerySource(projected, 0.05, 7);
    const c = createQuerySource(projected, 0.05, 8);
    const first = range(100).map(() => a.next());
    expect(range(100).map(() => b.next())).toEqual(first);
    expect(c.next()).not.toEqual(first[0]);
    expect(createQuerySource(projected, 0, 7).next()).not.toEqual(makeRecord(projected, 0).point);
    expect(a.at(42)).toEqual(first[42]);
    expect(createQuerySource(projected, 0.05, 7, 42).next()).toEqual(first[42]);
  });

  it('without jitter draws from the dataset distribution (same centres)', () => {
    for (const config of [projected, sphere, uniform]) {
      const q = createQuerySource(config, 0, 3);
      const points = range(20_000).map(() => q.next());
      const rows = range(20_000).map((i) => makeRecord(config, i).point);
      // Same law as the dataset's own rows, cluster centres included (a projected blob's mean is the mean
      // of its 32 centres, not 0, so compare with the rows rather than with 0).
      const pAxes = axes(points);
      const rAxes = axes(rows);
      for (let k = 0; k < 3; k++)
        expect(ksTwoSample(pAxes[k]!, rAxes[k]!)).toBeLessThan(ksCritical(20_000, 20_000));
      expect(pooledSigma(points) / expectedAxisSigma(config.distribution)).toBeCloseTo(1, 0.8);
    }
  });

  it('jitters each axis by N(0, (queryJitter * characteristic scale)^2)', () => {
    for (const config of [projected, sphere, uniform]) {
      const jitter = 0.2;
      const base = createQuerySource(config, 0, 11);
      const moved = createQuerySource(config, jitter, 11);
      const s = characteristicScale(config.distribution);
      expect(moved.jitterSd).toBeCloseTo(jitter * s, 12);
      const d = range(20_000).map((i) => {
        const p = base.at(i);
        const q = moved.at(i);
        return { x: q.x - p.x, y: q.y - p.y, z: q.z - p.z };
      });
      for (const axis of axes(d)) {
        expect(Math.abs(mean(axis))).toBeLessThan(0.05 * jitter * s);
        expect(sampleStandardDeviation(axis) / (jitter * s)).toBeCloseTo(1, 1.3);
      }
    }
  });

  it('rejects a negative jitter', () => {
    expect(() => createQuerySource(projected, -1, 1)).toThrow(RangeError);
  });
});

describe('drawParam', () => {
  const n = 40_000;
  const draws = (dist: ParamDist, seed = 1): number[] => {
    const rand = createRandom(seed);
    return range(n).map(() => drawParam(dist, rand));
  };

  it('returns a fixed number as is', () => {
    expect(drawParam(10, () => 0.3)).toBe(10);
  });

  it('draws {min, max} uniformly', () => {
    const v = draws({ min: 0, max: 1 });
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThan(1);
    expect(mean(v)).toBeCloseTo(0.5, 2);
    expect(sampleStandardDeviation(v)).toBeCloseTo(Math.sqrt(1 / 12), 2);
  });

  it('draws {values, weights} in proportion to the weights, equally without weights', () => {
    const weighted = draws({ values: [10, 50], weights: [3, 1] });
    expect(weighted.filter((v) => v === 10).length / n).toBeCloseTo(0.75, 1.5);
    expect(new Set(weighted)).toEqual(new Set([10, 50]));
    const equal = draws({ values: [1, 2, 3, 4] });
    for (const value of [1, 2, 3, 4])
      expect(equal.filter((v) => v === value).length / n).toBeCloseTo(0.25, 1.5);
  });

  it('draws {mean, sd, min} normally, clamped at min', () => {
    const free = draws({ mean: 20, sd: 5 });
    expect(mean(free)).toBeCloseTo(20, 0.5);
    expect(sampleStandardDeviation(free)).toBeCloseTo(5, 0.5);
    const clamped = draws({ mean: 0, sd: 1, min: 0 });
    expect(Math.min(...clamped)).toBe(0);
    expect(clamped.filter((v) => v === 0).length / n).toBeCloseTo(0.5, 1.5);
  });

  it('property: every schema-valid distribution yields a value it allows', () => {
    const dist = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc
        .tuple(
          fc.double({ min: -1e6, max: 1e6, noNaN: true }),
          fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        )
        .map(([min, width]) => ({ min, max: min + width })),
      fc.array(fc.integer(), { minLength: 1, maxLength: 8 }).chain((values) =>
        fc
          .option(
            fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), {
              minLength: values.length,
              maxLength: values.length,
            }),
            { nil: undefined },
          )
          .map((weights) => (weights ? { values, weights } : { values })),
      ),
      fc.record({
        mean: fc.integer({ min: -100, max: 100 }),
        sd: fc.integer({ min: 0, max: 10 }),
        min: fc.integer({ min: -100, max: 100 }),
      }),
    );
    fc.assert(
      fc.property(dist, fc.nat(), (d, seed) => {
        const parsed = paramDist.parse(d);
        const rand = createRandom(seed);
        for (let i = 0; i < 20; i++) {
          const v = drawParam(parsed, rand);
          if (!Number.isFinite(v)) return false;
          if (typeof parsed === 'number' && v !== parsed) return false;
          if (typeof parsed === 'object' && 'max' in parsed && (v < parsed.min || v > parsed.max))
            return false;
          if (typeof parsed === 'object' && 'values' in parsed && !parsed.values.includes(v)) return false;
          if (typeof parsed === 'object' && 'mean' in parsed && parsed.min !== undefined && v < parsed.min)
            return false;
        }
        return true;
      }),
    );
  });

  it('drawIntParam rounds, and keeps counts at least 1', () => {
    expect(drawIntParam(9.6, () => 0.5)).toBe(10);
    expect(drawIntParam({ mean: 0, sd: 0 }, () => 0.5)).toBe(1);
    expect(drawIntParam(-3, () => 0.5, false)).toBe(-3);
  });
});
