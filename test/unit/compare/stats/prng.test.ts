import { describe, expect, it } from 'vitest';
import { beta, gamma, normal, streamSeed, uniform } from '../../../../src/compare/stats/prng.ts';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};
const draw = (n: number, f: () => number) => Array.from({ length: n }, f);

describe('seeded randomness', () => {
  it('repeats for a seed and key, and differs between keys', () => {
    const a = draw(5, uniform(streamSeed(1, 'spatial.knn.p95')));
    const b = draw(5, uniform(streamSeed(1, 'spatial.knn.p95')));
    const c = draw(5, uniform(streamSeed(1, 'spatial.knn.p99')));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.every((u) => u >= 0 && u < 1)).toBe(true);
  });

  it.each([
    // [what, draws, expected mean, expected variance]
    ['normal', (r: () => number) => normal(r), 0, 1],
    ['gamma(0.5)', (r: () => number) => gamma(0.5, r), 0.5, 0.5],
    ['gamma(3)', (r: () => number) => gamma(3, r), 3, 3],
    ['gamma(10000)', (r: () => number) => gamma(10_000, r), 10_000, 10_000],
    ['beta(2, 5)', (r: () => number) => beta(2, 5, r), 2 / 7, 10 / (49 * 8)],
    ['beta(950, 51)', (r: () => number) => beta(950, 51, r), 950 / 1001, (950 * 51) / (1001 ** 2 * 1002)],
  ])('%s has the right mean and variance', (_name, f, m, v) => {
    const r = uniform(7);
    const xs = draw(20_000, () => f(r));
    const se = Math.sqrt(v / xs.length);
    expect(Math.abs(mean(xs) - m)).toBeLessThan(5 * se);
    expect(variance(xs) / v).toBeGreaterThan(0.93);
    expect(variance(xs) / v).toBeLessThan(1.07);
  });
});
