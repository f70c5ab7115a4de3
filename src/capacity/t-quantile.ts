import { normalQuantile } from '../compare/stats/normal.ts';

/**
 * The 95th percentile of Student's t with `df` degrees of freedom: the half-width factor of a two-sided
 * 90 % interval of a mean. Standard table values for df 1..30 (checked against a numerical integration of
 * the t density in test/unit/capacity/t-quantile.test.ts); the normal quantile beyond.
 */
const T95 = [
  6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753,
  1.746, 1.74, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697,
];

export function t95(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`t95: df must be a positive integer, got ${df}`);
  return T95[df - 1] ?? normalQuantile(0.95);
}
