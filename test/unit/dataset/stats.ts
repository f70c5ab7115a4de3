/** Small statistics helpers for the dataset tests (what simple-statistics does not have). */
import type { Point3 } from '../../../src/dataset/types.ts';

/** Two-sample Kolmogorov-Smirnov statistic D = sup |F1 - F2|. */
export function ksTwoSample(a: readonly number[], b: readonly number[]): number {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** KS critical value at alpha = 0.001 for two samples of sizes n and m. */
export function ksCritical(n: number, m: number): number {
  return 1.95 * Math.sqrt((n + m) / (n * m));
}

/** Pearson chi-square statistic of `values` against the uniform distribution on [lo, hi) in `bins` bins. */
export function chiSquareUniform(values: readonly number[], lo: number, hi: number, bins: number): number {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const k = Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)));
    counts[k]!++;
  }
  const expected = values.length / bins;
  return counts.reduce((s, c) => s + ((c - expected) * (c - expected)) / expected, 0);
}

/** Chi-square critical values at p = 0.001 for the degrees of freedom used here. */
export const CHI2_CRITICAL_001: Record<number, number> = { 19: 43.82, 63: 103.44 };

export const xs = (points: readonly Point3[]): number[] => points.map((p) => p.x);
export const ys = (points: readonly Point3[]): number[] => points.map((p) => p.y);
export const zs = (points: readonly Point3[]): number[] => points.map((p) => p.z);
export const axes = (points: readonly Point3[]): number[][] => [xs(points), ys(points), zs(points)];
export const norm = (p: Point3): number => Math.hypot(p.x, p.y, p.z);

/** Root mean square about zero of all three coordinates pooled: the per-axis sigma estimate for a centred cloud. */
export function pooledSigma(points: readonly Point3[]): number {
  let s = 0;
  for (const p of points) s += p.x * p.x + p.y * p.y + p.z * p.z;
  return Math.sqrt(s / (3 * points.length));
}

/** Share of the total variance that lies within groups (labels), pooled over the three axes. */
export function withinGroupShare(points: readonly Point3[], labels: readonly number[]): number {
  const groups = new Map<number, { n: number; x: number; y: number; z: number }>();
  const all = { x: 0, y: 0, z: 0 };
  points.forEach((p, i) => {
    const g = groups.get(labels[i]!) ?? { n: 0, x: 0, y: 0, z: 0 };
    g.n++;
    g.x += p.x;
    g.y += p.y;
    g.z += p.z;
    groups.set(labels[i]!, g);
    all.x += p.x;
    all.y += p.y;
    all.z += p.z;
  });
  const n = points.length;
  let within = 0;
  let total = 0;
  points.forEach((p, i) => {
    const g = groups.get(labels[i]!)!;
    within += (p.x - g.x / g.n) ** 2 + (p.y - g.y / g.n) ** 2 + (p.z - g.z / g.n) ** 2;
    total += (p.x - all.x / n) ** 2 + (p.y - all.y / n) ** 2 + (p.z - all.z / n) ** 2;
  });
  return within / total;
}
