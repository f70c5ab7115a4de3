import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  poissonLogRateRatio,
  proportionDifference,
  wilson,
} from '../../../../src/compare/stats/intervals.ts';

describe('wilson', () => {
  it("matches Newcombe's 81/263 example (95 %: 0.2553 to 0.3662)", () => {
    const w = wilson(81, 263, 1.959963984540054);
    expect(w.lo).toBeCloseTo(0.2553, 4);
    expect(w.hi).toBeCloseTo(0.3662, 4);
  });

  it('stays inside [0, 1] at 0 and n events', () => {
    expect(wilson(0, 10, 1.64).lo).toBe(0);
    expect(wilson(10, 10, 1.64).hi).toBe(1);
  });
});

describe('proportionDifference (Newcombe hybrid score)', () => {
  it('matches Newcombe 1998 example (a): 56/70 - 48/80 = 0.2000, 95 % 0.0524 to 0.3339', () => {
    const r = proportionDifference(48, 80, 56, 70, 0.025)!;
    expect(r.estimate).toBeCloseTo(0.2, 12);
    expect(r.lo).toBeCloseTo(0.0524, 4);
    expect(r.hi).toBeCloseTo(0.3339, 4);
    expect(r.pUp).toBeLessThan(0.025);
  });

  it('sees no evidence when both sides have no events', () => {
    const r = proportionDifference(0, 500, 0, 500, 0.05)!;
    expect(r.estimate).toBe(0);
    expect(r.pUp).toBe(1);
    expect(r.pDown).toBe(1);
    expect(r.lo).toBeLessThan(0);
    expect(r.hi).toBeGreaterThan(0);
  });

  it('is null without attempts', () => {
    expect(proportionDifference(0, 0, 1, 10, 0.05)).toBeNull();
  });

  it('holds its estimate and mirrors when the sides swap', () => {
    const side = fc
      .integer({ min: 1, max: 400 })
      .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
    fc.assert(
      fc.property(side, side, ([x1, n1], [x2, n2]) => {
        const a = proportionDifference(x1, n1, x2, n2, 0.05)!;
        const b = proportionDifference(x2, n2, x1, n1, 0.05)!;
        expect(a.lo).toBeLessThanOrEqual(a.estimate + 1e-12);
        expect(a.hi).toBeGreaterThanOrEqual(a.estimate - 1e-12);
        expect(b.estimate).toBeCloseTo(-a.estimate, 12);
        expect(b.lo).toBeCloseTo(-a.hi, 12);
        expect(a.pUp).toBeCloseTo(b.pDown, 12);
      }),
    );
  });
});

describe('poissonLogRateRatio', () => {
  it('estimates the log ratio of rates with a sqrt(1/a + 1/b) standard error', () => {
    const r = poissonLogRateRatio(1000, 10, 1000, 10, 0.05)!;
    expect(r.estimate).toBe(0);
    const se = Math.sqrt(2 / 1000);
    expect(r.hi).toBeCloseTo(1.6448536269514722 * se, 9);
    expect(r.pUp).toBeCloseTo(0.5, 9);
  });

  it('finds a 20 % drop over 10k events significant, and refuses empty sides', () => {
    const r = poissonLogRateRatio(10_000, 10, 8_000, 10, 0.05)!;
    expect(Math.expm1(r.estimate)).toBeCloseTo(-0.2, 9);
    expect(r.pDown).toBeLessThan(1e-6);
    expect(poissonLogRateRatio(0, 10, 5, 10, 0.05)).toBeNull();
  });
});
