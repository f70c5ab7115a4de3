import type { ScaleFit } from '../model/capacity.ts';

/**
 * How cost grows with the dataset: ordinary least squares of log(latency) on log(atoms), so the slope is
 * the exponent (latency ~ atoms^slope). Predictions beyond the largest measured size are labelled
 * extrapolated: they are the fit's guess, never a measurement.
 */

export interface XY {
  x: number;
  y: number;
}

export interface LineFit {
  slope: number;
  intercept: number;
  r2: number | null;
  slopeStdErr: number | null;
}

/** Least squares y = intercept + slope * x over at least two distinct x. */
export function linearFit(points: readonly XY[]): LineFit {
  const n = points.length;
  if (n < 2) throw new RangeError('linearFit: two points or more');
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
    syy += (p.y - my) ** 2;
  }
  if (sxx === 0) throw new RangeError('linearFit: the x values are all equal');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssRes = points.reduce((a, p) => a + (p.y - intercept - slope * p.x) ** 2, 0);
  return {
    slope,
    intercept,
    r2: syy > 0 ? 1 - ssRes / syy : null,
    slopeStdErr: n >= 3 ? Math.sqrt(ssRes / (n - 2) / sxx) : null,
  };
}

/** The log-log fit of one operation's statistic over the sweep, with predictions at `atNext` sizes. */
export function scaleFit(
  op: string,
  stat: string,
  points: readonly { atoms: number; latencyMs: number }[],
  atNext: readonly number[],
): ScaleFit | null {
  const usable = points.filter((p) => p.atoms > 0 && p.latencyMs > 0);
  if (new Set(usable.map((p) => p.atoms)).size < 2) return null;
  const f = linearFit(usable.map((p) => ({ x: Math.log(p.atoms), y: Math.log(p.latencyMs) })));
  const largest = Math.max(...usable.map((p) => p.atoms));
  return {
    op,
    stat,
    slope: f.slope,
    intercept: f.intercept,
    r2: f.r2,
    slopeStdErr: f.slopeStdErr,
    points: usable.length,
    predictions: atNext
      .filter((a) => a > largest)
      .map((atoms) => ({
        atoms,
        latencyMs: Math.exp(f.intercept + f.slope * Math.log(atoms)),
        extrapolated: true as const,
      })),
  };
}
