import { countOf, decodeHistogram, percentileMs } from '../../metrics/histogram.ts';
import type { OperationStats, RunResult, TimeSeriesPoint } from '../../model/result.ts';

/**
 * Pure extraction of the series the run report plots, from result.json alone. No markup, no chart
 * library: numbers in, columns out, so every number on a chart can be checked by a unit test.
 */

/** Columns over the run's intervals (warm-up included, flagged), null where an interval has no value. */
export interface TimeColumns {
  /** End of each interval, seconds since the run started. */
  tSec: number[];
  /** End of the last warm-up interval (shade 0..this), or undefined without warm-up. */
  warmupEndSec: number | undefined;
  /** Latency of the interval's successful operations; null when none succeeded. */
  p50Ms: (number | null)[];
  p95Ms: (number | null)[];
  p99Ms: (number | null)[];
  /** Completed operations (successes + failures) and failures, per second of the interval. */
  opsPerSec: (number | null)[];
  errorsPerSec: (number | null)[];
  /** Sampled queue depth (all OODA queues together); undefined when no interval sampled it. */
  queueDepth: (number | null)[] | undefined;
  /** Open loop only: p99 schedule lag and arrivals dropped per interval; undefined otherwise. */
  scheduleLagP99Ms: (number | null)[] | undefined;
  dropped: (number | null)[] | undefined;
}

/** An optional per-point field as a column, or undefined when no point carries it. */
function optional(
  points: readonly TimeSeriesPoint[],
  get: (p: TimeSeriesPoint) => number | undefined,
): (number | null)[] | undefined {
  if (!points.some((p) => get(p) !== undefined)) return undefined;
  return points.map((p) => get(p) ?? null);
}

/** Seconds each interval covers: the gap to the previous point's end (the first starts at 0). */
export function intervalSeconds(tSec: readonly number[]): number[] {
  return tSec.map((t, i) => t - (i === 0 ? 0 : tSec[i - 1]!));
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!;
}

export function timeColumns(points: readonly TimeSeriesPoint[]): TimeColumns {
  const tSec = points.map((p) => p.tSec);
  const dt = intervalSeconds(tSec);
  // A sliver of an interval (a tick right after a late one) gives a rate of noise, e.g. 0 ops in 30 ms:
  // intervals shorter than a quarter of the typical one get no rate (a gap), their counts stay in the tables.
  const minDt = median(dt) / 4;
  const perSec = (n: number, i: number): number | null => (dt[i]! > 0 && dt[i]! >= minDt ? n / dt[i]! : null);
  // Percentiles of an interval without a success are 0 in the model; that is "no value", not "fast".
  const lat = (get: (p: TimeSeriesPoint) => number) =>
    points.map((p) => (p.ops - p.errors > 0 && get(p) > 0 ? get(p) : null));
  const warm = points.filter((p) => p.warmup);
  return {
    tSec,
    warmupEndSec: warm.length > 0 ? Math.max(...warm.map((p) => p.tSec)) : undefined,
    p50Ms: lat((p) => p.p50Ms),
    p95Ms: lat((p) => p.p95Ms),
    p99Ms: lat((p) => p.p99Ms),
    opsPerSec: points.map((p, i) => perSec(p.ops, i)),
    errorsPerSec: points.map((p, i) => perSec(p.errors, i)),
    queueDepth: optional(points, (p) => p.queueDepth),
    scheduleLagP99Ms: optional(points, (p) => p.scheduleLagP99Ms),
    dropped: optional(points, (p) => p.dropped),
  };
}

/** p95 per operation per interval (null where the operation had no success in it), in first-seen order. */
export function opP95Columns(points: readonly TimeSeriesPoint[]): { op: string; p95Ms: (number | null)[] }[] {
  const ops: string[] = [];
  for (const p of points) for (const op of Object.keys(p.byOp ?? {})) if (!ops.includes(op)) ops.push(op);
  return ops.map((op) => ({
    op,
    p95Ms: points.map((p) => {
      const o = p.byOp?.[op];
      return o && o.ops - o.errors > 0 && o.p95Ms > 0 ? o.p95Ms : null;
    }),
  }));
}

/** Depth per OODA queue per interval (null where a queue was not sampled), or [] without per-queue samples. */
export function queueColumns(
  points: readonly TimeSeriesPoint[],
): { queue: string; depth: (number | null)[] }[] {
  const queues: string[] = [];
  for (const p of points)
    for (const q of Object.keys(p.queueDepthByQueue ?? {})) if (!queues.includes(q)) queues.push(q);
  return queues.map((queue) => ({ queue, depth: points.map((p) => p.queueDepthByQueue?.[queue] ?? null) }));
}

/**
 * The x positions of a percentile plot, HdrHistogram style: x = 1 / (1 - q), so 0 % is at 1, 90 % at 10,
 * 99 % at 100, 99.9 % at 1000; on a log axis every "nine" gets the same width. `perDecade` points per
 * nine, up to `maxX` (default 99.999 %).
 */
export function percentileXs(maxX = 100_000, perDecade = 12): number[] {
  const out: number[] = [];
  const decades = Math.log10(maxX);
  for (let k = 0; k <= Math.round(decades * perDecade); k++) out.push(10 ** (k / perDecade));
  return out;
}

/** The percentile (0..100) at an x of the percentile plot. */
export function percentileAt(x: number): number {
  return 100 * (1 - 1 / x);
}

/**
 * How far right the percentile plot goes: the power of ten at or above the largest operation's sample
 * count (at least 99 %, at most 99.9999 %), since with n samples nothing past 1 - 1/n is resolved.
 */
export function percentileXMax(result: RunResult): number {
  const n = Math.max(result.total.latencyMs.count, ...result.operations.map((o) => o.latencyMs.count));
  return 10 ** Math.min(6, Math.max(2, Math.ceil(Math.log10(Math.max(1, n)))));
}

export interface PercentileCurve {
  op: string;
  /** Successful samples in the histogram. */
  samples: number;
  /** Latency in ms at each x; null past the samples' resolution (x > samples) or for an empty histogram. */
  valuesMs: (number | null)[];
  /** Why the curve is empty: no successful samples, or a histogram that could not be decoded. */
  na?: string;
}

export interface PercentileDistribution {
  x: number[];
  curves: PercentileCurve[];
}

/**
 * Latency by percentile for every operation and for all operations merged (first), from the encoded HDR
 * histograms. A curve stops where its samples run out: with n samples, percentiles above 1 - 1/n say
 * nothing more than the maximum.
 */
export function percentileDistribution(result: RunResult, xs = percentileXs()): PercentileDistribution {
  const ops: [string, OperationStats][] = [
    ['all operations', result.total],
    ...result.operations.map((o): [string, OperationStats] => [o.op, o]),
  ];
  const curves = ops.map(([name, o]): PercentileCurve => {
    let h;
    try {
      h = decodeHistogram(o.histogram);
    } catch (e) {
      return { op: name, samples: 0, valuesMs: xs.map(() => null), na: (e as Error).message };
    }
    const n = countOf(h);
    if (n === 0) return { op: name, samples: 0, valuesMs: xs.map(() => null), na: 'no successful operation' };
    return {
      op: name,
      samples: n,
      valuesMs: xs.map((x) => (x <= Math.max(n, 1) ? percentileMs(h, percentileAt(x)) : null)),
    };
  });
  return { x: xs, curves };
}
