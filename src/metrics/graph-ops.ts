import type { OperationStats, RunResult } from '../model/result.ts';

/**
 * The graph side (result.json `neo4j`) as two operations compare can gate like any other:
 * - `neo4j.sync`: one per sync request merged; latency = sync lag (enqueue to merged); errors = failed
 *   merge transactions by class; throughput = requests merged per second.
 * - `neo4j.merge`: one per MERGE transaction; latency = its duration.
 * None for a run without Neo4j (and for results written before the graph side existed). Pure.
 */
export const GRAPH_OPS = ['neo4j.sync', 'neo4j.merge'] as const;

export function graphOperations(r: Pick<RunResult, 'neo4j' | 'load'>): OperationStats[] {
  const g = r.neo4j;
  if (!g) return [];
  const sec = r.load.durationSec > 0 ? r.load.durationSec : 1;
  return [
    {
      op: 'neo4j.sync',
      count: g.merged,
      errors: { ...g.errors },
      throughputPerSec: g.merged / sec,
      latencyMs: g.syncLagMs,
      histogram: g.syncLagHistogram,
      rowsOutput: g.merged,
    },
    {
      op: 'neo4j.merge',
      count: g.batches,
      errors: {},
      throughputPerSec: g.batches / sec,
      latencyMs: g.mergeLatencyMs,
      histogram: g.mergeHistogram,
      rowsOutput: g.merged,
    },
  ];
}
