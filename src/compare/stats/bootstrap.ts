import { countOf, decodeHistogram, percentileMs, type HdrHistogram } from '../../metrics/histogram.ts';
import { beta } from './prng.ts';

/**
 * Bootstrap of a latency percentile from an HDR histogram, for runs with too few trials for a rank test.
 *
 * A bootstrap resample draws n latencies with replacement from the recorded ones and takes its
 * percentile. Drawing n values per resample would cost O(n) each; instead we use the fact that the k-th
 * smallest of n draws from a distribution F is F^-1(U) with U ~ Beta(k, n - k + 1). With F the
 * histogram's empirical distribution this is the same bootstrap distribution, exactly, at O(1) per
 * resample: one Beta draw and one rank lookup in the histogram.
 *
 * What it does not see: run-to-run variation (a different page-cache state, a noisy neighbour). Its
 * interval describes sampling noise within one run, so it is narrower than the noise between runs;
 * the gate's minimum effect is what keeps same-build runs from failing (docs/noise-floor.md).
 */

/** A latency distribution that answers "the k-th smallest of n" in ms. */
export interface RankSource {
  count: number;
  valueAtRank(k: number): number;
}

/** A RankSource over an HDR histogram; rank lookups are cached (resamples concentrate on few ranks). */
export function histogramSource(h: HdrHistogram | string): RankSource {
  const hist = typeof h === 'string' ? decodeHistogram(h) : h;
  const n = countOf(hist);
  const cache = new Map<number, number>();
  return {
    count: n,
    valueAtRank(k: number): number {
      const rank = Math.min(n, Math.max(1, k));
      let v = cache.get(rank);
      if (v === undefined) {
        // HDR returns the value at count ceil(p/100 * n): aim half a rank low so rounding lands on `rank`.
        v = percentileMs(hist, (100 * (rank - 0.5)) / n);
        cache.set(rank, v);
      }
      return v;
    },
  };
}

/** The rank HDR reports for a percentile (0..100) of n samples, so point estimates match summaries. */
export function rankOfPercentile(percentile: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil((percentile / 100) * n - 1e-9)));
}

/** One bootstrap replicate of the percentile: the rank-k order statistic of a size-n resample. */
export function resamplePercentile(src: RankSource, percentile: number, rand: () => number): number {
  const n = src.count;
  const k = rankOfPercentile(percentile, n);
  const u = beta(k, n - k + 1, rand);
  return src.valueAtRank(Math.ceil(u * n));
}

/**
 * Replicates of ln(candidate percentile / baseline percentile): resampled independently on each side.
 * Both sources must hold samples (the caller reports n/a otherwise).
 */
export function bootstrapLogRatio(
  base: RankSource,
  cand: RankSource,
  percentile: number,
  resamples: number,
  rand: () => number,
): number[] {
  const out = new Array<number>(resamples);
  for (let i = 0; i < resamples; i++) {
    const b = resamplePercentile(base, percentile, rand);
    const c = resamplePercentile(cand, percentile, rand);
    out[i] = Math.log(c / b);
  }
  return out.sort((a, b) => a - b);
}

/** The q-quantile (0..1) of sorted values, linear between order statistics. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Percentile interval at (alpha, 1 - alpha) and one-sided bootstrap p-values: pUp is the evidence that the
 * change is above 0, (1 + #replicates <= 0) / (B + 1); pDown the mirror image.
 */
export function summarizeReplicates(
  sorted: readonly number[],
  alpha: number,
): { lo: number; hi: number; pUp: number; pDown: number } {
  let le = 0;
  let ge = 0;
  for (const r of sorted) {
    if (r <= 0) le++;
    if (r >= 0) ge++;
  }
  const b = sorted.length;
  return {
    lo: quantileSorted(sorted, alpha),
    hi: quantileSorted(sorted, 1 - alpha),
    pUp: (1 + le) / (b + 1),
    pDown: (1 + ge) / (b + 1),
  };
}
