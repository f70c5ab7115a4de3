import { normal, uniform } from '../../../src/compare/stats/prng.ts';
import { createLatencyHistogram, recordMicros } from '../../../src/metrics/histogram.ts';
import type { OperationTotals } from '../../../src/metrics/interval.ts';
import { toOperationStats, totalOperationStats } from '../../../src/metrics/operation-stats.ts';
import type { RunResult } from '../../../src/model/result.ts';
import { mergeTrialRuns } from '../../../src/run/trials.ts';
import { makeResult } from '../../fixtures/result.ts';

/**
 * Synthetic runs for compare tests: log-normal latencies per operation, a per-trial factor for the
 * run-to-run noise, and a `scale` that plays a slower (or faster) build. Deterministic from `seed`.
 */
export interface SynthOptions {
  trials: number;
  seed: number;
  /** Latency multiplier of the whole run (1.5 = 50 % slower). */
  scale?: number;
  /** Samples per operation per trial. */
  samples?: number;
  /** Errors per operation per trial. */
  errors?: number;
  /** Sigma of the per-trial log factor: run-to-run noise. */
  trialNoise?: number;
  seekRatio?: number;
  queueDepth?: number;
}

const MEDIAN_US: Record<string, number> = { 'spatial.knn': 1_000, 'spatial.pool': 4_000 };
export const MEASURED_SEC = 10;

function trialRun(o: SynthOptions, t: number): RunResult {
  const rand = uniform(o.seed * 1000 + t);
  const factor = (o.scale ?? 1) * Math.exp((o.trialNoise ?? 0.02) * normal(rand));
  const totals = new Map<string, OperationTotals>();
  for (const [op, median] of Object.entries(MEDIAN_US)) {
    const h = createLatencyHistogram();
    const n = o.samples ?? 2000;
    for (let i = 0; i < n; i++) recordMicros(h, median * factor * Math.exp(0.4 * normal(rand)));
    const errors: Record<string, number> = o.errors ? { timeout: o.errors } : {};
    totals.set(op, {
      count: n + (o.errors ?? 0),
      errors,
      histogram: h,
      rowsOutput: n,
      rowsWithCandidates: 0,
    });
  }
  const r = makeResult();
  r.operations = [...totals].map(([op, tt]) => toOperationStats(op, tt, MEASURED_SEC));
  r.total = totalOperationStats(totals.values(), MEASURED_SEC);
  r.probes.seekRatio = { value: o.seekRatio ?? 1 };
  r.probes.seekSamples = 40;
  r.probes.queueDepthMax = { value: o.queueDepth ?? 2 };
  r.ooda!.maxQueueDepth = { value: o.queueDepth ?? 2 };
  r.runId = `synthetic-${o.seed}`;
  return r;
}

export function synthRun(o: SynthOptions): RunResult {
  const runs = Array.from({ length: o.trials }, (_, t) => ({
    result: trialRun(o, t),
    measuredSec: MEASURED_SEC,
  }));
  if (o.trials === 1) return runs[0]!.result;
  return mergeTrialRuns(runs, []);
}
