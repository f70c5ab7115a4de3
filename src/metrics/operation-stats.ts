import type { OperationStats } from '../model/result.ts';
import { countOf, encodeHistogram, mergeInto, summarize, createLatencyHistogram } from './histogram.ts';
import type { OperationTotals } from './interval.ts';

/**
 * Turn measured totals (interval.ts) into the OperationStats of result.json, and build the `total` entry
 * by merging every operation losslessly, so "all operations" percentiles are true percentiles, not an
 * average of percentiles.
 */

/** The op name of RunResult.total. */
export const TOTAL_OP = 'total';

export function toOperationStats(op: string, t: OperationTotals, measuredSec: number): OperationStats {
  const stats: OperationStats = {
    op,
    count: t.count,
    errors: { ...t.errors },
    // Successful operations per second: an error storm must not look like high throughput.
    throughputPerSec: measuredSec > 0 ? countOf(t.histogram) / measuredSec : 0,
    latencyMs: summarize(t.histogram),
    histogram: encodeHistogram(t.histogram),
    rowsOutput: t.rowsOutput,
  };
  if (t.candidateRows !== undefined) {
    stats.candidateRows = t.candidateRows;
    // Efficiency only over the operations that reported candidates, and never a division by zero.
    if (t.candidateRows > 0) stats.primaryFilterEfficiency = t.rowsWithCandidates / t.candidateRows;
  }
  return stats;
}

/** All operations merged into one OperationStats named `total`. */
export function totalOperationStats(all: Iterable<OperationTotals>, measuredSec: number): OperationStats {
  const merged: OperationTotals = {
    count: 0,
    errors: {},
    histogram: createLatencyHistogram(),
    rowsOutput: 0,
    rowsWithCandidates: 0,
  };
  for (const t of all) {
    merged.count += t.count;
    for (const [k, n] of Object.entries(t.errors)) merged.errors[k] = (merged.errors[k] ?? 0) + n;
    mergeInto(merged.histogram, t.histogram);
    merged.rowsOutput += t.rowsOutput;
    merged.rowsWithCandidates += t.rowsWithCandidates;
    if (t.candidateRows !== undefined) merged.candidateRows = (merged.candidateRows ?? 0) + t.candidateRows;
  }
  return toOperationStats(TOTAL_OP, merged, measuredSec);
}

/** Total errors of one OperationStats over all classes. */
export function errorCount(stats: Pick<OperationStats, 'errors'>): number {
  let n = 0;
  for (const v of Object.values(stats.errors)) n += v;
  return n;
}
