import { describe, expect, it } from 'vitest';
import { crossingOf, geometricMean, kneeOf, logTInterval } from '../../../src/capacity/knee.ts';
import { t95 } from '../../../src/capacity/t-quantile.ts';
import type { StepCheck } from '../../../src/model/capacity.ts';
import { syntheticStep } from '../../fixtures/capacity.ts';

const check = (margin: number | null, verdict: StepCheck['verdict']): StepCheck => ({
  name: 'latency.spatial p95',
  expression: 'p95 < 100ms',
  observed: margin === null ? null : margin * 100,
  threshold: 100,
  unit: 'ms',
  verdict,
  margin,
});

describe('crossingOf', () => {
  it('interpolates log(margin) against log(rate)', () => {
    // margin 0.5 at 100/s, 2 at 400/s: log-linear, crossing 1 halfway in log rate: 200/s.
    expect(crossingOf(100, check(0.5, 'pass'), 400, check(2, 'fail'))).toBeCloseTo(200, 9);
    // margin 0.25 at 100/s, 4 at 200/s: halfway again, sqrt(100 * 200).
    expect(crossingOf(100, check(0.25, 'pass'), 200, check(4, 'fail'))).toBeCloseTo(141.421356, 5);
    // 0.9 -> 9 over 100..200: one tenth of the way in log: 100 * 2^(log(1/0.9)/log(10)).
    expect(crossingOf(100, check(0.9, 'pass'), 200, check(9, 'fail'))).toBeCloseTo(
      100 * 2 ** (Math.log(1 / 0.9) / Math.log(10)),
      9,
    );
  });
  it('is null for a check that did not fail at the bad rate', () => {
    expect(crossingOf(100, check(0.5, 'pass'), 200, check(0.8, 'pass'))).toBeNull();
  });
  it('falls back to the geometric midpoint without a usable good margin', () => {
    expect(crossingOf(100, check(0, 'pass'), 400, check(3, 'fail'))).toBeCloseTo(200, 9);
    expect(crossingOf(100, undefined, 400, check(3, 'fail'))).toBeCloseTo(200, 9);
    // The good end failing with a larger margin than the bad end: below the good end, one width down.
    expect(crossingOf(100, check(5, 'fail'), 400, check(3, 'fail'))).toBeCloseTo(25, 9);
  });
  it('never lies more than one bracket width below the good rate', () => {
    // A repeated good end failing too: margin 1.5 at 100/s, 2 at 200/s extrapolates far below; capped at 50.
    expect(crossingOf(100, check(1.5, 'fail'), 200, check(2, 'fail'))).toBeCloseTo(50, 9);
  });
});

describe('t95 and the interval', () => {
  /** P(T <= x) for Student's t with df degrees of freedom, by Simpson's rule on the density. */
  function tCdf(x: number, df: number): number {
    const lgamma = (z: number): number => {
      // Lanczos approximation (g = 7, n = 9).
      const c = [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
      ];
      z -= 1;
      let a = c[0]!;
      const t = z + 7.5;
      for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
      return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
    };
    const k = Math.exp(lgamma((df + 1) / 2) - lgamma(df / 2)) / Math.sqrt(df * Math.PI);
    const f = (t: number) => k * (1 + (t * t) / df) ** (-(df + 1) / 2);
    const n = 20_000;
    const h = x / n;
    let s = f(0) + f(x);
    for (let i = 1; i < n; i++) s += f(i * h) * (i % 2 ? 4 : 2);
    return 0.5 + (s * h) / 3;
  }
  it.each([1, 2, 3, 4, 5, 9, 10, 19, 29, 30])('t95(%i) is the 95th percentile of t', (df) => {
    expect(tCdf(t95(df), df)).toBeCloseTo(0.95, 3);
  });
  it('uses the normal quantile beyond df 30', () => expect(t95(200)).toBeCloseTo(1.644854, 5));
  it('computes a t interval on the logs', () => {
    const xs = [400, 420, 440];
    const logs = xs.map(Math.log);
    const m = logs.reduce((a, b) => a + b) / 3;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - m) ** 2, 0) / 2);
    const [lo, hi] = logTInterval(xs);
    expect(lo).toBeCloseTo(Math.exp(m - (2.92 * sd) / Math.sqrt(3)), 9);
    expect(hi).toBeCloseTo(Math.exp(m + (2.92 * sd) / Math.sqrt(3)), 9);
    expect(geometricMean(xs)).toBeCloseTo(Math.cbrt(400 * 420 * 440), 9);
  });
});

describe('kneeOf', () => {
  const server = { capacity: 400, serviceMs: 10, p95LimitMs: 100 };
  const step = (index: number, rate: number, trial: number) =>
    syntheticStep(server, { index, ratePerSec: rate, phase: trial > 1 ? 'trial' : 'bisect', trial });
  it('is null without a bracket', () => {
    expect(kneeOf([step(1, 100, 1), step(2, 200, 1)])).toBeNull();
    expect(kneeOf([step(1, 800, 1)])).toBeNull();
  });
  it('with one trial: interpolated rate, the bracket as interval', () => {
    const k = kneeOf([step(1, 390, 1), step(2, 410, 1)])!;
    // margin 0.1 at 390/s and 4 * (410/400)^8 = 4.873... at 410/s.
    const m2 = (10 * 40 * (410 / 400) ** 8) / 100;
    const expected = Math.exp(
      Math.log(390) + (Math.log(410) - Math.log(390)) * (-Math.log(0.1) / (Math.log(m2) - Math.log(0.1))),
    );
    expect(k.ratePerSec).toBeCloseTo(expected, 6);
    expect(k.interval).toEqual([390, 410]);
    expect(k.bracket).toEqual([390, 410]);
    expect(k.firstToBreak).toEqual({
      check: 'latency.spatial p95',
      expression: 'p95 < 100ms',
      atRatePerSec: 410,
      observed: 10 * 40 * (410 / 400) ** 8,
      threshold: 100,
      unit: 'ms',
    });
  });
});
