import { errorCount, TOTAL_OP } from '../metrics/operation-stats.ts';
import { maxQueueDepthOf, trialOf } from '../metrics/trial.ts';
import { graphOperations } from '../metrics/graph-ops.ts';
import type { RunResult, TrialOperationStats, TrialResult } from '../model/result.ts';
import type { GateMetric } from '../scenario/gate-metrics.ts';

/**
 * The gate's one pass over a result: each run is viewed once (its trials), and each metric of each
 * operation is read once into a MetricData holding everything a judging method needs — the merged value,
 * the per-trial values, and the counts behind the few-trial methods. judge.ts then decides from two
 * MetricData alone. `{ na }` carries the reason a value is missing (never a 0 that would compare as a
 * fast or perfect result).
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

/** A run as compare reads it: its trials, built once (a single run is one trial). */
export interface RunView {
  result: RunResult;
  trials: TrialResult[];
}

/** Measured seconds of a run: recovered from throughput (successes / rate) when it was not stored. */
function measuredSecOf(r: RunResult): number {
  const s = r.total;
  const successes = s.count - errorCount(s);
  if (successes > 0 && s.throughputPerSec > 0) return successes / s.throughputPerSec;
  return r.load.durationSec;
}

export function viewOf(r: RunResult): RunView {
  const trials = r.trials && r.trials.length > 0 ? r.trials : [trialOf(r, 1, measuredSecOf(r))];
  return { result: r, trials };
}

export interface MetricData {
  /** All trials merged, in the metric's unit (what the table shows). */
  merged: Value;
  /** One value per trial, or the first reason one is missing. */
  perTrial: number[] | { na: string };
  trials: number;
  /** Percentiles: the merged HDR histogram (encoded), if the operation ran. */
  histogram?: string;
  /** Percentiles: successful samples in the smallest trial; undefined when a trial lacks the operation. */
  leastTrialSamples?: number;
  /** Counts over all trials behind the few-trial methods: throughput (successes, seconds), error rate
   *  (errors, attempts), seek ratio (plans that used the index, samples). */
  counts?: { hits: number; total: number };
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
    return { value: o.errorRate ?? errorCount(o) / o.count };
  }
  return { na: `${metric} is not an operation metric` };
}

const trialOp = (t: TrialResult, op: string): TrialOperationStats | undefined =>
  op === TOTAL_OP ? t.total : t.operations.find((o) => o.op === op);

function trialValue(t: TrialResult, op: string, metric: GateMetric): Value {
  if (metric === 'seekRatio') return 'value' in t.seekRatio ? { value: t.seekRatio.value } : t.seekRatio;
  if (metric === 'maxQueueDepth')
    return 'value' in t.maxQueueDepth ? { value: t.maxQueueDepth.value } : t.maxQueueDepth;
  return opValue(trialOp(t, op), op, metric);
}

/** An operation of the run, the graph side's included (metrics/graph-ops.ts). */
function findOp(r: RunResult, op: string) {
  if (op === TOTAL_OP) return r.total;
  return r.operations.find((x) => x.op === op) ?? graphOperations(r).find((x) => x.op === op);
}

function mergedValue(r: RunResult, op: string, metric: GateMetric): Value {
  if (metric === 'seekRatio')
    return 'value' in r.probes.seekRatio ? { value: r.probes.seekRatio.value } : r.probes.seekRatio;
  if (metric === 'maxQueueDepth') {
    const d = maxQueueDepthOf(r);
    return 'value' in d ? { value: d.value } : d;
  }
  return opValue(findOp(r, op), op, metric);
}

function countsOf(trials: readonly TrialResult[], op: string, metric: GateMetric) {
  let hits = 0;
  let total = 0;
  for (const t of trials) {
    if (metric === 'seekRatio') {
      if (!('value' in t.seekRatio)) continue;
      hits += Math.round(t.seekRatio.value * t.seekSamples);
      total += t.seekSamples;
      continue;
    }
    const o = trialOp(t, op);
    if (metric === 'throughput') total += t.measuredSec;
    if (!o) continue;
    if (metric === 'throughput') hits += o.count - errorCount(o);
    else {
      hits += errorCount(o);
      total += o.count;
    }
  }
  return { hits, total };
}

/** One metric of one operation of a run, read once. */
export function extractMetric(v: RunView, op: string, metric: GateMetric): MetricData {
  const perTrial: number[] = [];
  let missing: { na: string } | undefined;
  for (const t of v.trials) {
    const x = trialValue(t, op, metric);
    if ('na' in x) {
      missing ??= { na: v.trials.length > 1 ? `trial ${t.trial}: ${x.na}` : x.na };
    } else perTrial.push(x.value);
  }
  const data: MetricData = {
    merged: mergedValue(v.result, op, metric),
    perTrial: missing ?? perTrial,
    trials: v.trials.length,
  };
  if (isPercentile(metric)) {
    const merged = findOp(v.result, op);
    if (merged) data.histogram = merged.histogram;
    const ops = v.trials.map((t) => trialOp(t, op));
    if (ops.every((o) => o !== undefined))
      data.leastTrialSamples = Math.min(...ops.map((o) => o!.latencyMs.count));
  } else if (metric !== 'maxQueueDepth') data.counts = countsOf(v.trials, op, metric);
  return data;
}
