import type { RunResult, TimeSeriesPoint } from '../../model/result.ts';

/**
 * The shards' time series merged by real time: a shard's point at tSec lies at startedAt + tSec on
 * the wall clock; points land in the merged series' interval nearest that time (seconds since the
 * earliest shard started, on the probe interval's grid). Per interval, operations, errors and drops
 * add up; latency percentiles are the largest shard's (an upper bound: intervals keep no histogram);
 * queue depth comes from the shard that sampled it (shard 0).
 */

type PerOp = NonNullable<TimeSeriesPoint['byOp']>[string];

function slot(r: RunResult, p: TimeSeriesPoint, t0: number, stepSec: number): number {
  const realSec = (Date.parse(r.startedAt) - t0) / 1000 + p.tSec;
  return Math.max(0, Math.round(realSec / stepSec));
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function mergeSeriesByTime(
  results: readonly RunResult[],
  t0: number,
  stepSec: number,
): TimeSeriesPoint[] {
  const bins = new Map<number, TimeSeriesPoint>();
  for (const r of results)
    for (const p of r.timeseries) {
      const k = slot(r, p, t0, stepSec);
      const into = bins.get(k);
      if (!into) {
        bins.set(k, { ...structuredClone(p), tSec: round(k * stepSec) });
        continue;
      }
      into.warmup ||= p.warmup;
      into.ops += p.ops;
      into.errors += p.errors;
      into.p50Ms = Math.max(into.p50Ms, p.p50Ms);
      into.p95Ms = Math.max(into.p95Ms, p.p95Ms);
      into.p99Ms = Math.max(into.p99Ms, p.p99Ms);
      if (p.queueDepth !== undefined) into.queueDepth = Math.max(into.queueDepth ?? 0, p.queueDepth);
      // One Neo4j sync queue sampled by every shard: its depth once (the largest reading); merged adds up.
      if (p.neo4jQueueDepth !== undefined)
        into.neo4jQueueDepth = Math.max(into.neo4jQueueDepth ?? 0, p.neo4jQueueDepth);
      if (p.neo4jMerged !== undefined) into.neo4jMerged = (into.neo4jMerged ?? 0) + p.neo4jMerged;
      if (p.scheduleLagP99Ms !== undefined)
        into.scheduleLagP99Ms = Math.max(into.scheduleLagP99Ms ?? 0, p.scheduleLagP99Ms);
      if (p.dropped !== undefined) into.dropped = (into.dropped ?? 0) + p.dropped;
      if (p.queueDepthByQueue)
        for (const [q, d] of Object.entries(p.queueDepthByQueue))
          (into.queueDepthByQueue ??= {})[q] = Math.max(into.queueDepthByQueue?.[q] ?? 0, d);
      if (p.byOp)
        for (const [op, o] of Object.entries(p.byOp)) {
          const e: PerOp | undefined = (into.byOp ??= {})[op];
          if (!e) into.byOp[op] = { ...o };
          else {
            e.ops += o.ops;
            e.errors += o.errors;
            e.p50Ms = Math.max(e.p50Ms, o.p50Ms);
            e.p95Ms = Math.max(e.p95Ms, o.p95Ms);
            e.p99Ms = Math.max(e.p99Ms, o.p99Ms);
          }
        }
    }
  return [...bins.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
}

/** One shard's operations per interval on the merged series' time base (the html draws one line each). */
export function shardSeries(r: RunResult, t0: number, stepSec: number): { tSec: number; ops: number }[] {
  const bins = new Map<number, number>();
  for (const p of r.timeseries) {
    const k = slot(r, p, t0, stepSec);
    bins.set(k, (bins.get(k) ?? 0) + p.ops);
  }
  return [...bins.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, ops]) => ({ tSec: round(k * stepSec), ops }));
}
