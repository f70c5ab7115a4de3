import type { EffectScale, GateMetric, MetricDef } from '../scenario/gate-metrics.ts';

/**
 * compare.json, schema id `atombench/compare@1`: a plain JSON object that every compare reporter (and
 * the HTML report) renders from alone. No timestamps of its own, so the same two results always give the
 * same bytes.
 */
export const COMPARE_SCHEMA = 'atombench/compare@1';

export type ChangeVerdict = 'improved' | 'no change' | 'regressed' | 'n/a';

/**
 * How a metric was judged:
 * - mann-whitney: per-trial values, exact Mann-Whitney U + Hodges-Lehmann shift and interval;
 * - bootstrap-hdr: percentile bootstrap from the (merged) HDR histograms;
 * - poisson: throughput as a ratio of Poisson counts;
 * - newcombe: a difference of proportions (error rate, seek ratio);
 * - threshold: one value per run and nothing to test it with: judged on the minimum effect alone.
 */
export type CompareMethod = 'mann-whitney' | 'bootstrap-hdr' | 'poisson' | 'newcombe' | 'threshold';

export interface MetricComparison {
  /** Operation name, or `total` (all operations merged; run-wide metrics live here too). */
  op: string;
  metric: GateMetric;
  unit: MetricDef['unit'];
  /** Which way is a regression. */
  worse: MetricDef['worse'];
  scale: EffectScale;
  /** All trials merged, in `unit`; null when not measured. */
  baseline: number | null;
  candidate: number | null;
  /**
   * The estimated change: a fraction for relative metrics (0.12 = +12 %), a difference in `unit` for
   * absolute ones (0.01 = +1 pp of a ratio, 3 = three more messages). Null when n/a.
   */
  change: number | null;
  /** Interval of the change, same scale, at `confidence`; null when the method gives none. */
  interval: [number, number] | null;
  /** Two-sided confidence the interval attains (0.9 by default; exact rank intervals can only take a few values). */
  confidence: number | null;
  /** One-sided p-value in the direction of the estimated change; null for the threshold method. */
  pValue: number | null;
  method: CompareMethod | null;
  /** Trials used per side. */
  trials: { baseline: number; candidate: number };
  /** Per-trial values behind a mann-whitney judgement, in `unit`. */
  values?: { baseline: number[]; candidate: number[] };
  /** Smallest change that counts, on the change scale, and as written (`10%`). */
  minEffect: number;
  minEffectText: string;
  /** One-sided p <= alpha against "no change". */
  significant: boolean;
  /** The whole interval lies beyond the minimum effect (for the threshold method: the estimate). */
  beyondMinEffect: boolean;
  /** regressed / improved: significant AND beyondMinEffect in that direction; else no change (or n/a). */
  verdict: ChangeVerdict;
  /** False when listed in the gate's ignoreMetrics: reported, never fails the gate. */
  gated: boolean;
  /** Why n/a, or a note on the method. */
  note?: string;
}

/** A field that differs between the two runs' fingerprints (or makes a run unfit to gate). */
export interface FingerprintDifference {
  field: string;
  baseline: string;
  candidate: string;
}

export interface RunRef {
  /** What the user named: a path or a baseline name. */
  label: string;
  runId: string;
  startedAt: string;
  trials: number;
  scenario: string;
  engine: string;
}

export interface CompareResult {
  schema: typeof COMPARE_SCHEMA;
  baseline: RunRef;
  candidate: RunRef;
  settings: {
    alpha: number;
    /** Two-sided level of the intervals: 1 - 2 alpha. */
    confidence: number;
    bootstrapResamples: number;
    seed: number;
    minTrialsForRankTest: number;
    /** Samples each trial needs beyond a percentile for it to be judged (p95: 10 / 0.05 = 200). */
    minTailSamples: number;
    minEffect: Record<string, string>;
    ignoreMetrics: string[];
  };
  /** Fingerprint fields that differ but were ignored on request (none may remain unignored). */
  ignoredDifferences: FingerprintDifference[];
  warnings: string[];
  comparisons: MetricComparison[];
  counts: { regressed: number; improved: number; unchanged: number; na: number; gated: number };
  /** fail when any gated metric regressed. */
  verdict: 'pass' | 'fail';
}
