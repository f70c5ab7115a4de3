import type { OodaCurve, OodaPoint } from '../model/capacity.ts';
import type { RunResult } from '../model/result.ts';
import { roundRate } from './search-plan.ts';

/**
 * The OODA side of capacity: queue depth and phase duration against the offered trigger rate, stepped
 * geometrically, and the rate at which the max queue depth reaches the runbook's limit (interpolated
 * linearly between the last step below it and the first at or above it).
 */

export interface OodaPlan {
  startTriggersPerSec: number;
  growth: number;
  maxTriggersPerSec: number;
  depthLimit: number;
}

/** The next trigger rate, or undefined when the curve is done (the limit was reached, or the max rate). */
export function nextTriggerRate(points: readonly OodaPoint[], p: OodaPlan): number | undefined {
  if (points.length === 0) return roundRate(Math.min(p.startTriggersPerSec, p.maxTriggersPerSec));
  const last = points[points.length - 1]!;
  if (last.maxQueueDepth !== null && last.maxQueueDepth >= p.depthLimit) return undefined;
  if (last.triggersPerSec >= p.maxTriggersPerSec) return undefined;
  return roundRate(Math.min(last.triggersPerSec * p.growth, p.maxTriggersPerSec));
}

export function oodaPoint(r: RunResult, triggersPerSec: number, resultFile: string): OodaPoint {
  const o = r.ooda;
  const phases = o ? Object.values(o.phaseDurationMs).filter((s) => s.count > 0) : [];
  const count = phases.reduce((a, s) => a + s.count, 0);
  const depths = r.timeseries.flatMap((p) => (!p.warmup && p.queueDepth !== undefined ? [p.queueDepth] : []));
  const max = o && 'value' in o.maxQueueDepth ? o.maxQueueDepth.value : null;
  return {
    triggersPerSec,
    maxQueueDepth: max,
    avgQueueDepth: depths.length ? depths.reduce((a, b) => a + b, 0) / depths.length : null,
    // Mean over all phase executions; p95 of the slowest phase (an upper bound of the union's p95).
    phaseDurationAvgMs: count ? phases.reduce((a, s) => a + s.mean * s.count, 0) / count : null,
    phaseDurationP95Ms: phases.length ? Math.max(...phases.map((s) => s.p95)) : null,
    loopsCompleted: o?.loopsCompleted ?? 0,
    runId: r.runId,
    resultFile,
  };
}

export function oodaCurve(points: OodaPoint[], depthLimit: number): OodaCurve {
  let limit: number | null = null;
  const at = points.findIndex((p) => p.maxQueueDepth !== null && p.maxQueueDepth >= depthLimit);
  if (at === 0) limit = points[0]!.triggersPerSec;
  else if (at > 0) {
    const a = points[at - 1]!;
    const b = points[at]!;
    const da = a.maxQueueDepth ?? 0;
    const db = b.maxQueueDepth!;
    limit =
      db > da
        ? a.triggersPerSec + ((depthLimit - da) * (b.triggersPerSec - a.triggersPerSec)) / (db - da)
        : b.triggersPerSec;
  }
  const last = points[points.length - 1];
  const summary =
    limit === null
      ? last
        ? `queue depth stayed below ${depthLimit} up to ${last.triggersPerSec} triggers/s (max ${last.maxQueueDepth ?? 'n/a'})`
        : 'no OODA step ran'
      : at === 0
        ? `queue depth reached ${depthLimit} already at the first step, ${limit} triggers/s`
        : `queue depth passes ${depthLimit} at about ${limit.toFixed(limit >= 10 ? 1 : 2)} triggers/s (between ${points[at - 1]!.triggersPerSec} and ${points[at]!.triggersPerSec})`;
  return { points, depthLimit, limitTriggersPerSec: limit, summary };
}
