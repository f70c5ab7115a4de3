import { decodeHistogram, encodeHistogram, mergeAll, summarize } from '../../metrics/histogram.ts';
import { errorCount } from '../../metrics/operation-stats.ts';
import type { ClientHealth, FaultSummary, RunFingerprint, RunResult } from '../../model/result.ts';
import type { MergedInfo } from '../../model/shard.ts';
import { evaluateTargets } from '../../targets/evaluate.ts';
import type { TargetSpec } from '../../targets/runbook.ts';
import { mergeOperations, mergeSummariesUpper } from '../merge-trials.ts';
import { runVerdict } from '../result.ts';
import { mergeNeo4jShards } from '../graph/merge.ts';
import { mergeSeriesByTime, shardSeries } from './merge-series.ts';
import { clockSkewMs, type ShardFile } from './shard-checks.ts';

/**
 * The shards of one run (already checked by shard-checks.ts) merged into one result, judged once.
 * Pure. What adds up exactly: operation counts, errors by class, rows, latency histograms (HDR counts
 * add bucket by bucket, so merged percentiles are the percentiles of every sample of every shard), the
 * open loop's arrivals, drops and schedule-lag histogram. Throughput is all shards' successes over the
 * common measured window (the shards ran at the same time, so windows are not summed).
 * What does not add up, and is taken from where it was measured: probes and OODA come from shard 0
 * (the only one that runs them); the client self-check is per shard (the merged run is flagged when
 * any shard's client was the bottleneck, each reason named by its shard); interval percentiles of the
 * merged time series are the largest shard's (an upper bound: the intervals keep no histogram).
 */

/** A shard's measured window in seconds: successes / throughput is exactly the denominator it used. */
function measuredSec(r: RunResult): number {
  const successes = r.total.count - errorCount(r.total);
  return r.total.throughputPerSec > 0 ? successes / r.total.throughputPerSec : r.load.durationSec;
}

function mergeClients(parts: readonly { index: number; client: ClientHealth }[]): ClientHealth {
  const n = parts.length;
  const out: ClientHealth = {
    cpuPercent: parts.reduce((a, p) => a + p.client.cpuPercent, 0) / n,
    eventLoopLagP99Ms: Math.max(...parts.map((p) => p.client.eventLoopLagP99Ms)),
    eventLoopLagMaxMs: Math.max(...parts.map((p) => p.client.eventLoopLagMaxMs)),
    bottleneck: parts.some((p) => p.client.bottleneck),
    reasons: parts.flatMap((p) => p.client.reasons.map((r) => `shard ${p.index}: ${r}`)),
  };
  if (parts.every((p) => p.client.eventLoopUtilization !== undefined))
    out.eventLoopUtilization = parts.reduce((a, p) => a + p.client.eventLoopUtilization!, 0) / n;
  const serverReasons = parts.flatMap((p) =>
    (p.client.serverReasons ?? []).map((r) => `shard ${p.index}: ${r}`),
  );
  if (out.bottleneck) out.limitedBy = 'client';
  else if (parts.some((p) => p.client.limitedBy === 'server')) out.limitedBy = 'server';
  if (serverReasons.length) out.serverReasons = serverReasons;
  return out;
}

/** Outage windows, early ends and warnings of every shard, each named by its shard. */
function mergeFaults(results: readonly RunResult[]): FaultSummary | undefined {
  if (results.every((r) => !r.faults)) return undefined;
  const named = (r: RunResult, s: string) => `shard ${r.shard!.index}: ${s}`;
  const ended = results.filter((r) => r.faults?.endedEarly).map((r) => named(r, r.faults!.endedEarly!));
  return {
    outages: results.flatMap((r) => r.faults?.outages ?? []).sort((a, b) => a.startSec - b.startSec),
    ...(ended.length ? { endedEarly: ended.join('; ') } : {}),
    warnings: results.flatMap((r) => (r.faults?.warnings ?? []).map((w) => named(r, w))),
  };
}

/** The client machines of all shards: distinct descriptions joined, cores and memory summed. */
function mergedFingerprint(results: readonly RunResult[]): RunFingerprint | undefined {
  const fps = results.map((r) => r.fingerprint);
  if (fps.some((f) => !f)) return undefined;
  const all = fps as RunFingerprint[];
  const distinct = (f: (c: RunFingerprint['client']) => string) =>
    [...new Set(all.map((x) => f(x.client)))].join(' | ');
  return {
    ...all[0]!,
    client: {
      cpuModel: `${all.length} shards: ${distinct((c) => c.cpuModel)}`,
      cores: all.reduce((a, x) => a + x.client.cores, 0),
      memoryGiB: all.reduce((a, x) => a + x.client.memoryGiB, 0),
      os: distinct((c) => c.os),
      node: distinct((c) => c.node),
    },
  };
}

export function mergeShards(files: readonly ShardFile[], targets: readonly TargetSpec[]): RunResult {
  const shards = [...files].sort((a, b) => a.result.shard!.index - b.result.shard!.index);
  const results = shards.map((f) => f.result);
  const lead = results[0]!;
  const window = Math.max(...results.map(measuredSec));
  const { operations, total } = mergeOperations(results.map((result) => ({ result, measuredSec: window })));
  // mergeOperations divides by the sum of the windows it was given; the shards share one window.
  for (const o of [...operations, total]) o.throughputPerSec *= results.length;
  const probes = lead.probes;
  for (const op of operations) {
    const sampled = probes.primaryFilter[op.op];
    if (op.primaryFilterEfficiency === undefined && sampled && sampled.candidates > 0) {
      op.primaryFilterEfficiency = sampled.output / sampled.candidates;
      op.primaryFilterSource = 'sampled';
    }
  }

  const load: RunResult['load'] = { ...lead.load };
  const loads = results.map((r) => r.load);
  if (loads.some((l) => l.measuredSec !== undefined))
    load.measuredSec = Math.max(...loads.map((l) => l.measuredSec ?? 0));
  if (loads.some((l) => l.cancelled !== undefined))
    load.cancelled = loads.reduce((a, l) => a + (l.cancelled ?? 0), 0);
  if (lead.load.model === 'open') {
    load.achievedRatePerSec = loads.reduce((a, l) => a + (l.achievedRatePerSec ?? 0), 0);
    load.dropped = loads.reduce((a, l) => a + (l.dropped ?? 0), 0);
    delete load.dropRatio;
    if (loads.every((l) => l.scheduleLagHistogram !== undefined || !l.scheduleLagMs)) {
      const lag = mergeAll(
        loads.flatMap((l) => (l.scheduleLagHistogram ? [decodeHistogram(l.scheduleLagHistogram)] : [])),
      );
      if (lag.totalCount > 0) {
        load.scheduleLagMs = summarize(lag);
        load.scheduleLagHistogram = encodeHistogram(lag);
      }
      // Arrivals due in the measured window: started (each has a schedule lag) or dropped.
      const due = lag.totalCount + load.dropped;
      if (due > 0) load.dropRatio = load.dropped / due;
    } else {
      delete load.scheduleLagHistogram;
      load.scheduleLagMs = mergeSummariesUpper(
        loads.flatMap((l) => (l.scheduleLagMs ? [l.scheduleLagMs] : [])),
      );
    }
  } else {
    // The scenario's workers, dealt out over the shards.
    const sc = lead.scenario as { load?: { concurrency?: number } };
    if (sc.load?.concurrency !== undefined) load.concurrency = sc.load.concurrency;
  }

  const t0 = Math.min(...results.map((r) => Date.parse(r.startedAt)));
  const end = Math.max(...results.map((r) => Date.parse(r.finishedAt)));
  const intervalSec = probeIntervalSec(lead);
  const interrupted = results.filter((r) => r.interrupted);
  const skew = clockSkewMs(shards);
  const merged: MergedInfo = {
    shards: results.length,
    label: `merged from ${results.length} shards${interrupted.length ? ` (interrupted: shard ${interrupted.map((r) => r.shard!.index).join(', ')})` : ''}`,
    ...(skew !== undefined ? { clockSkewMs: skew } : {}),
    perShard: results.map((r) => ({
      index: r.shard!.index,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      count: r.total.count,
      errors: errorCount(r.total),
      issued: r.shard!.issued,
      ...(r.shard!.clockOffsetMs !== undefined ? { clockOffsetMs: r.shard!.clockOffsetMs } : {}),
      clientBottleneck: r.client.bottleneck,
      clientReasons: r.client.reasons,
      series: shardSeries(r, t0, intervalSec),
    })),
  };
  const fingerprint = mergedFingerprint(results);
  const faults = mergeFaults(results);
  const neo4j = mergeNeo4jShards(
    results.map((r) => ({ neo4j: r.neo4j, index: r.shard!.index, finishedAt: r.finishedAt })),
  );
  const measured: Omit<RunResult, 'targets' | 'verdict'> = {
    schema: lead.schema,
    runId: lead.runId,
    atombenchVersion: lead.atombenchVersion,
    startedAt: new Date(t0).toISOString(),
    finishedAt: new Date(end).toISOString(),
    scenario: lead.scenario,
    engine: lead.engine,
    dataset: lead.dataset,
    load,
    operations,
    total,
    probes,
    ooda: lead.ooda,
    ...(neo4j ? { neo4j } : {}),
    timeseries: mergeSeriesByTime(results, t0, intervalSec),
    client: mergeClients(results.map((r) => ({ index: r.shard!.index, client: r.client }))),
    ...(faults ? { faults } : {}),
    ...(interrupted.length ? { interrupted: true } : {}),
    ...(fingerprint ? { fingerprint } : {}),
    merged,
  };
  const evaluation = evaluateTargets(measured, targets);
  return { ...measured, targets: evaluation.targets, verdict: runVerdict(measured, evaluation.verdict) };
}

/** The scenario's probe interval in seconds (the time series' step), 1 s when the scenario lacks it. */
export function probeIntervalSec(r: RunResult): number {
  const ms = (r.scenario as { probes?: { intervalMs?: unknown } }).probes?.intervalMs;
  return typeof ms === 'number' && ms > 0 ? ms / 1000 : 1;
}
