import { errorCount, TOTAL_OP } from '../metrics/operation-stats.ts';
import type {
  Measured,
  OperationStats,
  RunResult,
  TrialOperationStats,
  TrialResult,
} from '../model/result.ts';

/**
 * The trials of a result as compare reads them. A multi-trial run lists them in `trials`; a single run
 * (or a result written before trials existed) is one trial built from its top-level numbers.
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

/** Measured seconds of a run: recovered from throughput (successes / rate) when it was not stored. */
function measuredSecOf(r: RunResult): number {
  const s = r.total;
  const successes = s.count - errorCount(s);
  if (successes > 0 && s.throughputPerSec > 0) return successes / s.throughputPerSec;
  return r.load.durationSec;
}

export function trialsOf(r: RunResult): TrialResult[] {
  if (r.trials && r.trials.length > 0) return r.trials;
  return [
    {
      trial: 1,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      measuredSec: measuredSecOf(r),
      operations: r.operations.map(trialOperation),
      total: trialOperation(r.total),
      seekRatio: r.probes.seekRatio,
      seekSamples: r.probes.seekSamples,
      maxQueueDepth: maxQueueDepthOf(r),
      clientBottleneck: r.client.bottleneck,
      ...(r.interrupted ? { interrupted: true } : {}),
    },
  ];
}

/** The operation named `op` of a trial (`total` is the merged one). */
export function trialOp(t: TrialResult, op: string): TrialOperationStats | undefined {
  return op === TOTAL_OP ? t.total : t.operations.find((o) => o.op === op);
}

/** The merged (top-level) operation named `op`. */
export function resultOp(r: RunResult, op: string): OperationStats | undefined {
  return op === TOTAL_OP ? r.total : r.operations.find((o) => o.op === op);
}
