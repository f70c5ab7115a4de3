import { decodeHistogram, encodeHistogram, mergeAll, summarize } from '../metrics/histogram.ts';
import { errorCount, TOTAL_OP } from '../metrics/operation-stats.ts';
import type {
  ClientHealth,
  LatencySummary,
  Measured,
  OodaSummary,
  OperationStats,
  ProbeSummary,
  RunResult,
} from '../model/result.ts';

/**
 * Merge the results of N trials (same data, same scenario) into one: counts add up, latency histograms
 * merge losslessly so merged percentiles are true percentiles, ratios are weighted by what they count.
 * Pure. Two things only have summaries per trial (OODA phase/loop latencies and open-loop schedule lag):
 * their merged percentiles are the largest trial's, an upper bound of the true pooled percentile
 * (at that value every trial's CDF, hence the pooled one, has reached p), so a target judged on them
 * errs on the strict side.
 */

export interface TrialRun {
  result: RunResult;
  /** Seconds of the trial's measured window. */
  measuredSec: number;
}

function addErrors(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}

export function mergeOperationStats(
  op: string,
  parts: readonly OperationStats[],
  measuredSec: number,
): OperationStats {
  const errors: Record<string, number> = {};
  let count = 0;
  let rowsOutput = 0;
  let candidateRows: number | undefined;
  let filteredRows = 0;
  for (const p of parts) {
    count += p.count;
    rowsOutput += p.rowsOutput;
    addErrors(errors, p.errors);
    if (p.candidateRows !== undefined) {
      candidateRows = (candidateRows ?? 0) + p.candidateRows;
      // Rows output by the queries that reported candidates = efficiency x candidates, per trial.
      if (p.primaryFilterSource === 'per-query' && p.primaryFilterEfficiency !== undefined)
        filteredRows += p.primaryFilterEfficiency * p.candidateRows;
    }
  }
  const h = mergeAll(parts.map((p) => decodeHistogram(p.histogram)));
  const successes = count - errorCount({ errors });
  const out: OperationStats = {
    op,
    count,
    errors,
    throughputPerSec: measuredSec > 0 ? successes / measuredSec : 0,
    latencyMs: summarize(h),
    histogram: encodeHistogram(h),
    rowsOutput,
  };
  if (candidateRows !== undefined) {
    out.candidateRows = candidateRows;
    if (parts.some((p) => p.primaryFilterSource === 'per-query') && candidateRows > 0) {
      out.primaryFilterEfficiency = filteredRows / candidateRows;
      out.primaryFilterSource = 'per-query';
    }
  }
  return out;
}

/** Upper-bound merge of latency summaries (see the file comment); count and mean are exact. */
export function mergeSummariesUpper(parts: readonly LatencySummary[]): LatencySummary | undefined {
  const live = parts.filter((p) => p.count > 0);
  if (live.length === 0) return undefined;
  const count = live.reduce((a, p) => a + p.count, 0);
  const max = (k: keyof LatencySummary) => Math.max(...live.map((p) => p[k]));
  return {
    count,
    p50: max('p50'),
    p90: max('p90'),
    p95: max('p95'),
    p99: max('p99'),
    p999: max('p999'),
    max: max('max'),
    mean: live.reduce((a, p) => a + p.mean * p.count, 0) / count,
    min: Math.min(...live.map((p) => p.min)),
  };
}

/** A ratio weighted by the samples behind each trial's value; the first n/a reason when none has one. */
function weighted(parts: readonly { m: Measured<number>; weight: number }[]): Measured<number> {
  let num = 0;
  let den = 0;
  for (const p of parts) {
    if (!('value' in p.m) || !(p.weight > 0)) continue;
    num += p.m.value * p.weight;
    den += p.weight;
  }
  if (den > 0) return { value: num / den };
  const na = parts.find((p) => 'na' in p.m)?.m;
  return na ?? { na: 'not measured in any trial' };
}

function maxOf(parts: readonly Measured<number>[]): Measured<number> {
  const values = parts.flatMap((m) => ('value' in m ? [m.value] : []));
  if (values.length > 0) return { value: Math.max(...values) };
  return parts[0] ?? { na: 'not measured' };
}

function maxRecord(parts: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p)) out[k] = Math.max(out[k] ?? v, v);
  return out;
}

export function mergeProbes(runs: readonly TrialRun[]): ProbeSummary {
  const probes = runs.map((r) => r.result.probes);
  const last = probes[probes.length - 1]!;
  const primaryFilter: ProbeSummary['primaryFilter'] = {};
  for (const p of probes)
    for (const [op, f] of Object.entries(p.primaryFilter)) {
      const e = (primaryFilter[op] ??= { samples: 0, candidates: 0, output: 0 });
      e.samples += f.samples;
      e.candidates += f.candidates;
      e.output += f.output;
    }
  const out: ProbeSummary = {
    seekRatio: weighted(probes.map((p) => ({ m: p.seekRatio, weight: p.seekSamples }))),
    seekSamples: probes.reduce((a, p) => a + p.seekSamples, 0),
    // No lookup counts per trial are kept: weight each trial's ratio by its measured time.
    cacheHitRatio: weighted(runs.map((r) => ({ m: r.result.probes.cacheHitRatio, weight: r.measuredSec }))),
    queueDepthMax: maxOf(probes.map((p) => p.queueDepthMax)),
    // Server statement stats are cumulative on the server: the last trial's reading covers them all.
    serverQueryStats: last.serverQueryStats,
    gauges: { ...last.gauges },
    primaryFilter,
  };
  const plan = probes.find((p) => p.planExample !== undefined)?.planExample;
  if (plan !== undefined) out.planExample = plan;
  return out;
}

export function mergeOoda(parts: readonly (OodaSummary | null)[]): OodaSummary | null {
  const live = parts.filter((p): p is OodaSummary => p !== null);
  if (live.length === 0) return null;
  const sum = (k: 'loopsStarted' | 'loopsCompleted' | 'loopsFailed' | 'phaseExecutions') =>
    live.reduce((a, p) => a + p[k], 0);
  const errors: Record<string, number> = {};
  for (const p of live) addErrors(errors, p.errors);
  const phaseDurationMs: Record<string, LatencySummary> = {};
  for (const phase of new Set(live.flatMap((p) => Object.keys(p.phaseDurationMs)))) {
    const s = mergeSummariesUpper(
      live.flatMap((p) => (p.phaseDurationMs[phase] ? [p.phaseDurationMs[phase]] : [])),
    );
    if (s) phaseDurationMs[phase] = s;
  }
  const intervals = live.filter((p) => p.loopIntervalSec !== undefined && p.loopsStarted > 1);
  const gaps = intervals.reduce((a, p) => a + p.loopsStarted - 1, 0);
  const out: OodaSummary = {
    loopsStarted: sum('loopsStarted'),
    loopsCompleted: sum('loopsCompleted'),
    loopsFailed: sum('loopsFailed'),
    phaseExecutions: sum('phaseExecutions'),
    successRate: weighted(live.map((p) => ({ m: p.successRate, weight: p.phaseExecutions }))),
    errors,
    phaseDurationMs,
    maxQueueDepth: maxOf(live.map((p) => p.maxQueueDepth)),
    queueDepthMaxByQueue: maxRecord(live.map((p) => p.queueDepthMaxByQueue)),
  };
  if (gaps > 0)
    out.loopIntervalSec = intervals.reduce((a, p) => a + p.loopIntervalSec! * (p.loopsStarted - 1), 0) / gaps;
  const loop = mergeSummariesUpper(live.flatMap((p) => (p.loopLatencyMs ? [p.loopLatencyMs] : [])));
  if (loop) out.loopLatencyMs = loop;
  return out;
}

export function mergeClient(parts: readonly ClientHealth[]): ClientHealth {
  const mean = (f: (c: ClientHealth) => number) => parts.reduce((a, c) => a + f(c), 0) / parts.length;
  const out: ClientHealth = {
    cpuPercent: mean((c) => c.cpuPercent),
    eventLoopLagP99Ms: Math.max(...parts.map((c) => c.eventLoopLagP99Ms)),
    eventLoopLagMaxMs: Math.max(...parts.map((c) => c.eventLoopLagMaxMs)),
    bottleneck: parts.some((c) => c.bottleneck),
    reasons: parts.flatMap((c, i) => c.reasons.map((r) => `trial ${i + 1}: ${r}`)),
  };
  if (parts.every((c) => c.eventLoopUtilization !== undefined))
    out.eventLoopUtilization = mean((c) => c.eventLoopUtilization!);
  if (out.bottleneck) out.limitedBy = 'client';
  else if (parts.some((c) => c.limitedBy === 'server')) out.limitedBy = 'server';
  const server = parts.flatMap((c, i) => (c.serverReasons ?? []).map((r) => `trial ${i + 1}: ${r}`));
  if (server.length > 0) out.serverReasons = server;
  return out;
}

/** Operations in first-seen order, each merged over the trials that ran it, and the merged total. */
export function mergeOperations(runs: readonly TrialRun[]): {
  operations: OperationStats[];
  total: OperationStats;
} {
  const sec = runs.reduce((a, r) => a + r.measuredSec, 0);
  const names: string[] = [];
  for (const r of runs) for (const o of r.result.operations) if (!names.includes(o.op)) names.push(o.op);
  const operations = names.map((op) =>
    mergeOperationStats(
      op,
      runs.flatMap((r) => r.result.operations.filter((o) => o.op === op)),
      sec,
    ),
  );
  const total = mergeOperationStats(
    TOTAL_OP,
    runs.map((r) => r.result.total),
    sec,
  );
  return { operations, total };
}
