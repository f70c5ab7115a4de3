import type {
  Measured,
  OperationStats,
  RunResult,
  TrialOperationStats,
  TrialResult,
} from '../model/result.ts';
import { errorCount } from './operation-stats.ts';
import { graphOperations } from './graph-ops.ts';

/**
 * One measured phase as result.json's `trials` keeps it, built the same way for `run --trials N` (each
 * trial's own result) and for compare reading a single run (the run itself is its one trial).
 */

export function errorRateOf(s: Pick<OperationStats, 'count' | 'errors'>): number {
  return s.count > 0 ? errorCount(s) / s.count : 0;
}

export function trialOperation(s: OperationStats): TrialOperationStats {
  return {
    op: s.op,
    count: s.count,
    errors: { ...s.errors },
    errorRate: errorRateOf(s),
    throughputPerSec: s.throughputPerSec,
    latencyMs: s.latencyMs,
    histogram: s.histogram,
  };
}

/** Max queue depth as the targets read it: the OODA driver's, else the probes'. */
export function maxQueueDepthOf(r: Pick<RunResult, 'ooda' | 'probes'>): Measured<number> {
  if (r.ooda && 'value' in r.ooda.maxQueueDepth) return r.ooda.maxQueueDepth;
  return r.probes.queueDepthMax;
}

/** The run `r` as trial number `trial`, `measuredSec` its measured window. */
export function trialOf(r: RunResult, trial: number, measuredSec: number): TrialResult {
  const t: TrialResult = {
    trial,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    measuredSec,
    // The graph side rides along as operations (graph-ops.ts), so compare gates it per trial too.
    operations: [...r.operations, ...graphOperations(r)].map(trialOperation),
    total: trialOperation(r.total),
    seekRatio: r.probes.seekRatio,
    seekSamples: r.probes.seekSamples,
    maxQueueDepth: maxQueueDepthOf(r),
    clientBottleneck: r.client.bottleneck,
  };
  if (r.interrupted) t.interrupted = true;
  return t;
}
