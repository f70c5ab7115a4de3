/**
 * Interference of maintenance with the load (pure): per operation, the p95 of requests that overlapped
 * a maintenance window against the p95 of those that did not, their ratio with a 95% bootstrap
 * percentile interval (the ratio's log resampled from both histograms, compare/stats/bootstrap.ts), and
 * the difference. Too few samples on either side: the ratio is n/a with the reason, never 0 or 1.
 */
import { bootstrapLogRatio, histogramSource, summarizeReplicates } from '../compare/stats/bootstrap.ts';
import { streamSeed, uniform } from '../compare/stats/prng.ts';
import { countOf, percentileMs } from '../metrics/histogram.ts';
import type { SplitHistograms } from '../metrics/windows.ts';
import type { InterferenceStats, MaintenanceWindow, TimeSeriesPoint } from '../model/result.ts';

/** Fewer samples than this on a side and a p95 says little: the ratio is n/a. */
export const MIN_SIDE_SAMPLES = 20;
export const INTERFERENCE_RESAMPLES = 2000;

export function interferenceOf(
  op: string,
  h: SplitHistograms,
  seed: number,
  resamples = INTERFERENCE_RESAMPLES,
): InterferenceStats {
  const side = (x: SplitHistograms['inside']) => ({
    count: countOf(x),
    p50Ms: countOf(x) > 0 ? percentileMs(x, 50) : 0,
    p95Ms: countOf(x) > 0 ? percentileMs(x, 95) : 0,
  });
  const inside = side(h.inside);
  const outside = side(h.outside);
  const stats: InterferenceStats = { op, inside, outside, p95Ratio: { na: '' } };
  if (inside.count < MIN_SIDE_SAMPLES || outside.count < MIN_SIDE_SAMPLES) {
    stats.p95Ratio = {
      na: `too few requests to compare (${inside.count} inside maintenance windows, ${outside.count} outside; ${MIN_SIDE_SAMPLES} each needed)`,
    };
    return stats;
  }
  const reps = bootstrapLogRatio(
    histogramSource(h.outside),
    histogramSource(h.inside),
    95,
    resamples,
    uniform(streamSeed(seed, `interference:${op}`)),
  );
  const ci = summarizeReplicates(reps, 0.025);
  stats.p95Ratio = {
    value: { ratio: inside.p95Ms / outside.p95Ms, lo: Math.exp(ci.lo), hi: Math.exp(ci.hi) },
  };
  stats.p95DifferenceMs = inside.p95Ms - outside.p95Ms;
  return stats;
}

/**
 * Mark each time-series point whose interval (previous tSec, tSec] overlapped a window with the
 * window kinds. Returns new points; the input is not changed.
 */
export function markWindows(
  points: readonly TimeSeriesPoint[],
  windows: readonly MaintenanceWindow[],
): TimeSeriesPoint[] {
  let prev = 0;
  return points.map((p) => {
    const from = prev;
    prev = p.tSec;
    const kinds = [
      ...new Set(windows.filter((w) => w.startSec <= p.tSec && w.endSec >= from).map((w) => w.kind)),
    ].sort();
    return kinds.length ? { ...p, maintenance: kinds } : { ...p };
  });
}
