import { encodeHistogram, summarize, summarizeGauge } from '../../metrics/histogram.ts';
import type { Neo4jSummary } from '../../model/result.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { GraphSession } from './session.ts';
import type { GraphMeasurement } from '../measure/measure.ts';

/** result.json's `neo4j` from what the readers measured. Pure. */
export function neo4jSummary(sc: Scenario, s: GraphSession, g: GraphMeasurement): Neo4jSummary {
  const depth = summarizeGauge(g.depth);
  return {
    server: s.display,
    serverVersion: s.graph.serverVersion,
    constraint: s.state?.constraint ?? 'unknown',
    readers: sc.neo4j.readers,
    batch: sc.neo4j.batch,
    merged: g.stats.merged,
    batches: g.stats.batches,
    mergeLatencyMs: summarize(g.stats.mergeLatency),
    mergeHistogram: encodeHistogram(g.stats.mergeLatency),
    syncLagMs: summarize(g.stats.syncLag),
    syncLagHistogram: encodeHistogram(g.stats.syncLag),
    queueDepthMax:
      depth.count > 0
        ? { value: depth.max }
        : { na: 'the Neo4j sync queue depth could not be sampled in the measured window' },
    ...(depth.count > 0 ? { queueDepthMean: depth.mean } : {}),
    errors: { ...g.stats.errors },
    retries: g.stats.retries,
    outages: g.stats.outages,
    unavailableMs: g.stats.unavailableMs,
    mergedTotal: g.stats.mergedTotal,
    nodesCreated: g.stats.nodesCreated,
    backlogAtEnd: g.backlogAtEnd ?? null,
    ...(g.graphNodes !== undefined ? { graphNodes: g.graphNodes } : {}),
    ...(s.preload ? { preload: s.preload } : {}),
  };
}
