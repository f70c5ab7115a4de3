import type { TargetResult } from '../model/result.ts';
import { observedUnit, type Comparator } from './grammar.ts';
import { resolveMetric } from './metrics.ts';
import type { MeasuredResult, Reading } from './reading.ts';
import type { TargetSpec } from './runbook.ts';

/**
 * Pure evaluation: a finished run and the resolved target specs in, one TargetResult per spec and the
 * overall verdict out. A target that could not be measured is n/a with its reason: it does not fail the
 * run, and it is never counted as a pass.
 */

export interface Evaluation {
  targets: TargetResult[];
  /** 'fail' when any target failed. n/a targets neither fail nor pass the run. */
  verdict: 'pass' | 'fail';
  passed: number;
  failed: number;
  na: number;
}

/** Strict comparisons are strict: an average of exactly 50 ms fails "avg < 50ms". */
export function compare(observed: number, cmp: Comparator, threshold: number): boolean {
  switch (cmp) {
    case '<':
      return observed < threshold;
    case '<=':
      return observed <= threshold;
    case '>':
      return observed > threshold;
    case '>=':
      return observed >= threshold;
  }
}

function read(result: MeasuredResult, spec: TargetSpec): Reading {
  if (spec.naReason) return { na: spec.naReason };
  const m = resolveMetric(spec.metric);
  // Specs come from resolveTargets, which already rejected unknown keys; stay total anyway.
  if (!m.ok) return { na: m.error };
  try {
    return m.def.read(result, spec.expression);
  } catch (err) {
    // A malformed result.json (e.g. a hand-edited one passed to `report`) must not crash the verdict.
    return { na: `cannot read ${spec.metric}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function joinNotes(...notes: (string | undefined)[]): string | undefined {
  const s = notes.filter((n): n is string => !!n).join('; ');
  return s.length > 0 ? s : undefined;
}

export function evaluateTarget(result: MeasuredResult, spec: TargetSpec): TargetResult {
  const base = {
    metric: spec.metric,
    expression: spec.expression.text,
    threshold: spec.expression.threshold,
    unit: observedUnit(spec.kind, spec.expression.aggregate),
    source: spec.source,
  };
  const reading = read(result, spec);
  if ('na' in reading) return { ...base, observed: null, verdict: 'n/a', reason: reading.na };
  if ('failed' in reading) return { ...base, observed: null, verdict: 'fail', reason: reading.failed };
  if (!Number.isFinite(reading.value))
    return { ...base, observed: null, verdict: 'n/a', reason: `${spec.metric} has no finite value` };
  const ok = compare(reading.value, spec.expression.cmp, spec.expression.threshold);
  const out: TargetResult = { ...base, observed: reading.value, verdict: ok ? 'pass' : 'fail' };
  const reason = joinNotes(reading.note, spec.note);
  if (reason) out.reason = reason;
  return out;
}

export function evaluateTargets(result: MeasuredResult, specs: readonly TargetSpec[]): Evaluation {
  const targets = specs.map((s) => evaluateTarget(result, s));
  return { targets, ...tally(targets) };
}

/** Counts and the overall verdict of already-evaluated targets (also used by reporters). */
export function tally(targets: readonly TargetResult[]): Omit<Evaluation, 'targets'> {
  let passed = 0;
  let failed = 0;
  let na = 0;
  for (const t of targets) {
    if (t.verdict === 'pass') passed++;
    else if (t.verdict === 'fail') failed++;
    else na++;
  }
  return { verdict: failed > 0 ? 'fail' : 'pass', passed, failed, na };
}
