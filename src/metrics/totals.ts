import { createLatencyHistogram, mergeInto, resetHistogram, type HdrHistogram } from './histogram.ts';

/**
 * What the interval recorder (interval.ts) counts per operation, and the arithmetic on it: a fresh
 * total, one folded into another, one reset for the next interval. interval.ts re-exports the types.
 */

/** Rows and primary-filter candidates reported with one successful operation. */
export interface RowDetail {
  rows?: number;
  candidates?: number;
}

/** Everything measured (warm-up excluded) for one operation. */
export interface OperationTotals {
  /** Completed attempts: successes + failures. */
  count: number;
  /** Failures by error class. */
  errors: Record<string, number>;
  /** Latency of the successful operations, integer microseconds. */
  histogram: HdrHistogram;
  rowsOutput: number;
  /** Rows output by the operations that also reported candidates (numerator of the filter efficiency). */
  rowsWithCandidates: number;
  /** Sum of candidates; undefined when the engine never reported any. */
  candidateRows?: number;
}

export interface MeasuredTotals {
  operations: Map<string, OperationTotals>;
  /** Seconds covered by the measured (non-warm-up) intervals: the denominator of throughput. */
  measuredSec: number;
  /** Open loop: schedule lag of measured arrivals, microseconds. */
  scheduleLag: HdrHistogram;
  dropped: number;
  /** Requests still running when the graceful stop ran out, cancelled (never a latency). */
  cancelled: number;
  /** Queue depth samples taken in measured intervals. */
  queueDepth: HdrHistogram;
}

export function newTotals(): OperationTotals {
  return { count: 0, errors: {}, histogram: createLatencyHistogram(), rowsOutput: 0, rowsWithCandidates: 0 };
}

export function addErrors(target: Record<string, number>, source: Record<string, number>): void {
  for (const [k, n] of Object.entries(source)) target[k] = (target[k] ?? 0) + n;
}

/** Fold one interval's operation counters into a running total. */
export function foldTotals(target: OperationTotals, source: OperationTotals): void {
  target.count += source.count;
  addErrors(target.errors, source.errors);
  mergeInto(target.histogram, source.histogram);
  target.rowsOutput += source.rowsOutput;
  target.rowsWithCandidates += source.rowsWithCandidates;
  if (source.candidateRows !== undefined)
    target.candidateRows = (target.candidateRows ?? 0) + source.candidateRows;
}

export function resetTotals(t: OperationTotals): void {
  t.count = 0;
  t.errors = {};
  resetHistogram(t.histogram);
  t.rowsOutput = 0;
  t.rowsWithCandidates = 0;
  delete t.candidateRows;
}
