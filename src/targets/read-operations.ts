import { decodeHistogram, mergeInto, createLatencyHistogram, summarize } from '../metrics/histogram.ts';
import type { OperationStats } from '../model/result.ts';
import { isSpatialOperation } from '../model/operations.ts';
import type { TargetExpression } from './grammar.ts';
import { everyAttemptFailed, latencyReading, na, type MeasuredResult, type Reading } from './reading.ts';

/** How the client side's metrics are read: operations' latency, throughput, primary filter, drops. */

export function findOp(result: MeasuredResult, op: string): OperationStats | undefined {
  return result.operations.find((o) => o.op === op);
}

export const notInWorkload = (op: string): Reading =>
  na(`operation "${op}" is not in this scenario's workload`);

/** All spatial operations (model/operations.ts) merged from their encoded histograms: true percentiles of the union. */
export function readSpatialLatency(result: MeasuredResult, expr: TargetExpression): Reading {
  const ops = result.operations.filter((o) => isSpatialOperation(o.op));
  if (ops.length === 0) return na("no spatial.* operation is in this scenario's workload");
  const failed = everyAttemptFailed(ops, 'spatial.* operation');
  if (failed) return failed;
  const merged = createLatencyHistogram();
  for (const o of ops) {
    if (o.latencyMs.count === 0) continue;
    try {
      mergeInto(merged, decodeHistogram(o.histogram));
    } catch (err) {
      return na(
        `the latency histogram of ${o.op} is unreadable (${err instanceof Error ? err.message : String(err)})`,
      );
    }
  }
  const r = latencyReading(summarize(merged), 'spatial.* operation', expr);
  return 'value' in r ? { value: r.value, note: `merged: ${ops.map((o) => o.op).join(', ')}` } : r;
}

export function readThroughput(
  stats: OperationStats | undefined,
  what: string,
  expr: TargetExpression,
): Reading {
  if (!stats) return na(`${what} is not in this scenario's workload`);
  if (stats.count === 0) return na(`no ${what} operation completed in the measured window`);
  return { value: expr.aggregate === 'count' ? stats.count : stats.throughputPerSec };
}

/** latency.<op>: that operation's latency, or failed when every attempt failed. */
export function readOpLatency(r: MeasuredResult, op: string, e: TargetExpression): Reading {
  const s = findOp(r, op);
  if (!s) return notInWorkload(op);
  return everyAttemptFailed([s], `${op} operation`) ?? latencyReading(s.latencyMs, `${op} operation`, e);
}

/** primaryFilter.<op>: rows output / index candidate rows, as the engine reported them. */
export function readPrimaryFilter(r: MeasuredResult, op: string): Reading {
  const s = findOp(r, op);
  if (!s) return notInWorkload(op);
  if (s.count === 0) return na(`no ${op} operation completed in the measured window`);
  if (s.primaryFilterEfficiency === undefined)
    return na(`the ${r.engine.engine} engine did not report index candidate rows for ${op}`);
  // Sampled efficiency (from probes) is an estimate: say so beside the verdict.
  return s.primaryFilterSource === 'sampled'
    ? { value: s.primaryFilterEfficiency, note: 'from sampled queries' }
    : { value: s.primaryFilterEfficiency };
}

/** Open loop: arrivals dropped because maxInFlight was busy / arrivals due in the measured window. */
export function readDropRatio(result: MeasuredResult): Reading {
  const l = result.load;
  if (l.model !== 'open') return na('a closed loop never drops: each worker waits for its answer');
  if (l.dropRatio === undefined) return na('no arrival was due in the measured window');
  if (!l.dropped) return { value: l.dropRatio };
  // Who limited the load (run/result.ts): the server when its latency alone explains the drops.
  const who =
    (result.client.limitedBy ?? (result.client.bottleneck ? 'client' : 'server')) === 'client'
      ? 'the client'
      : 'the server';
  return {
    value: l.dropRatio,
    note:
      `${who} could not keep up: ${(100 * l.dropRatio).toFixed(1)}% of arrivals dropped ` +
      `(${l.dropped} with load.maxInFlight busy; achieved ${(l.achievedRatePerSec ?? 0).toFixed(0)}/s of ${l.ratePerSec ?? '?'}/s)`,
  };
}
