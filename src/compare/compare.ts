import { TOTAL_OP } from '../metrics/operation-stats.ts';
import { graphOperations } from '../metrics/graph-ops.ts';
import type { RunResult } from '../model/result.ts';
import { isIgnoredMetric, type GateSettings } from '../scenario/gate.ts';
import { decide, gatherEvidence } from './judge.ts';
import { METRIC_DEFS, OPERATION_METRICS, RUN_METRICS, type GateMetric } from '../scenario/gate-metrics.ts';
import {
  COMPARE_SCHEMA,
  type CompareResult,
  type FingerprintDifference,
  type MetricComparison,
  type RunRef,
} from './model.ts';
import { extractMetric, viewOf, type RunView } from './extract.ts';

/**
 * Compare a candidate run with a baseline: every operation (and `total`) on p50, p95, p99, throughput and
 * error rate, plus the run-wide seek ratio and max queue depth, each with its change, interval and
 * verdict. Pure and deterministic: the bootstrap is seeded from the settings and the metric's name.
 * Comparability (fingerprints) is checked before this by the caller.
 */

export interface CompareInput {
  baseline: RunResult;
  candidate: RunResult;
  settings: GateSettings;
  labels: { baseline: string; candidate: string };
  ignoredDifferences?: FingerprintDifference[];
  /** Lines to add to the comparison's warnings (validity flags both runs share, or waived). */
  warnings?: string[];
}

function ref(v: RunView, label: string): RunRef {
  const r = v.result;
  return {
    label,
    runId: r.runId,
    startedAt: r.startedAt,
    trials: v.trials.length,
    scenario: typeof r.scenario.name === 'string' ? r.scenario.name : '',
    engine: r.engine.engine,
  };
}

/** Operations in baseline order, then any only the candidate ran, then `total`. */
function operationsOf(b: RunResult, c: RunResult): string[] {
  const ops = [...b.operations, ...graphOperations(b)].map((o) => o.op);
  for (const o of [...c.operations, ...graphOperations(c)]) if (!ops.includes(o.op)) ops.push(o.op);
  return [...ops.filter((o) => o !== TOTAL_OP), TOTAL_OP];
}

interface Views {
  baseline: RunView;
  candidate: RunView;
}

function compareOne(i: CompareInput, v: Views, op: string, metric: GateMetric): MetricComparison {
  const def = METRIC_DEFS[metric];
  const s = i.settings;
  const base = extractMetric(v.baseline, op, metric);
  const cand = extractMetric(v.candidate, op, metric);
  const bv = base.merged;
  const cv = cand.merged;
  const row: MetricComparison = {
    op,
    metric,
    unit: def.unit,
    worse: def.worse,
    scale: def.scale,
    baseline: 'value' in bv ? bv.value : null,
    candidate: 'value' in cv ? cv.value : null,
    change: null,
    interval: null,
    confidence: null,
    pValue: null,
    method: null,
    trials: { baseline: base.trials, candidate: cand.trials },
    minEffect: s.minEffect[metric],
    minEffectText: s.minEffectText[metric],
    significant: false,
    beyondMinEffect: false,
    verdict: 'n/a',
    gated: !isIgnoredMetric(s.ignoreMetrics, op, metric),
  };
  const e = gatherEvidence({ def, op, base, cand, settings: s });
  if ('na' in e) return { ...row, note: e.na };
  const d = decide(def, e, s.minEffect[metric], s.alpha);
  const out: MetricComparison = {
    ...row,
    change: e.change,
    interval: e.interval,
    confidence: e.confidence,
    pValue: d.pValue,
    method: e.method,
    significant: d.significant,
    beyondMinEffect: d.beyondMinEffect,
    verdict: d.verdict,
  };
  if (e.values) out.values = e.values;
  if (e.note) out.note = e.note;
  return out;
}

function warningsFor(i: CompareInput, v: Views): string[] {
  const w: string[] = [...(i.warnings ?? [])];
  const k = i.settings.minTrialsForRankTest;
  const nb = v.baseline.trials.length;
  const nc = v.candidate.trials.length;
  if (nb < k || nc < k)
    w.push(
      `${nb} baseline and ${nc} candidate trial(s): fewer than ${k} on a side, so intervals come from ` +
        'within-run sampling only (run-to-run noise is not in them); use --trials 5 for a gate you can trust.',
    );
  return w;
}

export function compareResults(i: CompareInput): CompareResult {
  const v: Views = { baseline: viewOf(i.baseline), candidate: viewOf(i.candidate) };
  const comparisons: MetricComparison[] = [];
  for (const op of operationsOf(i.baseline, i.candidate)) {
    for (const m of OPERATION_METRICS) comparisons.push(compareOne(i, v, op, m));
    if (op === TOTAL_OP) for (const m of RUN_METRICS) comparisons.push(compareOne(i, v, op, m));
  }
  const counts = { regressed: 0, improved: 0, unchanged: 0, na: 0, gated: 0 };
  for (const c of comparisons) {
    if (c.gated) counts.gated++;
    if (c.verdict === 'regressed') counts.regressed++;
    else if (c.verdict === 'improved') counts.improved++;
    else if (c.verdict === 'no change') counts.unchanged++;
    else counts.na++;
  }
  const failed = comparisons.some((c) => c.gated && c.verdict === 'regressed');
  const s = i.settings;
  return {
    schema: COMPARE_SCHEMA,
    baseline: ref(v.baseline, i.labels.baseline),
    candidate: ref(v.candidate, i.labels.candidate),
    settings: {
      alpha: s.alpha,
      confidence: 1 - 2 * s.alpha,
      bootstrapResamples: s.bootstrapResamples,
      seed: s.seed,
      minTrialsForRankTest: s.minTrialsForRankTest,
      minTailSamples: s.minTailSamples,
      minEffect: { ...s.minEffectText },
      ignoreMetrics: [...s.ignoreMetrics],
    },
    ignoredDifferences: i.ignoredDifferences ?? [],
    warnings: warningsFor(i, v),
    comparisons,
    counts,
    verdict: failed ? 'fail' : 'pass',
  };
}
