import { normalQuantile, normalSf } from './normal.ts';

/**
 * Closed-form intervals for the metrics a single run measures as counts, used when there are too few
 * trials for a rank test. Each returns the change on its scale, a (1 - 2 alpha) interval and one-sided
 * p-values (pUp: evidence the change is above 0; pDown: below).
 */

export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
  pUp: number;
  pDown: number;
}

/**
 * Throughput: successes a over ta seconds against b over tb, as ln(rate b / rate a), with the Poisson
 * standard error sqrt(1/a + 1/b). An open loop's throughput is set by its schedule and varies less than
 * Poisson, so the interval errs wide there; null when either side had no success.
 */
export function poissonLogRateRatio(
  a: number,
  ta: number,
  b: number,
  tb: number,
  alpha: number,
): Interval | null {
  if (!(a > 0 && b > 0 && ta > 0 && tb > 0)) return null;
  const est = Math.log(b / tb) - Math.log(a / ta);
  const se = Math.sqrt(1 / a + 1 / b);
  const z = normalQuantile(1 - alpha);
  return {
    estimate: est,
    lo: est - z * se,
    hi: est + z * se,
    pUp: normalSf(est / se),
    pDown: normalSf(-est / se),
  };
}

/** Wilson score interval for x successes in n at two-sided level 1 - 2 alpha (z given). */
export function wilson(x: number, n: number, z: number): { lo: number; hi: number } {
  if (n <= 0) return { lo: 0, hi: 1 };
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/**
 * Difference of two proportions, x2/n2 - x1/n1, with Newcombe's hybrid score interval (method 10 of
 * Newcombe 1998: good coverage even at 0 events, unlike the Wald interval) and p-values from the pooled
 * two-proportion z-test. Null when either side has no trials.
 */
export function proportionDifference(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  alpha: number,
): Interval | null {
  if (!(n1 > 0 && n2 > 0)) return null;
  const z = normalQuantile(1 - alpha);
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const w1 = wilson(x1, n1, z);
  const w2 = wilson(x2, n2, z);
  const d = p2 - p1;
  const lo = d - Math.sqrt((p2 - w2.lo) ** 2 + (w1.hi - p1) ** 2);
  const hi = d + Math.sqrt((w2.hi - p2) ** 2 + (p1 - w1.lo) ** 2);
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  // No variance at all (both 0 % or both 100 %): no evidence of any change.
  const pUp = se > 0 ? normalSf(d / se) : 1;
  const pDown = se > 0 ? normalSf(-d / se) : 1;
  return { estimate: d, lo, hi, pUp, pDown };
}
