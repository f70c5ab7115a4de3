import type { CapacityStep, StepCheck, StepPhase } from '../model/capacity.ts';
import type { RunResult, TargetResult } from '../model/result.ts';
import { stepHealth } from './step-health.ts';

/**
 * Pure judging of one capacity step: every target of the run (as evaluated into result.json), plus the
 * drop limit, each with a margin (1 = at its limit, > 1 failing) so the search can interpolate where a
 * check crosses its limit between two rates.
 */

const LOWER_LIMIT = /^\s*(>|>=)/;

/** `latency.spatial p95` from metric `latency.spatial` and expression `p95 < 100ms`. */
export function checkName(metric: string, expression: string): string {
  const aggregate = expression.trim().split(/\s|<|>/)[0] ?? '';
  return aggregate ? `${metric} ${aggregate}` : metric;
}

/** observed / threshold for `<` limits, threshold / observed for `>` limits; null when not measured. */
export function marginOf(observed: number | null, threshold: number, lowerLimit: boolean): number | null {
  if (observed === null || !Number.isFinite(observed)) return null;
  if (lowerLimit) return observed > 0 ? threshold / observed : Number.POSITIVE_INFINITY;
  if (threshold > 0) return observed / threshold;
  return observed > 0 ? Number.POSITIVE_INFINITY : 0;
}

export function targetCheck(t: TargetResult): StepCheck {
  const lower = LOWER_LIMIT.test(t.expression.replace(/^[A-Za-z0-9.]+/, ''));
  return {
    name: checkName(t.metric, t.expression),
    expression: t.expression,
    observed: t.observed,
    threshold: t.threshold,
    unit: t.unit,
    verdict: t.verdict,
    margin: t.verdict === 'n/a' ? null : marginOf(t.observed, t.threshold, lower),
  };
}

export function dropCheck(dropRatio: number, maxDropRatio: number): StepCheck {
  const fail = dropRatio > maxDropRatio;
  return {
    name: 'dropRatio',
    expression: `<= ${(maxDropRatio * 100).toFixed(maxDropRatio < 0.01 ? 2 : 1)} %`,
    observed: dropRatio,
    threshold: maxDropRatio,
    unit: 'ratio',
    verdict: fail ? 'fail' : 'pass',
    margin: maxDropRatio > 0 ? dropRatio / maxDropRatio : dropRatio > 0 ? Number.POSITIVE_INFINITY : 0,
  };
}

export interface StepInput {
  result: RunResult;
  index: number;
  phase: StepPhase;
  trial: number;
  maxDropRatio: number;
  /** capacity.clientBound: `stop` makes a flagged step client-bound; `judge` judges it on its checks. */
  clientBound: 'stop' | 'judge';
  wallSec: number;
  resultFile: string;
}

/** One run -> one judged step. */
export function judgeStep(i: StepInput): CapacityStep {
  const r = i.result;
  const h = stepHealth(r);
  const checks = [...r.targets.map(targetCheck), dropCheck(h.dropRatio, i.maxDropRatio)];
  const failed = checks.some((c) => c.verdict === 'fail');
  // A client that could not keep the schedule measured itself: that step says nothing about the server.
  const verdict = h.clientBound && i.clientBound === 'stop' ? 'client-bound' : failed ? 'bad' : 'good';
  return {
    index: i.index,
    phase: i.phase,
    trial: i.trial,
    offeredRatePerSec: h.offeredRatePerSec,
    achievedRatePerSec: h.achievedRatePerSec,
    dropped: h.dropped,
    dropRatio: h.dropRatio,
    verdict,
    checks,
    clientFlagged: h.clientBound,
    clientReasons: h.clientReasons,
    latencyMs: Object.fromEntries(r.operations.map((o) => [o.op, o.latencyMs])),
    totalLatencyMs: r.total.latencyMs,
    wallSec: i.wallSec,
    runId: r.runId,
    resultFile: i.resultFile,
  };
}
