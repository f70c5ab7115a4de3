import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, normalSf } from '../../../../src/compare/stats/normal.ts';

describe('standard normal', () => {
  it.each([
    // [z, P(Z <= z)] from scipy.stats.norm
    [0, 0.5],
    [1.96, 0.9750021048517795],
    [-3, 0.0013498980316300933],
    [1.6448536269514722, 0.95],
  ])('cdf(%d)', (z, p) => {
    expect(normalCdf(z)).toBeCloseTo(p, 12);
    expect(normalSf(z)).toBeCloseTo(1 - p, 12);
  });

  it.each([
    [0.95, 1.6448536269514722],
    [0.975, 1.959963984540054],
    [0.001, -3.090232306167813],
    [0.5, 0],
  ])('quantile(%d)', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 8);
  });

  it('has quantile edges and round-trips', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(2)).toBeNaN();
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }), (p) => {
        expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
      }),
    );
  });
});
