import { bootstrapLogRatio, histogramSource, summarizeReplicates } from './stats/bootstrap.ts';
import type { GateSettings } from '../scenario/gate.ts';
import { poissonLogRateRatio, proportionDifference, type Interval } from './stats/intervals.ts';
import { hodgesLehmann, mannWhitney, P_EPSILON } from './stats/mann-whitney.ts';
import type { MetricDef } from '../scenario/gate-metrics.ts';
import type { ChangeVerdict, CompareMethod } from './model.ts';
import { streamSeed, uniform } from './stats/prng.ts';
import { isPercentile, percentileOf, type MetricData } from './extract.ts';

/**
 * The evidence for one metric of one operation, and the verdict it supports.
 *
 * With at least `minTrialsForRankTest` trials on both sides: the per-trial values, Mann-Whitney U for
 * significance and the Hodges-Lehmann shift (on log values for relative metrics) for the effect and its
 * interval. Trials capture what varies between runs (cache state, neighbours, GC), so this is the method
 * the gate trusts. With fewer: the merged run's own sampling noise (bootstrap of the HDR histogram,
 * Poisson counts, Newcombe's interval for proportions), which is narrower than the run-to-run noise; the
 * minimum effect carries more of the weight there.
 */

export interface Evidence {
  method: CompareMethod;
  /** On the metric's change scale (fraction for relative, difference for absolute). */
  change: number;
  interval: [number, number] | null;
  confidence: number | null;
  /** One-sided p-values: change above 0, change below 0. Null for the threshold method. */
  pUp: number | null;
  pDown: number | null;
  values?: { baseline: number[]; candidate: number[] };
  note?: string;
}

/** One metric of one operation, as read once from each side (extract.ts). */
export interface JudgeInput {
  def: MetricDef;
  op: string;
  base: MetricData;
  cand: MetricData;
  settings: GateSettings;
}

const toRelative = (logRatio: number): number => Math.expm1(logRatio);

function fromInterval(
  method: CompareMethod,
  i: Interval,
  relative: boolean,
  confidence: number,
  note?: string,
): Evidence {
  const t = relative ? toRelative : (x: number) => x;
  return {
    method,
    change: t(i.estimate),
    interval: [t(i.lo), t(i.hi)],
    confidence,
    pUp: i.pUp,
    pDown: i.pDown,
    note,
  };
}

function rankEvidence(def: MetricDef, x: number[], y: number[], alpha: number): Evidence | { na: string } {
  const relative = def.scale === 'relative';
  if (relative && [...x, ...y].some((v) => !(v > 0)))
    return { na: 'a trial measured 0, so there is no relative change (see the error rate)' };
  const test = mannWhitney(x, y); // ranks are the same on log values: the p-values need no transform
  const tx = relative ? x.map(Math.log) : x;
  const ty = relative ? y.map(Math.log) : y;
  const hl = hodgesLehmann(tx, ty, alpha);
  const t = relative ? toRelative : (v: number) => v;
  return {
    method: 'mann-whitney',
    change: t(hl.estimate),
    interval: [t(hl.lo), t(hl.hi)],
    confidence: hl.confidence,
    pUp: test.pGreater,
    pDown: test.pLess,
    values: { baseline: x, candidate: y },
    note: test.method === 'normal' ? 'normal approximation (many trials)' : undefined,
  };
}

function fewTrialsEvidence(i: JudgeInput): Evidence | { na: string } {
  const { def, op, settings, base: b, cand: c } = i;
  const alpha = settings.alpha;
  const confidence = 1 - 2 * alpha;
  const metric = def.metric;
  if (isPercentile(metric)) {
    if (b.histogram === undefined || c.histogram === undefined)
      return { na: `operation "${op}" is missing on one side` };
    const bs = histogramSource(b.histogram);
    const cs = histogramSource(c.histogram);
    if (bs.count === 0 || cs.count === 0 || !('value' in b.merged) || !('value' in c.merged))
      return { na: `no successful ${op} was measured on one side` };
    const rand = uniform(streamSeed(settings.seed, `${op}.${metric}`));
    const reps = bootstrapLogRatio(bs, cs, percentileOf(metric), settings.bootstrapResamples, rand);
    const s = summarizeReplicates(reps, alpha);
    // The point estimate is the observed ratio of the merged percentiles (what the table shows).
    const est = Math.log(c.merged.value / b.merged.value);
    return fromInterval('bootstrap-hdr', { estimate: est, ...s }, true, confidence);
  }
  if (metric === 'maxQueueDepth') {
    // One maximum per run, nothing to resample.
    if ('na' in b.merged) return { na: b.merged.na };
    if ('na' in c.merged) return { na: c.merged.na };
    return {
      method: 'threshold',
      change: c.merged.value - b.merged.value,
      interval: null,
      confidence: null,
      pUp: null,
      pDown: null,
      note: 'one value per run: judged on the minimum effect alone (run trials for a test)',
    };
  }
  const bc = b.counts ?? { hits: 0, total: 0 };
  const cc = c.counts ?? { hits: 0, total: 0 };
  if (metric === 'throughput') {
    const r = poissonLogRateRatio(bc.hits, bc.total, cc.hits, cc.total, alpha);
    return r ? fromInterval('poisson', r, true, confidence) : { na: `no successful ${op} on one side` };
  }
  const r = proportionDifference(bc.hits, bc.total, cc.hits, cc.total, alpha);
  if (metric === 'errorRate')
    return r ? fromInterval('newcombe', r, false, confidence) : { na: `no ${op} completed on one side` };
  return r ? fromInterval('newcombe', r, false, confidence) : { na: 'no plan was sampled on one side' };
}

/**
 * Samples a trial needs before its percentile is stable enough to gate: `minTailSamples` beyond the
 * percentile (10 gives p50: 20, p95: 200, p99: 1000). Below that a p99 is little more than the trial's
 * maximum, and two runs of one build disagree by more than any budget (docs/noise-floor.md).
 */
export function samplesNeeded(percentile: number, minTailSamples: number): number {
  // The tolerance absorbs float error (100 - 99.9 is not 0.1), which would otherwise add a sample.
  return Math.ceil((minTailSamples * 100) / (100 - percentile) - 1e-6);
}

function tooFewSamples(i: JudgeInput): string | undefined {
  const metric = i.def.metric;
  if (!isPercentile(metric)) return undefined;
  const need = samplesNeeded(percentileOf(metric), i.settings.minTailSamples);
  const b = i.base.leastTrialSamples;
  const c = i.cand.leastTrialSamples;
  if (b === undefined || c === undefined) return undefined; // reported as an operation that did not run
  const least = Math.min(b, c);
  if (least >= need) return undefined;
  return (
    `too few samples for a stable ${metric}: ${least} in the smallest trial, ${need} needed ` +
    `(${i.settings.minTailSamples} beyond the percentile); measure longer or at a higher rate`
  );
}

export function gatherEvidence(i: JudgeInput): Evidence | { na: string } {
  const few = tooFewSamples(i);
  if (few) return { na: few };
  const x = i.base.perTrial;
  const y = i.cand.perTrial;
  if ('na' in x) return { na: `baseline: ${x.na}` };
  if ('na' in y) return { na: `candidate: ${y.na}` };
  const k = i.settings.minTrialsForRankTest;
  if (x.length >= k && y.length >= k) return rankEvidence(i.def, x, y, i.settings.alpha);
  return fewTrialsEvidence(i);
}

export interface Decision {
  /** One-sided p <= alpha against "no change", in the direction of the estimate. */
  significant: boolean;
  /** The whole interval lies beyond the minimum effect (the estimate alone for the threshold method). */
  beyondMinEffect: boolean;
  verdict: ChangeVerdict;
  /** One-sided p in the direction of the estimate. */
  pValue: number | null;
}

/**
 * Regressed when the change is significant AND its interval lies entirely beyond the minimum effect in the
 * worse direction: a one-sided test, at alpha, of "it got worse by more than the budget" rather than of
 * "it changed at all". A shift smaller than the budget (machine drift, a noisy neighbour) then fails
 * the gate at most alpha of the time, however many trials there are; a noisy metric needs a larger shift
 * to fail than a steady one. Improved symmetrically; otherwise no change. The threshold method has no
 * test and no interval: its estimate beyond the minimum effect decides alone.
 */
export function decide(def: MetricDef, e: Evidence, minEffect: number, alpha: number): Decision {
  const up = e.change > 0;
  const pValue = e.change === 0 ? Math.max(e.pUp ?? 1, e.pDown ?? 1) : up ? e.pUp : e.pDown;
  const testable = e.pUp !== null && e.pDown !== null;
  const significant = testable && e.change !== 0 && pValue !== null && pValue <= alpha + P_EPSILON;
  const [lo, hi] = e.interval ?? [e.change, e.change];
  // How much worse (better) the change is at least, on the metric's scale.
  const worseAtLeast = def.worse === 'higher' ? lo : -hi;
  const betterAtLeast = def.worse === 'higher' ? -hi : lo;
  const evidence = significant || !testable;
  const regressed = evidence && worseAtLeast > minEffect + 1e-12;
  const improved = evidence && betterAtLeast > minEffect + 1e-12;
  const verdict: ChangeVerdict = regressed ? 'regressed' : improved ? 'improved' : 'no change';
  const beyondMinEffect = Math.max(worseAtLeast, betterAtLeast) > minEffect + 1e-12;
  return { significant, beyondMinEffect, verdict, pValue: testable ? pValue : null };
}
