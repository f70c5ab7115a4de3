import type { RunResult, TrialResult } from '../model/result.ts';
import type { GateMetric } from '../scenario/gate-metrics.ts';
import { maxQueueDepthOf, resultOp, trialOp } from './trial-view.ts';

/**
 * Read one metric of one operation, per trial or merged, in the metric's unit. `{ na }` carries the
 * reason a value is missing (never a 0 that would compare as a fast or perfect result).
 */

export type Value = { value: number } | { na: string };

const PERCENTILES = { p50: 50, p95: 95, p99: 99 } as const;
export type PercentileMetric = keyof typeof PERCENTILES;

export function isPercentile(m: GateMetric): m is PercentileMetric {
  return m in PERCENTILES;
}

export function percentileOf(m: PercentileMetric): number {
  return PERCENTILES[m];
}

interface OpLike {
  count: number;
  latencyMs: { count: number; p50: number; p95: number; p99: number };
  throughputPerSec: number;
  errorRate?: number;
  errors: Record<string, number>;
}

function opValue(o: OpLike | undefined, op: string, metric: GateMetric): Value {
  if (!o) return { na: `operation "${op}" did not run` };
  if (isPercentile(metric)) {
    if (o.latencyMs.count === 0) return { na: `no successful ${op} was measured` };
    return { value: o.latencyMs[metric] };
  }
  if (metric === 'throughput') return { value: o.throughputPerSec };
  if (metric === 'errorRate') {
    if (o.count === 0) return { na: `no ${op} completed` };
    let errors = 0;
    for (const n of Object.values(o.errors)) errors += n;
    return { value: o.errorRate ?? errors / o.count };
  }
  return { na: `${metric} is not an operation metric` };
}

export function trialValue(t: TrialResult, op: string, metric: GateMetric): Value {
  if (metric === 'seekRatio')
    return 'value' in t.seekRatio ? { value: t.seekRatio.value } : { na: t.seekRatio.na };
  if (metric === 'maxQueueDepth')
    return 'value' in t.maxQueueDepth ? { value: t.maxQueueDepth.value } : { na: t.maxQueueDepth.na };
  return opValue(trialOp(t, op), op, metric);
}

export function mergedValue(r: RunResult, op: string, metric: GateMetric): Value {
  if (metric === 'seekRatio')
    return 'value' in r.probes.seekRatio
      ? { value: r.probes.seekRatio.value }
      : { na: r.probes.seekRatio.na };
  if (metric === 'maxQueueDepth') {
    const d = maxQueueDepthOf(r);
    return 'value' in d ? { value: d.value } : { na: d.na };
  }
  return opValue(resultOp(r, op), op, metric);
}

/** Per-trial values, or the first reason one is missing. */
export function trialValues(
  trials: readonly TrialResult[],
  op: string,
  metric: GateMetric,
): number[] | { na: string } {
  const out: number[] = [];
  for (const t of trials) {
    const v = trialValue(t, op, metric);
    if ('na' in v) return { na: trials.length > 1 ? `trial ${t.trial}: ${v.na}` : v.na };
    out.push(v.value);
  }
  return out;
}

/** Successes and measured seconds over all trials (the Poisson counts behind throughput). */
export function successesAndSeconds(
  trials: readonly TrialResult[],
  op: string,
): { successes: number; sec: number } {
  let successes = 0;
  let sec = 0;
  for (const t of trials) {
    const o = trialOp(t, op);
    sec += t.measuredSec;
    if (!o) continue;
    let errors = 0;
    for (const n of Object.values(o.errors)) errors += n;
    successes += o.count - errors;
  }
  return { successes, sec };
}

/** Errors and completed attempts over all trials. */
export function errorsAndAttempts(
  trials: readonly TrialResult[],
  op: string,
): { errors: number; attempts: number } {
  let errors = 0;
  let attempts = 0;
  for (const t of trials) {
    const o = trialOp(t, op);
    if (!o) continue;
    attempts += o.count;
    for (const n of Object.values(o.errors)) errors += n;
  }
  return { errors, attempts };
}

/** Sampled plans that used the spatial index, and samples, over all trials. */
export function seeksAndSamples(trials: readonly TrialResult[]): { used: number; samples: number } {
  let used = 0;
  let samples = 0;
  for (const t of trials) {
    if (!('value' in t.seekRatio)) continue;
    used += Math.round(t.seekRatio.value * t.seekSamples);
    samples += t.seekSamples;
  }
  return { used, samples };
}
