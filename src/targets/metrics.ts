import { decodeHistogram, mergeInto, createLatencyHistogram, summarize } from '../metrics/histogram.ts';
import { errorCount } from '../metrics/operation-stats.ts';
import type { LatencySummary, Measured, OperationStats, RunResult } from '../model/result.ts';
import { isSpatialOperation, OPERATION_NAMES } from '../model/operations.ts';
import type { Comparator, MetricKind, TargetExpression } from './grammar.ts';

/**
 * The metric keys a target can name, and how each is read from a finished run. A metric that could not be
 * measured (Measured `{na}`, an operation with no samples, OODA not running) reads as n/a with the reason:
 * never as 0, so it can never pass by accident.
 */

/** A run before its targets are judged. */
export type MeasuredResult = Omit<RunResult, 'targets' | 'verdict'>;

/** A value in the unit of the expression (ms, 0..1, count, ops/s), with an optional note for the report. */
/**
 * What a target reads: a value; n/a (the engine or the scenario cannot measure it: never a pass, never a
 * fail); or failed without a value (operations were attempted and every one failed: there is no latency
 * to judge, and a run whose every query timed out must not pass).
 */
export type Reading = { value: number; note?: string } | { na: string } | { failed: string };

export interface MetricDef {
  key: string;
  kind: MetricKind;
  read(result: MeasuredResult, expr: TargetExpression): Reading;
}

const OODA_OFF = 'OODA traffic did not run in this scenario (ooda.enabled is false)';

const na = (reason: string): Reading => ({ na: reason });

function fromMeasured(m: Measured<number>): Reading {
  return 'value' in m ? { value: m.value } : na(m.na);
}

/** The aggregate's value from a latency summary (ms), or its sample count. */
function pick(s: LatencySummary, expr: TargetExpression): number {
  switch (expr.aggregate) {
    case 'avg':
    case 'mean':
      return s.mean;
    case 'min':
      return s.min;
    case 'max':
      return s.max;
    case 'p50':
      return s.p50;
    case 'p90':
      return s.p90;
    case 'p95':
      return s.p95;
    case 'p99':
      return s.p99;
    case 'p99.9':
      return s.p999;
    case 'count':
      return s.count;
    default:
      // Unreachable after checkFitsKind; NaN makes evaluation report n/a rather than a verdict.
      return Number.NaN;
  }
}

function latencyReading(s: LatencySummary | undefined, what: string, expr: TargetExpression): Reading {
  if (!s || s.count === 0) return na(`no successful ${what} was measured`);
  return { value: pick(s, expr) };
}

/** The operations were attempted in the measured window and every attempt failed: the errors by class. */
function everyAttemptFailed(ops: readonly OperationStats[], what: string): Reading | undefined {
  let attempts = 0;
  const byClass: Record<string, number> = {};
  for (const o of ops) {
    if (o.latencyMs.count > 0) return undefined;
    attempts += o.count;
    for (const [k, n] of Object.entries(o.errors)) byClass[k] = (byClass[k] ?? 0) + n;
  }
  if (attempts === 0 || Object.keys(byClass).length === 0) return undefined;
  const classes = Object.entries(byClass)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return { failed: `every ${what} failed in the measured window (${attempts} attempts: ${classes})` };
}

function findOp(result: MeasuredResult, op: string): OperationStats | undefined {
  return result.operations.find((o) => o.op === op);
}

const notInWorkload = (op: string): Reading => na(`operation "${op}" is not in this scenario's workload`);

/** All spatial operations (model/operations.ts) merged from their encoded histograms: true percentiles of the union. */
function readSpatialLatency(result: MeasuredResult, expr: TargetExpression): Reading {
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

function readThroughput(stats: OperationStats | undefined, what: string, expr: TargetExpression): Reading {
  if (!stats) return na(`${what} is not in this scenario's workload`);
  if (stats.count === 0) return na(`no ${what} operation completed in the measured window`);
  return { value: expr.aggregate === 'count' ? stats.count : stats.throughputPerSec };
}

function readQueueDepth(result: MeasuredResult, expr: TargetExpression): Reading {
  if (expr.aggregate === 'avg') {
    // The average of the per-interval maxima (server-sampled), warm-up excluded.
    const depths = result.timeseries.flatMap((p) =>
      !p.warmup && p.queueDepth !== undefined ? [p.queueDepth] : [],
    );
    if (depths.length === 0) return na('no queue depth was sampled in the measured intervals');
    return { value: depths.reduce((a, b) => a + b, 0) / depths.length, note: 'mean of per-interval maxima' };
  }
  // The driver's own maximum first, else the probe's: in attach mode the probe still reads the real queues.
  if (result.ooda && 'value' in result.ooda.maxQueueDepth) return { value: result.ooda.maxQueueDepth.value };
  if ('value' in result.probes.queueDepthMax) return { value: result.probes.queueDepthMax.value };
  const reasons = [result.ooda ? result.ooda.maxQueueDepth : { na: OODA_OFF }, result.probes.queueDepthMax]
    .map((m) => ('na' in m ? m.na : ''))
    .filter((s, i, all) => s && all.indexOf(s) === i);
  return na(reasons.join('; '));
}

/** Larger is worse for `<`/`<=` targets and smaller is worse for `>`/`>=`: judge the worst phase. */
function worse(cmp: Comparator, a: number, b: number): boolean {
  return cmp === '<' || cmp === '<=' ? a > b : a < b;
}

function readPhaseDuration(result: MeasuredResult, expr: TargetExpression): Reading {
  if (!result.ooda) return na(OODA_OFF);
  let worst: { phase: string; value: number } | undefined;
  for (const [phase, s] of Object.entries(result.ooda.phaseDurationMs)) {
    if (s.count === 0) continue;
    const value = pick(s, expr);
    if (!worst || worse(expr.cmp, value, worst.value)) worst = { phase, value };
  }
  if (!worst) return na('no OODA phase completed in the measured window');
  return { value: worst.value, note: `worst phase: ${worst.phase}` };
}

function readServerAvgDuration(result: MeasuredResult): Reading {
  const m = result.probes.serverQueryStats;
  if ('na' in m) return na(m.na);
  if (m.value.executions === 0) return na('the server recorded no executions of the spatial query');
  return { value: m.value.avgDurationMs };
}

const NEO4J_OFF = 'the graph side did not run (no --neo4j-url / ATOMBENCH_NEO4J_URL / neo4j.url)';

function readNeo4jQueueDepth(result: MeasuredResult, expr: TargetExpression): Reading {
  const g = result.neo4j;
  if (!g) return na(NEO4J_OFF);
  if (expr.aggregate === 'avg' || expr.aggregate === 'mean')
    return g.queueDepthMean !== undefined
      ? { value: g.queueDepthMean, note: 'mean of samples' }
      : na('the Neo4j sync queue depth could not be sampled in the measured window');
  return fromMeasured(g.queueDepthMax);
}

/**
 * interference.spatial: the worst spatial operation's p50/p95 inside the maintenance windows over outside
 * them, from the interference stats the maintenance section computed (run/interference.ts). n/a with the
 * reason when no maintenance section ran, no window happened, or a side had too few samples.
 */
function readSpatialInterference(result: MeasuredResult, expr: TargetExpression): Reading {
  const m = result.maintenance;
  if (!m) return na('no maintenance: section ran in this scenario');
  if (m.windows.length === 0) return na('no maintenance window happened in the measured run');
  const stats = m.interference.filter((s) => isSpatialOperation(s.op));
  if (stats.length === 0) return na("no spatial.* operation is in this scenario's workload");
  let worst: { op: string; value: number } | undefined;
  const reasons: string[] = [];
  for (const s of stats) {
    if ('na' in s.p95Ratio) {
      reasons.push(`${s.op}: ${s.p95Ratio.na}`);
      continue;
    }
    const value = expr.aggregate === 'p50' ? s.inside.p50Ms / s.outside.p50Ms : s.p95Ratio.value.ratio;
    if (!Number.isFinite(value)) continue;
    if (!worst || worse(expr.cmp, value, worst.value)) worst = { op: s.op, value };
  }
  if (!worst) return na(reasons.join('; ') || 'no finite inside/outside ratio');
  const ci = stats.find((s) => s.op === worst.op)?.p95Ratio;
  const interval =
    expr.aggregate === 'p95' && ci && 'value' in ci
      ? ` (95% interval ${ci.value.lo.toFixed(2)}-${ci.value.hi.toFixed(2)})`
      : '';
  return { value: worst.value, note: `worst operation: ${worst.op}${interval}` };
}

const FIXED: MetricDef[] = [
  { key: 'interference.spatial', kind: 'interferenceRatio', read: readSpatialInterference },
  {
    key: 'latency.all',
    kind: 'latency',
    read: (r, e) =>
      everyAttemptFailed([r.total], 'operation') ?? latencyReading(r.total.latencyMs, 'operation', e),
  },
  { key: 'latency.spatial', kind: 'latency', read: readSpatialLatency },
  { key: 'throughput.all', kind: 'throughput', read: (r, e) => readThroughput(r.total, 'any operation', e) },
  {
    key: 'errors.rate',
    kind: 'ratio',
    read: (r) =>
      r.total.count === 0
        ? na('no operation completed in the measured window')
        : { value: errorCount(r.total) / r.total.count },
  },
  { key: 'seekRatio', kind: 'ratio', read: (r) => fromMeasured(r.probes.seekRatio) },
  { key: 'cacheHitRatio', kind: 'ratio', read: (r) => fromMeasured(r.probes.cacheHitRatio) },
  { key: 'ooda.queueDepth', kind: 'gauge', read: readQueueDepth },
  { key: 'ooda.phaseDuration', kind: 'latency', read: readPhaseDuration },
  {
    key: 'ooda.successRate',
    kind: 'ratio',
    read: (r) => (r.ooda ? fromMeasured(r.ooda.successRate) : na(OODA_OFF)),
  },
  {
    key: 'ooda.loopLatency',
    kind: 'latency',
    read: (r, e) => (r.ooda ? latencyReading(r.ooda.loopLatencyMs, 'OODA loop', e) : na(OODA_OFF)),
  },
  {
    // The runbook's "execution frequency": the mean interval between Analyze triggers, in ms like any time.
    key: 'ooda.loopInterval',
    kind: 'meanLatency',
    read: (r) => {
      if (!r.ooda) return na(OODA_OFF);
      const sec = r.ooda.loopIntervalSec;
      if (sec === undefined || !Number.isFinite(sec))
        return na('fewer than two OODA loops were triggered in the measured window, so there is no interval');
      return { value: sec * 1000 };
    },
  },
  { key: 'server.avgDuration', kind: 'meanLatency', read: readServerAvgDuration },
  { key: 'load.dropRatio', kind: 'ratio', read: readDropRatio },
  {
    key: 'neo4j.syncLag',
    kind: 'latency',
    read: (r, e) => (r.neo4j ? latencyReading(r.neo4j.syncLagMs, 'Neo4j sync request', e) : na(NEO4J_OFF)),
  },
  {
    key: 'neo4j.mergeLatency',
    kind: 'latency',
    read: (r, e) =>
      r.neo4j ? latencyReading(r.neo4j.mergeLatencyMs, 'Neo4j MERGE batch', e) : na(NEO4J_OFF),
  },
  { key: 'neo4j.queueDepth', kind: 'gauge', read: readNeo4jQueueDepth },
];

/** Open loop: arrivals dropped because maxInFlight was busy / arrivals due in the measured window. */
function readDropRatio(result: MeasuredResult): Reading {
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

function perOp(op: string): MetricDef[] {
  const defs: MetricDef[] = [
    {
      key: `latency.${op}`,
      kind: 'latency',
      read: (r, e) => {
        const s = findOp(r, op);
        if (!s) return notInWorkload(op);
        return (
          everyAttemptFailed([s], `${op} operation`) ?? latencyReading(s.latencyMs, `${op} operation`, e)
        );
      },
    },
    { key: `throughput.${op}`, kind: 'throughput', read: (r, e) => readThroughput(findOp(r, op), op, e) },
  ];
  if (isSpatialOperation(op))
    defs.push({
      key: `primaryFilter.${op}`,
      kind: 'ratio',
      read: (r) => {
        const s = findOp(r, op);
        if (!s) return notInWorkload(op);
        if (s.count === 0) return na(`no ${op} operation completed in the measured window`);
        if (s.primaryFilterEfficiency === undefined)
          return na(`the ${r.engine.engine} engine did not report index candidate rows for ${op}`);
        // Sampled efficiency (from probes) is an estimate: say so beside the verdict.
        return s.primaryFilterSource === 'sampled'
          ? { value: s.primaryFilterEfficiency, note: 'from sampled queries' }
          : { value: s.primaryFilterEfficiency };
      },
    });
  return defs;
}

const DEFS = new Map<string, MetricDef>([...FIXED, ...OPERATION_NAMES.flatMap(perOp)].map((d) => [d.key, d]));

/** Every valid metric key, in a stable order for messages and help. */
export const METRIC_KEYS: readonly string[] = [...DEFS.keys()].sort();

export type ResolveMetric = { ok: true; def: MetricDef } | { ok: false; error: string };

export function resolveMetric(key: string): ResolveMetric {
  const def = DEFS.get(key);
  if (def) return { ok: true, def };
  return { ok: false, error: `unknown metric "${key}"; valid: ${METRIC_KEYS.join(', ')}` };
}
