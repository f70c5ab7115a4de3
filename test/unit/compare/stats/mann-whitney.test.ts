import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  doubledMidRanks,
  hodgesLehmann,
  mannWhitney,
  rankSumDistribution,
  uCdfNoTies,
} from '../../../../src/compare/stats/mann-whitney.ts';

/** P(S >= s) and P(S <= s) by listing every way to pick y's positions: the definition the DP must match. */
function bruteForce(x: number[], y: number[]): { pGreater: number; pLess: number } {
  const all = [...x, ...y];
  const ranks = doubledMidRanks(all);
  const obs = ranks.slice(x.length).reduce((a, b) => a + b, 0);
  const n = all.length;
  const m = y.length;
  let ge = 0;
  let le = 0;
  let total = 0;
  const pick = (start: number, left: number, sum: number): void => {
    if (left === 0) {
      total++;
      if (sum >= obs) ge++;
      if (sum <= obs) le++;
      return;
    }
    for (let i = start; i <= n - left; i++) pick(i + 1, left - 1, sum + ranks[i]!);
  };
  pick(0, m, 0);
  return { pGreater: ge / total, pLess: le / total };
}

describe('mannWhitney', () => {
  it.each([
    // [x, y, pGreater, pLess]
    [[1, 2, 3], [4, 5, 6], 1 / 20, 1],
    [[4, 5, 6], [1, 2, 3], 1, 1 / 20],
    [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], 1 / 252, 1],
    [[1, 3, 5], [2, 4, 6], 7 / 20, 16 / 20],
    [[1, 1, 1], [1, 1, 1], 1, 1],
  ])('exact p-values for %j vs %j', (x, y, pGreater, pLess) => {
    const r = mannWhitney(x, y);
    expect(r.method).toBe('exact');
    expect(r.pGreater).toBeCloseTo(pGreater, 12);
    expect(r.pLess).toBeCloseTo(pLess, 12);
  });

  it('U counts pairs with y > x plus half the ties', () => {
    expect(mannWhitney([1, 2, 3], [4, 5, 6]).u).toBe(9);
    expect(mannWhitney([1, 2], [2, 3]).u).toBe(3.5);
  });

  it('matches brute-force enumeration, ties included', () => {
    const sample = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const r = mannWhitney(x, y);
        const b = bruteForce(x, y);
        expect(r.pGreater).toBeCloseTo(b.pGreater, 10);
        expect(r.pLess).toBeCloseTo(b.pLess, 10);
      }),
      { numRuns: 200 },
    );
  });

  it('is symmetric: swapping the samples swaps the one-sided p-values', () => {
    const sample = fc.array(fc.double({ min: 0.1, max: 100, noNaN: true }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const a = mannWhitney(x, y);
        const b = mannWhitney(y, x);
        expect(a.pGreater).toBeCloseTo(b.pLess, 10);
        expect(a.pLess).toBeCloseTo(b.pGreater, 10);
        expect(a.pGreater).toBeGreaterThan(0);
        expect(a.pGreater).toBeLessThanOrEqual(1);
        // The two tails overlap at the observed sum, so they add to at least 1.
        expect(a.pGreater + a.pLess).toBeGreaterThanOrEqual(1 - 1e-9);
      }),
    );
  });

  it('is invariant under a monotone transform (so testing raw or log values is the same)', () => {
    // Integers: doubles a few ulps apart could collapse under log and create ties that were not there.
    const sample = fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const a = mannWhitney(x, y);
        const b = mannWhitney(x.map(Math.log), y.map(Math.log));
        expect(b.pGreater).toBeCloseTo(a.pGreater, 12);
      }),
    );
  });

  it('uses the normal approximation for large samples, close to the exact value at the boundary', () => {
    const x = Array.from({ length: 31 }, (_, i) => i * 1.1);
    const y = Array.from({ length: 31 }, (_, i) => i * 1.1 + 6.5);
    const big = mannWhitney(x, y);
    expect(big.method).toBe('normal');
    const exact = mannWhitney(x.slice(0, 30), y.slice(0, 30));
    expect(exact.method).toBe('exact');
    expect(big.pGreater).toBeGreaterThan(0);
    expect(Math.abs(Math.log(big.pGreater / exact.pGreater))).toBeLessThan(1);
  });

  it('refuses empty samples', () => {
    expect(() => mannWhitney([], [1])).toThrow(/at least one value/);
  });
});

describe('rank sum distribution', () => {
  it('is a probability distribution', () => {
    const d = rankSumDistribution(doubledMidRanks([1, 2, 2, 3, 5, 5, 5]), 3);
    expect(d.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(d.every((p) => p >= 0)).toBe(true);
  });

  it('gives the classic U table without ties', () => {
    const cdf = uCdfNoTies(3, 3);
    expect(cdf.slice(0, 4).map((p) => p * 20)).toEqual([1, 2, 4, 7].map((v) => expect.closeTo(v, 9)));
    expect(cdf[9]).toBeCloseTo(1, 12);
    expect(uCdfNoTies(5, 5)[4]! * 252).toBeCloseTo(12, 9);
  });
});

describe('hodgesLehmann', () => {
  it('estimates the median pairwise difference with the exact Moses interval', () => {
    const r = hodgesLehmann([1, 2, 3], [11, 12, 13], 0.05);
    expect(r.estimate).toBe(10);
    // 3 vs 3: only k = 1 reaches alpha = 0.05, so the interval is [min, max] at 90 %.
    expect([r.lo, r.hi]).toEqual([8, 12]);
    expect(r.confidence).toBeCloseTo(0.9, 12);
  });

  it('attains 1 - 2 * 12/252 with 5 against 5', () => {
    const r = hodgesLehmann([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], 0.05);
    expect(r.estimate).toBe(0);
    expect(r.confidence).toBeCloseTo(1 - 24 / 252, 12);
    expect(r.lo).toBeLessThan(0);
    expect(r.hi).toBeGreaterThan(0);
  });

  it('says what it attains when alpha is out of reach (2 against 2)', () => {
    const r = hodgesLehmann([1, 2], [3, 4], 0.05);
    expect(r.confidence).toBeCloseTo(1 - 2 / 6, 12);
    expect([r.lo, r.hi]).toEqual([1, 3]);
  });

  it('is shift-equivariant and its interval holds the estimate', () => {
    const sample = fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 9 });
    fc.assert(
      fc.property(sample, sample, fc.double({ min: -20, max: 20, noNaN: true }), (x, y, c) => {
        const a = hodgesLehmann(x, y, 0.05);
        const b = hodgesLehmann(
          x,
          y.map((v) => v + c),
          0.05,
        );
        expect(b.estimate).toBeCloseTo(a.estimate + c, 6);
        expect(a.lo).toBeLessThanOrEqual(a.estimate + 1e-9);
        expect(a.hi).toBeGreaterThanOrEqual(a.estimate - 1e-9);
        expect(a.confidence).toBeGreaterThanOrEqual(0); // 1 against 1: a single difference, no confidence at all
        expect(a.confidence).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('narrows as the confidence it is asked for drops', () => {
    const x = [5, 7, 9, 11, 12, 14, 15, 18];
    const y = [8, 10, 13, 15, 16, 19, 21, 22];
    const wide = hodgesLehmann(x, y, 0.01);
    const narrow = hodgesLehmann(x, y, 0.1);
    expect(narrow.lo).toBeGreaterThanOrEqual(wide.lo);
    expect(narrow.hi).toBeLessThanOrEqual(wide.hi);
    expect(narrow.confidence).toBeLessThan(wide.confidence);
  });
});
