import { decodeHistogram, encodeHistogram, mergeAll, summarize } from '../../metrics/histogram.ts';
import type { Measured, Neo4jSummary } from '../../model/result.ts';

/**
 * result.json's `neo4j` of several parts merged into one. Pure. Two kinds of parts:
 * - trials (`run --trials N`): the same readers one after another, each trial's queue and graph atoms
 *   removed before the next (resetIngested clears the sync queue), so everything counted adds up:
 *   requests merged, nodes created, errors, outages, unavailable time, the backlog each trial left, the
 *   atoms each trial ingested and the Atom nodes counted for them;
 * - shards (`atombench merge`): every shard runs its own readers at the same time on the one shared
 *   queue and graph. A request is received by one reader only, so merged requests, batches, nodes
 *   created, errors and retries add up; what every shard sees of the same server is taken once: an
 *   outage of the graph (the largest count and time of any shard), the queue depth (one gauge: its
 *   max is the largest, its mean the mean over the shards' samples), the backlog at the end (the shard
 *   that finished last saw the queue last), and the atoms ingested / nodes counted (shard 0 counts
 *   them for the whole run once every shard has finished, run/shards/shard-end.ts).
 * In both, MERGE latency and sync lag are merged from their HDR histograms (counts add bucket by
 * bucket), so the merged percentiles are those of every sample, never averages of percentiles.
 */

export interface TrialGraphPart {
  neo4j?: Neo4jSummary;
  /** Seconds of the trial's measured window (the weight of its mean queue depth). */
  measuredSec: number;
}

export interface ShardGraphPart {
  neo4j?: Neo4jSummary;
  index: number;
  finishedAt: string;
}

function sum(parts: readonly Neo4jSummary[], f: (n: Neo4jSummary) => number): number {
  return parts.reduce((a, n) => a + f(n), 0);
}

function addErrors(parts: readonly Neo4jSummary[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of parts) for (const [k, n] of Object.entries(p.errors)) out[k] = (out[k] ?? 0) + n;
  return out;
}

function mergeHistograms(encoded: readonly string[]): {
  summary: Neo4jSummary['syncLagMs'];
  encoded: string;
} {
  const h = mergeAll(encoded.map(decodeHistogram));
  return { summary: summarize(h), encoded: encodeHistogram(h) };
}

function maxDepth(parts: readonly Neo4jSummary[]): Measured<number> {
  const values = parts.flatMap((p) => ('value' in p.queueDepthMax ? [p.queueDepthMax.value] : []));
  if (values.length > 0) return { value: Math.max(...values) };
  return parts[0]!.queueDepthMax;
}

/** Mean of the parts' means, each weighted (parts without a mean are left out). */
function meanDepth(parts: readonly { n: Neo4jSummary; weight: number }[]): number | undefined {
  const live = parts.filter((p) => p.n.queueDepthMean !== undefined && p.weight > 0);
  const w = live.reduce((a, p) => a + p.weight, 0);
  return w > 0 ? live.reduce((a, p) => a + p.n.queueDepthMean! * p.weight, 0) / w : undefined;
}

/** What both kinds add up the same way; identity fields from the first part. */
function mergeCommon(parts: readonly Neo4jSummary[]): Neo4jSummary {
  const first = parts[0]!;
  const merge = mergeHistograms(parts.map((p) => p.mergeHistogram));
  const lag = mergeHistograms(parts.map((p) => p.syncLagHistogram));
  return {
    server: first.server,
    serverVersion: first.serverVersion,
    constraint: first.constraint,
    readers: first.readers,
    batch: first.batch,
    merged: sum(parts, (p) => p.merged),
    batches: sum(parts, (p) => p.batches),
    mergeLatencyMs: merge.summary,
    mergeHistogram: merge.encoded,
    syncLagMs: lag.summary,
    syncLagHistogram: lag.encoded,
    queueDepthMax: maxDepth(parts),
    errors: addErrors(parts),
    retries: sum(parts, (p) => p.retries),
    outages: 0,
    unavailableMs: 0,
    mergedTotal: sum(parts, (p) => p.mergedTotal),
    nodesCreated: sum(parts, (p) => p.nodesCreated),
    backlogAtEnd: null,
    ...(first.preload ? { preload: first.preload } : {}),
  };
}

/** The trials of one run; undefined when no trial synced to Neo4j. */
export function mergeNeo4jTrials(parts: readonly TrialGraphPart[]): Neo4jSummary | undefined {
  const live = parts.filter((p): p is TrialGraphPart & { neo4j: Neo4jSummary } => !!p.neo4j);
  if (live.length === 0) return undefined;
  const ns = live.map((p) => p.neo4j);
  const out = mergeCommon(ns);
  out.outages = sum(ns, (p) => p.outages);
  out.unavailableMs = sum(ns, (p) => p.unavailableMs);
  out.backlogAtEnd = ns.some((p) => p.backlogAtEnd === null) ? null : sum(ns, (p) => p.backlogAtEnd!);
  const mean = meanDepth(live.map((p) => ({ n: p.neo4j, weight: p.measuredSec })));
  if (mean !== undefined) out.queueDepthMean = mean;
  if (ns.every((p) => p.ingestedAtoms !== undefined)) out.ingestedAtoms = sum(ns, (p) => p.ingestedAtoms!);
  if (ns.every((p) => p.graphNodes !== undefined)) out.graphNodes = sum(ns, (p) => p.graphNodes!);
  return out;
}

/** The shards of one run; undefined when no shard synced to Neo4j. */
export function mergeNeo4jShards(parts: readonly ShardGraphPart[]): Neo4jSummary | undefined {
  const live = parts
    .filter((p): p is ShardGraphPart & { neo4j: Neo4jSummary } => !!p.neo4j)
    .sort((a, b) => a.index - b.index);
  if (live.length === 0) return undefined;
  const ns = live.map((p) => p.neo4j);
  const out = mergeCommon(ns);
  out.outages = Math.max(...ns.map((p) => p.outages));
  out.unavailableMs = Math.max(...ns.map((p) => p.unavailableMs));
  const lastDone = [...live].sort((a, b) => Date.parse(b.finishedAt) - Date.parse(a.finishedAt))[0]!;
  out.backlogAtEnd = lastDone.neo4j.backlogAtEnd;
  const mean = meanDepth(live.map((p) => ({ n: p.neo4j, weight: 1 })));
  if (mean !== undefined) out.queueDepthMean = mean;
  // Counted for the whole run by shard 0 only (the other shards' counts are partial snapshots).
  const lead = live.find((p) => p.index === 0)?.neo4j;
  if (lead?.ingestedAtoms !== undefined) out.ingestedAtoms = lead.ingestedAtoms;
  if (lead?.graphNodes !== undefined) out.graphNodes = lead.graphNodes;
  return out;
}
