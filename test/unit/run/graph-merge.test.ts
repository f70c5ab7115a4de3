import { describe, expect, it } from 'vitest';
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeAll,
  recordMicros,
  summarize,
} from '../../../src/metrics/histogram.ts';
import type { Neo4jSummary } from '../../../src/model/result.ts';
import { mergeNeo4jShards, mergeNeo4jTrials } from '../../../src/run/graph/merge.ts';
import { mergeSeriesByTime } from '../../../src/run/shards/merge-series.ts';
import { makeResult } from '../../fixtures/result.ts';

/** A histogram of the given latencies in ms. */
function hist(ms: readonly number[]) {
  const h = createLatencyHistogram();
  for (const x of ms) recordMicros(h, x * 1000);
  return h;
}

function part(lagMs: readonly number[], change: Partial<Neo4jSummary> = {}): Neo4jSummary {
  const lag = hist(lagMs);
  const merge = hist(lagMs.map((x) => x / 10));
  return {
    server: 'bolt://127.0.0.1:7687 (user neo4j)',
    serverVersion: 'Neo4j Kernel 5.26.0',
    constraint: 'atombench_atom_id_tenant',
    readers: 3,
    batch: 10,
    merged: lagMs.length,
    batches: lagMs.length,
    mergeLatencyMs: summarize(merge),
    mergeHistogram: encodeHistogram(merge),
    syncLagMs: summarize(lag),
    syncLagHistogram: encodeHistogram(lag),
    queueDepthMax: { value: 4 },
    queueDepthMean: 2,
    errors: { transient: 1 },
    retries: 2,
    outages: 1,
    unavailableMs: 1500,
    mergedTotal: lagMs.length + 5,
    nodesCreated: lagMs.length + 5,
    backlogAtEnd: 0,
    ingestedAtoms: lagMs.length + 5,
    graphNodes: lagMs.length + 5,
    ...change,
  };
}

// Skewed on purpose: 90 fast requests in one part, 10 slow ones in the other. The pooled p95 is slow
// (the 95th of 100 samples is among the slow ones); an average of the parts' p95s would not be.
const fast = Array.from({ length: 90 }, (_, i) => 10 + i / 10);
const slow = Array.from({ length: 10 }, (_, i) => 3000 + i * 100);

describe('mergeNeo4jTrials', () => {
  const a = part(fast, { queueDepthMax: { value: 3 }, queueDepthMean: 1 });
  const b = part(slow, { queueDepthMax: { value: 12 }, queueDepthMean: 7, backlogAtEnd: 2 });
  const m = mergeNeo4jTrials([
    { neo4j: a, measuredSec: 30 },
    { neo4j: b, measuredSec: 10 },
  ])!;

  it('merges lag and MERGE latency from the histograms, not by averaging percentiles', () => {
    const pooled = summarize(hist([...fast, ...slow]));
    expect(m.syncLagMs).toEqual(pooled);
    expect(m.syncLagMs.count).toBe(100);
    expect(m.syncLagMs.p95).toBeGreaterThan(2900);
    expect(m.syncLagMs.p95).not.toBeCloseTo((a.syncLagMs.p95 + b.syncLagMs.p95) / 2, 0);
    expect(decodeHistogram(m.syncLagHistogram).totalCount).toBe(100);
    const mergePooled = mergeAll([decodeHistogram(a.mergeHistogram), decodeHistogram(b.mergeHistogram)]);
    expect(m.mergeLatencyMs).toEqual(summarize(mergePooled));
  });

  it('adds up what each trial counted on its own queue and graph', () => {
    expect(m.merged).toBe(100);
    expect(m.batches).toBe(100);
    expect(m.mergedTotal).toBe(110);
    expect(m.nodesCreated).toBe(110);
    expect(m.ingestedAtoms).toBe(110);
    expect(m.graphNodes).toBe(110);
    expect(m.errors).toEqual({ transient: 2 });
    expect(m.retries).toBe(4);
    expect(m.outages).toBe(2);
    expect(m.unavailableMs).toBe(3000);
    expect(m.backlogAtEnd).toBe(2);
  });

  it('takes the deepest queue and weighs the mean depth by measured time', () => {
    expect(m.queueDepthMax).toEqual({ value: 12 });
    expect(m.queueDepthMean).toBeCloseTo((1 * 30 + 7 * 10) / 40, 12);
    expect(m.readers).toBe(3);
    expect(m.server).toBe(a.server);
  });

  it('is undefined without Neo4j, unknown counts stay unknown', () => {
    expect(mergeNeo4jTrials([{ measuredSec: 10 }, { measuredSec: 10 }])).toBeUndefined();
    const partial = mergeNeo4jTrials([
      { neo4j: part(fast, { backlogAtEnd: null, ingestedAtoms: undefined }), measuredSec: 10 },
      { neo4j: part(slow), measuredSec: 10 },
    ])!;
    expect(partial.backlogAtEnd).toBeNull();
    expect(partial.ingestedAtoms).toBeUndefined();
    expect(partial.graphNodes).toBe(110);
    const na = mergeNeo4jTrials([{ neo4j: part(fast, { queueDepthMax: { na: 'x' } }), measuredSec: 1 }])!;
    expect(na.queueDepthMax).toEqual({ na: 'x' });
  });
});

describe('mergeNeo4jShards', () => {
  const s0 = part(fast, { ingestedAtoms: 140, graphNodes: 140, backlogAtEnd: 3, queueDepthMean: 2 });
  const s1 = part(slow, { ingestedAtoms: 60, graphNodes: 55, backlogAtEnd: 0, queueDepthMean: 4 });
  const m = mergeNeo4jShards([
    { neo4j: s1, index: 1, finishedAt: '2026-01-01T00:01:05Z' },
    { neo4j: s0, index: 0, finishedAt: '2026-01-01T00:01:00Z' },
  ])!;

  it('adds what each reader did on the shared queue, once per request', () => {
    expect(m.syncLagMs).toEqual(summarize(hist([...fast, ...slow])));
    expect(m.merged).toBe(100);
    expect(m.mergedTotal).toBe(110);
    expect(m.nodesCreated).toBe(110);
    expect(m.errors).toEqual({ transient: 2 });
    expect(m.retries).toBe(4);
  });

  it('takes once what every shard saw of the same server and graph', () => {
    expect(m.outages).toBe(1);
    expect(m.unavailableMs).toBe(1500);
    expect(m.queueDepthMean).toBe(3);
    expect(m.backlogAtEnd).toBe(0); // shard 1 finished last: it saw the queue last
    expect(m.ingestedAtoms).toBe(140); // shard 0's count covers the run
    expect(m.graphNodes).toBe(140);
  });

  it('has no whole-run counts without shard 0', () => {
    const m1 = mergeNeo4jShards([{ neo4j: s1, index: 1, finishedAt: '2026-01-01T00:01:05Z' }])!;
    expect(m1.ingestedAtoms).toBeUndefined();
    expect(m1.graphNodes).toBeUndefined();
    expect(mergeNeo4jShards([{ index: 0, finishedAt: '2026-01-01T00:00:00Z' }])).toBeUndefined();
  });
});

describe('merged time series: the Neo4j columns', () => {
  it('takes the queue depth once and adds the merged requests', () => {
    const a = makeResult();
    const b = makeResult();
    b.startedAt = a.startedAt;
    a.timeseries = a.timeseries.slice(0, 1).map((p) => ({ ...p, neo4jQueueDepth: 5, neo4jMerged: 7 }));
    b.timeseries = a.timeseries.map((p) => ({ ...p, neo4jQueueDepth: 8, neo4jMerged: 4 }));
    const [p] = mergeSeriesByTime([a, b], Date.parse(a.startedAt), 1);
    expect(p!.neo4jQueueDepth).toBe(8);
    expect(p!.neo4jMerged).toBe(11);
  });
});
