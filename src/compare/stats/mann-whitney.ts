import { normalQuantile, normalSf } from './normal.ts';

/**
 * The Mann-Whitney U (Wilcoxon rank-sum) test, with the Hodges-Lehmann shift estimate and its
 * distribution-free confidence interval (Moses): the test and the interval come from the same null
 * distribution, so "the interval excludes 0" and "the test rejects" agree.
 *
 * Why this for trials: per-trial percentiles are few (3-10), skewed, and an occasional trial is hit by a
 * noisy neighbour; a rank test assumes no distribution and one outlying trial moves it by one rank only.
 *
 * Exact below EXACT_MAX_N pooled values (the permutation distribution of the rank sum, ties included via
 * mid-ranks, counted by dynamic programming); above, the normal approximation with tie and continuity
 * corrections.
 */

export const EXACT_MAX_N = 60;

/** Exact p-values are ratios of counts (1/20 for 3 against 3): compare them to alpha with this slack. */
export const P_EPSILON = 1e-12;

export interface RankTest {
  /** U of y: pairs (x, y) with y > x, plus half the ties. */
  u: number;
  /** One-sided p-value for "y tends to be larger than x". */
  pGreater: number;
  /** One-sided p-value for "y tends to be smaller than x". */
  pLess: number;
  method: 'exact' | 'normal';
}

/** Mid-ranks (1-based) of `values`, doubled so they are integers. */
export function doubledMidRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const doubled = i + 1 + (j + 1); // (first rank + last rank), i.e. twice the mid-rank
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = doubled;
    i = j + 1;
  }
  return ranks;
}

/**
 * The null distribution of the sum of `m` of the given (doubled) ranks chosen at random: probabilities
 * indexed by the sum. Counts are doubles: C(60, 30) is about 1.2e17, far inside their range.
 */
export function rankSumDistribution(doubledRanks: readonly number[], m: number): number[] {
  const maxSum = doubledRanks.reduce((a, b) => a + b, 0);
  // ways[j][s]: subsets of size j of the ranks seen so far with sum s.
  const ways: Float64Array[] = Array.from({ length: m + 1 }, () => new Float64Array(maxSum + 1));
  ways[0]![0] = 1;
  let seen = 0;
  for (const r of doubledRanks) {
    seen += r;
    for (let j = Math.min(m, ways.length - 1); j >= 1; j--) {
      const to = ways[j]!;
      const from = ways[j - 1]!;
      for (let s = seen; s >= r; s--) if (from[s - r]! !== 0) to[s]! += from[s - r]!;
    }
  }
  const row = ways[m]!;
  let total = 0;
  for (const w of row) total += w;
  return Array.from(row, (w) => w / total);
}

/** Mann-Whitney U of y against x: exact when small, normal approximation when large. */
export function mannWhitney(x: readonly number[], y: readonly number[]): RankTest {
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) throw new Error('mannWhitney: both samples need at least one value');
  const ranks = doubledMidRanks([...x, ...y]);
  const sumY = ranks.slice(n).reduce((a, b) => a + b, 0); // doubled
  const u = sumY / 2 - (m * (m + 1)) / 2;
  if (n + m <= EXACT_MAX_N) {
    const dist = rankSumDistribution(ranks, m);
    let ge = 0;
    let le = 0;
    for (let s = 0; s < dist.length; s++) {
      if (s >= sumY) ge += dist[s]!;
      if (s <= sumY) le += dist[s]!;
    }
    return { u, pGreater: Math.min(1, ge), pLess: Math.min(1, le), method: 'exact' };
  }
  const N = n + m;
  const ties = tieTerm(ranks);
  const variance = ((n * m) / 12) * (N + 1 - ties / (N * (N - 1)));
  const mean = (n * m) / 2;
  if (variance <= 0) return { u, pGreater: 1, pLess: 1, method: 'normal' };
  const sd = Math.sqrt(variance);
  return {
    u,
    pGreater: Math.min(1, normalSf((u - mean - 0.5) / sd)),
    pLess: Math.min(1, normalSf((mean - u - 0.5) / sd)),
    method: 'normal',
  };
}

/** Sum of t^3 - t over groups of tied values (from doubled ranks: equal doubled rank = one tie group). */
function tieTerm(doubledRanks: readonly number[]): number {
  const groups = new Map<number, number>();
  for (const r of doubledRanks) groups.set(r, (groups.get(r) ?? 0) + 1);
  let t = 0;
  for (const c of groups.values()) t += c * c * c - c;
  return t;
}

/** P(U <= u) for every u = 0..n*m when there are no ties (the classic table). */
export function uCdfNoTies(n: number, m: number): number[] {
  const ranks = Array.from({ length: n + m }, (_, i) => 2 * (i + 1));
  const dist = rankSumDistribution(ranks, m); // indexed by doubled rank sum
  const offset = m * (m + 1); // doubled minimum rank sum
  const cdf: number[] = [];
  let acc = 0;
  for (let u = 0; u <= n * m; u++) {
    acc += dist[offset + 2 * u] ?? 0;
    cdf.push(Math.min(1, acc));
  }
  return cdf;
}

export interface ShiftEstimate {
  /** Median of all pairwise differences y_j - x_i. */
  estimate: number;
  lo: number;
  hi: number;
  /** The interval's attained two-sided confidence (discrete: it can only take a few values for small samples). */
  confidence: number;
}

/**
 * Hodges-Lehmann shift of y against x with the (1 - 2 alpha) Moses interval [D(k), D(nm + 1 - k)], where
 * k is the largest integer with P(U <= k - 1) <= alpha. When even k = 1 cannot reach that (3 trials
 * against 2, say) the interval is [min, max] of the differences and `confidence` says what it attains.
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[], alpha: number): ShiftEstimate {
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) throw new Error('hodgesLehmann: both samples need at least one value');
  const d: number[] = [];
  for (const xi of x) for (const yj of y) d.push(yj - xi);
  d.sort((a, b) => a - b);
  const nm = d.length;
  const mid = nm >> 1;
  const estimate = nm % 2 === 1 ? d[mid]! : (d[mid - 1]! + d[mid]!) / 2;
  let k: number;
  let tail: number;
  if (n + m <= EXACT_MAX_N) {
    const cdf = uCdfNoTies(n, m);
    k = 1;
    while (k < nm && (cdf[k] ?? 1) <= alpha + P_EPSILON) k++;
    tail = cdf[k - 1]!;
  } else {
    const sd = Math.sqrt((n * m * (n + m + 1)) / 12);
    k = Math.max(1, Math.floor((n * m) / 2 - normalQuantile(1 - alpha) * sd));
    tail = alpha;
  }
  k = Math.min(k, Math.ceil(nm / 2));
  return { estimate, lo: d[k - 1]!, hi: d[nm - k]!, confidence: Math.max(0, 1 - 2 * tail) };
}
