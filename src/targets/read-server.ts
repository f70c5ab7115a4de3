import { isSpatialOperation } from '../model/operations.ts';
import type { TargetExpression } from './grammar.ts';
import { fromMeasured, na, pick, worse, type MeasuredResult, type Reading } from './reading.ts';

/** How the server side's metrics are read: OODA queues and phases, server stats, Neo4j, maintenance. */

export const OODA_OFF = 'OODA traffic did not run in this scenario (ooda.enabled is false)';
export const NEO4J_OFF = 'the graph side did not run (no --neo4j-url / ATOMBENCH_NEO4J_URL / neo4j.url)';

export function readQueueDepth(result: MeasuredResult, expr: TargetExpression): Reading {
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

export function readPhaseDuration(result: MeasuredResult, expr: TargetExpression): Reading {
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

/** The runbook's "execution frequency": the mean interval between Analyze triggers, in ms like any time. */
export function readLoopInterval(r: MeasuredResult): Reading {
  if (!r.ooda) return na(OODA_OFF);
  const sec = r.ooda.loopIntervalSec;
  if (sec === undefined || !Number.isFinite(sec))
    return na('fewer than two OODA loops were triggered in the measured window, so there is no interval');
  return { value: sec * 1000 };
}

export function readServerAvgDuration(result: MeasuredResult): Reading {
  const m = result.probes.serverQueryStats;
  if ('na' in m) return na(m.na);
  if (m.value.executions === 0) return na('the server recorded no executions of the spatial query');
  return { value: m.value.avgDurationMs };
}

export function readNeo4jQueueDepth(result: MeasuredResult, expr: TargetExpression): Reading {
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
export function readSpatialInterference(result: MeasuredResult, expr: TargetExpression): Reading {
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
