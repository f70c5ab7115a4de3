import type { OodaCurve, OodaPoint } from '../model/capacity.ts';
import type { RunResult } from '../model/result.ts';
import { roundRate } from './search-plan.ts';

/**
 * The OODA side of capacity: queue depth and phase duration against the offered trigger rate, and the
 * highest trigger rate that meets the runbook's queue depth target (max depth below `depthLimit`), found
 * as the rate search finds the knee (search-plan.ts): geometric steps up while the target holds, then
 * bisection at geometric midpoints between the highest rate that met it and the lowest that did not,
 * until they are within `resolution` of each other.
 */

export interface OodaPlan {
  startTriggersPerSec: number;
  growth: number;
  maxTriggersPerSec: number;
  depthLimit: number;
  /** Bisect until (first failing - last passing) / last passing is at most this. */
  resolution: number;
}

/** The highest rate meeting the target below the lowest rate that does not (either undefined when none). */
export interface OodaBracket {
  lastGood: number | undefined;
  firstBad: number | undefined;
}

/** A step fails the target when its max queue depth reached the limit. */
const fails = (p: OodaPoint, limit: number) => p.maxQueueDepth !== null && p.maxQueueDepth >= limit;

export function oodaBracket(points: readonly OodaPoint[], depthLimit: number): OodaBracket {
  const bads = points.filter((p) => fails(p, depthLimit)).map((p) => p.triggersPerSec);
  const firstBad = bads.length ? Math.min(...bads) : undefined;
  const goods = points
    .filter((p) => !fails(p, depthLimit) && (firstBad === undefined || p.triggersPerSec < firstBad))
    .map((p) => p.triggersPerSec);
  return { lastGood: goods.length ? Math.max(...goods) : undefined, firstBad };
}

/**
 * The next trigger rate, or undefined when the search is done: the bracket is within the resolution,
 * the first rate already fails, the max rate met the target, or a step could not read the queue depth
 * (an engine without it: nothing to search on).
 */
export function nextTriggerRate(points: readonly OodaPoint[], p: OodaPlan): number | undefined {
  if (points.length === 0) return roundRate(Math.min(p.startTriggersPerSec, p.maxTriggersPerSec));
  if (points.some((q) => q.maxQueueDepth === null)) return undefined;
  const { lastGood, firstBad } = oodaBracket(points, p.depthLimit);
  if (lastGood === undefined) return undefined;
  if (firstBad === undefined)
    return lastGood >= p.maxTriggersPerSec
      ? undefined
      : roundRate(Math.min(lastGood * p.growth, p.maxTriggersPerSec));
  if ((firstBad - lastGood) / lastGood <= p.resolution) return undefined;
  const mid = roundRate(Math.sqrt(lastGood * firstBad));
  return mid > lastGood && mid < firstBad && !points.some((q) => q.triggersPerSec === mid) ? mid : undefined;
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

/** One decimal from 10/s up, two below (the rate texts of the summary). */
const tpsText = (r: number) => r.toFixed(r >= 10 ? 1 : 2);

/**
 * The curve (points in rate order, as the chart plots them), the highest rate measured meeting the
 * target below the first that failed, and the crossing: where the max depth reaches the limit,
 * interpolated linearly between the two ends of that bracket.
 */
export function oodaCurve(measured: readonly OodaPoint[], depthLimit: number): OodaCurve {
  const points = [...measured].sort((a, b) => a.triggersPerSec - b.triggersPerSec);
  const { lastGood, firstBad } = oodaBracket(points, depthLimit);
  const at = (r: number | undefined) => points.find((p) => p.triggersPerSec === r);
  let limit: number | null = null;
  if (firstBad !== undefined) {
    const a = at(lastGood);
    const b = at(firstBad)!;
    const da = a?.maxQueueDepth ?? 0;
    const db = b.maxQueueDepth!;
    limit =
      a && db > da
        ? a.triggersPerSec + ((depthLimit - da) * (b.triggersPerSec - a.triggersPerSec)) / (db - da)
        : b.triggersPerSec;
  }
  const last = points[points.length - 1];
  const summary =
    firstBad === undefined
      ? last
        ? `queue depth stayed below ${depthLimit} up to ${last.triggersPerSec} triggers/s (max ${last.maxQueueDepth ?? 'n/a'})`
        : 'no OODA step ran'
      : lastGood === undefined
        ? `queue depth reached ${depthLimit} already at the first step, ${firstBad} triggers/s`
        : `queue depth passes ${depthLimit} at about ${tpsText(limit!)} triggers/s (between ${lastGood} and ${firstBad}); highest rate within the target: ${lastGood} triggers/s`;
  return {
    points,
    depthLimit,
    limitTriggersPerSec: limit,
    maxWithinTargetTriggersPerSec: lastGood ?? null,
    bracket: lastGood !== undefined && firstBad !== undefined ? [lastGood, firstBad] : null,
    summary,
  };
}
