import { describe, expect, it } from 'vitest';
import { compareResults } from '../../../src/compare/compare.ts';
import {
  createLatencyHistogram,
  encodeHistogram,
  recordMicros,
  summarize,
} from '../../../src/metrics/histogram.ts';
import type { Neo4jSummary, RunResult } from '../../../src/model/result.ts';
import { resolveGate } from '../../../src/scenario/gate.ts';
import { synthRun } from './synthetic.ts';

/** A run with a graph side whose sync lag is about `lagMs` (uniform +-20 %, 2000 samples). */
function withGraph(r: RunResult, lagMs: number, seed: number): RunResult {
  const lag = createLatencyHistogram();
  const merge = createLatencyHistogram();
  let x = seed;
  const u = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 2000; i++) recordMicros(lag, lagMs * 1000 * (0.8 + 0.4 * u()));
  for (let i = 0; i < 200; i++) recordMicros(merge, 5000 * (0.8 + 0.4 * u()));
  const g: Neo4jSummary = {
    server: 'bolt://h:7687 (user neo4j)',
    serverVersion: 'Neo4j Kernel 5.26.0 community',
    constraint: 'atombench_atom_id_tenant',
    readers: 3,
    batch: 10,
    merged: 2000,
    batches: 200,
    mergeLatencyMs: summarize(merge),
    mergeHistogram: encodeHistogram(merge),
    syncLagMs: summarize(lag),
    syncLagHistogram: encodeHistogram(lag),
    queueDepthMax: { value: 4 },
    errors: {},
    retries: 0,
    outages: 0,
    unavailableMs: 0,
    mergedTotal: 2000,
    nodesCreated: 2000,
    backlogAtEnd: 0,
  };
  return { ...r, neo4j: g };
}

describe('compare gates the graph side', () => {
  const settings = resolveGate(undefined).settings;
  const labels = { baseline: 'base', candidate: 'cand' };
  const base = withGraph(synthRun({ trials: 1, seed: 1 }), 100, 1);

  it('lists neo4j.sync and neo4j.merge like operations, and flags a sync lag that doubled', () => {
    const slow = withGraph(synthRun({ trials: 1, seed: 2 }), 200, 2);
    const r = compareResults({ baseline: base, candidate: slow, settings, labels });
    const ops = [...new Set(r.comparisons.map((c) => c.op))];
    expect(ops).toEqual(expect.arrayContaining(['neo4j.sync', 'neo4j.merge']));
    const p95 = r.comparisons.find((c) => c.op === 'neo4j.sync' && c.metric === 'p95')!;
    expect(p95.verdict).toBe('regressed');
    expect(r.verdict).toBe('fail');
    const merge = r.comparisons.find((c) => c.op === 'neo4j.merge' && c.metric === 'p95')!;
    expect(merge.verdict).not.toBe('regressed');
  });

  it('the same lag is no regression; a run without the graph side has no neo4j rows', () => {
    const same = withGraph(synthRun({ trials: 1, seed: 2 }), 100, 7);
    const r = compareResults({ baseline: base, candidate: same, settings, labels });
    expect(r.comparisons.filter((c) => c.op.startsWith('neo4j.') && c.verdict === 'regressed')).toEqual([]);
    const plain = compareResults({
      baseline: synthRun({ trials: 1, seed: 1 }),
      candidate: synthRun({ trials: 1, seed: 2 }),
      settings,
      labels,
    });
    expect(plain.comparisons.some((c) => c.op.startsWith('neo4j.'))).toBe(false);
  });
});
