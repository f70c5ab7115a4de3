import { describe, expect, it } from 'vitest';
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  recordMicros,
} from '../../../src/metrics/histogram.ts';
import type { OperationTotals } from '../../../src/metrics/interval.ts';
import { toOperationStats, totalOperationStats } from '../../../src/metrics/operation-stats.ts';
import type { RunResult } from '../../../src/model/result.ts';
import { mergeShards } from '../../../src/run/merge-shards.ts';
import { shardProblems, type ShardFile } from '../../../src/run/shard-checks.ts';
import { resolveTargets } from '../../../src/targets/runbook.ts';
import { makeResult } from '../../fixtures/result.ts';

const SEC = 30;

/** Deterministic latencies in µs for shard i, op o. */
function raw(i: number, o: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => 800 + ((k * 7919 + i * 104_729 + o * 31) % 50_000));
}

function shard(index: number, count: number): ShardFile {
  const r = makeResult();
  const totals = new Map<string, OperationTotals>();
  for (const [o, op] of ['spatial.pool', 'spatial.knn'].entries()) {
    const h = createLatencyHistogram();
    for (const v of raw(index, o, 500 + index * 10)) recordMicros(h, v);
    totals.set(op, {
      count: h.totalCount + index,
      errors: index > 0 ? { timeout: index } : {},
      histogram: h,
      rowsOutput: 10,
      rowsWithCandidates: 0,
    });
  }
  r.operations = [...totals].map(([op, t]) => toOperationStats(op, t, SEC));
  r.total = totalOperationStats(totals.values(), SEC);
  r.load = {
    model: 'open',
    durationSec: SEC,
    warmupSec: 0,
    ratePerSec: 100,
    achievedRatePerSec: 100 / count,
    dropped: index,
  };
  r.startedAt = new Date(Date.parse('2025-06-01T12:00:00.000Z') + index * 3).toISOString();
  r.finishedAt = new Date(Date.parse('2025-06-01T12:00:30.000Z') + index * 3).toISOString();
  r.timeseries = [1, 2, 3].map((t) => ({
    tSec: t,
    warmup: false,
    ops: 10 + index,
    errors: 0,
    p50Ms: 1 + index,
    p95Ms: 2,
    p99Ms: 3,
  }));
  (r.scenario as Record<string, unknown>).probes = { intervalMs: 1000 };
  r.shard = {
    index,
    count,
    start: { kind: 'at', at: '2025-06-01T12:00:00.000Z' },
    issued: 1000 + index,
    clockOffsetMs: index * 2,
  };
  if (index > 0) {
    r.probes.seekRatio = { na: 'probes run on shard 0 only' };
    r.ooda = null;
  }
  return { file: `shard-${index}-of-${count}/result.json`, result: r };
}

const targets = () =>
  resolveTargets({ 'latency.spatial.knn': 'p99 < 20ms' }, { oodaTriggerEverySec: 2, datasetAtoms: 100_000 })
    .specs;

describe('merging the shards of one run', () => {
  const files = [2, 0, 1].map((i) => shard(i, 3));

  it('adds counts and errors, and the merged histogram is the histogram of every raw sample', () => {
    expect(shardProblems(files)).toEqual([]);
    const m = mergeShards(files, targets());
    const knn = m.operations.find((o) => o.op === 'spatial.knn')!;
    expect(knn.count).toBe(files.reduce((a, f) => a + f.result.operations[1]!.count, 0));
    expect(knn.count).toBe(500 + 510 + 520 + 0 + 1 + 2);
    expect(knn.errors).toEqual({ timeout: 3 });
    expect(m.total.count).toBe(files.reduce((a, f) => a + f.result.total.count, 0));
    const all = createLatencyHistogram();
    for (const i of [0, 1, 2]) for (const v of raw(i, 1, 500 + i * 10)) recordMicros(all, v);
    expect(encodeHistogram(decodeHistogram(knn.histogram))).toBe(encodeHistogram(all));
    expect(knn.latencyMs.p99).toBe(all.getValueAtPercentile(99) / 1000);
    // throughput over the one window the shards shared, not over three windows
    expect(knn.throughputPerSec).toBeCloseTo((500 + 510 + 520) / SEC, 9);
  });

  it('sums the open loop, takes probes and OODA from shard 0, judges the targets once and marks the result', () => {
    const m = mergeShards(files, targets());
    expect(m.load.achievedRatePerSec).toBeCloseTo(100, 9);
    expect(m.load.dropped).toBe(3);
    expect(m.probes.seekRatio).toEqual({ value: 0.975 });
    expect(m.ooda?.loopsStarted).toBe(50);
    expect(m.shard).toBeUndefined();
    expect(m.merged).toMatchObject({ shards: 3, label: 'merged from 3 shards', clockSkewMs: 4 });
    expect(m.merged!.perShard.map((s) => [s.index, s.issued, s.series.map((p) => p.ops)])).toEqual([
      [0, 1000, [10, 10, 10]],
      [1, 1001, [11, 11, 11]],
      [2, 1002, [12, 12, 12]],
    ]);
    expect(m.timeseries.map((p) => [p.tSec, p.ops, p.p50Ms])).toEqual([
      [1, 33, 3],
      [2, 33, 3],
      [3, 33, 3],
    ]);
    expect(m.targets.find((t) => t.metric === 'latency.spatial.knn')).toMatchObject({
      observed: m.operations.find((o) => o.op === 'spatial.knn')!.latencyMs.p99,
    });
    expect(m.startedAt).toBe('2025-06-01T12:00:00.000Z');
    expect(m.finishedAt).toBe('2025-06-01T12:00:30.006Z');
  });
});

describe('a shard that was interrupted or whose client was the bottleneck', () => {
  it('makes the merged run interrupted and flagged, naming the shard', () => {
    const files = [0, 1].map((i) => shard(i, 2));
    files[1]!.result.interrupted = true;
    files[1]!.result.client = {
      ...files[1]!.result.client,
      bottleneck: true,
      reasons: ['event-loop delay p99 80 ms > 20 ms'],
    };
    const m = mergeShards(files, targets());
    expect(m.interrupted).toBe(true);
    expect(m.merged!.label).toBe('merged from 2 shards (interrupted: shard 1)');
    expect(m.client.bottleneck).toBe(true);
    expect(m.client.reasons).toEqual(['shard 1: event-loop delay p99 80 ms > 20 ms']);
    expect(m.merged!.perShard[1]).toMatchObject({ clientBottleneck: true });
  });

  it('takes --max-skew as the limit of the clocks’ spread', () => {
    const files = [0, 1].map((i) => shard(i, 2));
    files[1]!.result.shard!.clockOffsetMs = 40;
    expect(shardProblems(files, 50)).toEqual([]);
    expect(shardProblems(files, 30)[0]).toContain('disagree by 40 ms, more than --max-skew 30 ms');
  });
});

describe('shards that do not belong together', () => {
  const base = () => [0, 1].map((i) => shard(i, 2));
  const edit = (f: (r: RunResult) => void): ShardFile[] => {
    const files = base();
    f(files[1]!.result);
    return files;
  };

  it.each<[string, (r: RunResult) => void, string]>([
    [
      'another run',
      (r) => (r.runId = 'other'),
      'runId differs: shard-0-of-2/result.json has 20250601T120000Z-postgis-ci-gate, shard-1-of-2/result.json has other',
    ],
    ['another dataset', (r) => (r.dataset.checksum = 'sha256:0000'), 'dataset.checksum differs'],
    ['another scenario', (r) => ((r.scenario as { name: string }).name = 'smoke'), 'scenario.name differs'],
    ['another engine', (r) => (r.engine.serverVersion = 'PostgreSQL 16'), 'engine.serverVersion differs'],
    ['another shard count', (r) => (r.shard!.count = 3), 'shards differs'],
    ['the same index twice', (r) => (r.shard!.index = 0), 'shard.index 0 appears 2 times'],
    [
      'skewed clocks',
      (r) => (r.shard!.clockOffsetMs = 900),
      "shard.clockOffsetMs: the shards' clocks disagree by 900 ms",
    ],
    [
      'windows apart',
      (r) => ((r.startedAt = '2025-06-01T13:00:00.000Z'), (r.finishedAt = '2025-06-01T13:00:30.000Z')),
      'startedAt/finishedAt: the windows do not overlap',
    ],
    ['not a shard', (r) => delete r.shard, 'shard-1-of-2/result.json: not a shard result'],
  ])('refuses %s, naming the field', (_, change, message) => {
    const problems = shardProblems(edit(change));
    expect(problems.join('\n')).toContain(message);
  });

  it('names a missing shard: one that failed makes the merged run invalid', () => {
    expect(shardProblems([shard(0, 3), shard(2, 3)])).toEqual([
      'shard.index: missing 1/3 of run 20250601T120000Z-postgis-ci-gate (a shard that failed makes the merged run invalid)',
    ]);
  });

  it('ignores where the reports went and the URL (they change nothing measured)', () => {
    const files = edit((r) => {
      (r.scenario as Record<string, unknown>).report = { out: '/elsewhere' };
      (r.scenario as Record<string, unknown>).url = 'postgres://other-host/db';
    });
    expect(shardProblems(files)).toEqual([]);
  });
});
