import type { LatencySummary, Measured, OperationStats, RunResult } from '../model/result.ts';
import type { Comparator, TargetExpression } from './grammar.ts';

/**
 * What a metric reads from a finished run, and the pieces every reader shares. A metric that could not
 * be measured reads as n/a with the reason: never as 0, so it can never pass by accident.
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

export const na = (reason: string): Reading => ({ na: reason });

export function fromMeasured(m: Measured<number>): Reading {
  return 'value' in m ? { value: m.value } : na(m.na);
}

/** The aggregate's value from a latency summary (ms), or its sample count. */
export function pick(s: LatencySummary, expr: TargetExpression): number {
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

export function latencyReading(s: LatencySummary | undefined, what: string, expr: TargetExpression): Reading {
  if (!s || s.count === 0) return na(`no successful ${what} was measured`);
  return { value: pick(s, expr) };
}

/** The operations were attempted in the measured window and every attempt failed: the errors by class. */
export function everyAttemptFailed(ops: readonly OperationStats[], what: string): Reading | undefined {
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

/** Larger is worse for `<`/`<=` targets and smaller is worse for `>`/`>=`: judge the worst phase. */
export function worse(cmp: Comparator, a: number, b: number): boolean {
  return cmp === '<' || cmp === '<=' ? a > b : a < b;
}
