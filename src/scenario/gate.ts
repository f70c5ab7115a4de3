import { GATE_METRICS, METRIC_DEFS, effectOnScale, isGateMetric, type GateMetric } from './gate-metrics.ts';

/**
 * The gate's settings: the scenario's `gate` section (carried in result.json's resolved scenario), then
 * command-line overrides. Min-effect strings are written in each metric's own unit:
 *
 *   p50|p95|p99|throughput: <number>%      e.g. `p95: 10%`  (relative change)
 *   errorRate|seekRatio:     <number>pp     e.g. `errorRate: 1pp` (percentage points of a ratio)
 *   maxQueueDepth:           <number>       e.g. `maxQueueDepth: 5` (messages)
 *
 * A number in another unit is refused with the metric named, rather than guessed.
 */

export interface GateSettings {
  /** One-sided significance level of each regression (and improvement) test. */
  alpha: number;
  /** Per metric, on the metric's change scale (0.10 for 10 %, 0.01 for 1 pp, 5 for 5 messages). */
  minEffect: Record<GateMetric, number>;
  /** The same, as written (`10%`, `1pp`, `5`), for reports. */
  minEffectText: Record<GateMetric, string>;
  /** Fingerprint fields (or prefixes) whose differences do not block a comparison. */
  ignoreFingerprint: string[];
  /** Metrics reported but not gated: `p99`, `ingest`, `spatial.knn.p99`, `total.seekRatio`. */
  ignoreMetrics: string[];
  bootstrapResamples: number;
  /** Seeds the bootstrap: the same inputs give the same intervals. */
  seed: number;
  /** Trials per side from which the per-trial rank test is used instead of the histogram bootstrap. */
  minTrialsForRankTest: number;
  /** A percentile is gated only when every trial holds this many samples beyond it (judge.ts). */
  minTailSamples: number;
}

export const GATE_DEFAULTS = {
  trials: 1,
  alpha: 0.05,
  bootstrapResamples: 2000,
  seed: 1,
  /** 3 against 3 is the smallest design whose exact one-sided U test can reach p = 0.05 (1 / C(6,3)). */
  minTrialsForRankTest: 3,
  /** 10 samples beyond the percentile: p50 needs 20 per trial, p95 200, p99 1000. */
  minTailSamples: 10,
} as const;

const fmtNum = (n: number): string => String(Number(n.toFixed(6)));

export function formatMinEffect(metric: GateMetric, value: number): string {
  const def = METRIC_DEFS[metric];
  return `${fmtNum(value)}${def.effectUnit}`;
}

/** Parse `10%`, `1pp`, `5` for `metric`; the error names what the metric expects. */
export function parseMinEffect(metric: string, text: string): { value: number } | { error: string } {
  if (!isGateMetric(metric))
    return { error: `unknown metric "${metric}"; valid: ${GATE_METRICS.join(', ')}` };
  const def = METRIC_DEFS[metric];
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%|pp)?\s*$/.exec(text);
  const example = `${def.defaultMinEffect}${def.effectUnit}`;
  const what =
    def.effectUnit === '%' ? 'a percentage' : def.effectUnit === 'pp' ? 'percentage points' : 'a count';
  if (!m || (m[2] ?? '') !== def.effectUnit)
    return { error: `expected ${what} like ${example}; got "${text}"` };
  return { value: effectOnScale(def, Number(m[1])) };
}

export interface GateOverrides {
  /** `p95=5%,throughput=15%` from --min-effect. */
  minEffect?: string;
  ignoreFingerprint?: string[];
  ignoreMetrics?: string[];
  alpha?: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const num = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) ? v : fallback;

/**
 * Settings from a scenario's `gate` section (any shape: it comes from a result file) plus overrides.
 * Problems name their field (`gate.minEffect.p95`, `--min-effect p95`) and are returned all at once.
 */
export function resolveGate(
  section: unknown,
  o: GateOverrides = {},
): { settings: GateSettings; problems: string[] } {
  const g = isRecord(section) ? section : {};
  const problems: string[] = [];
  const minEffect = {} as Record<GateMetric, number>;
  const minEffectText = {} as Record<GateMetric, string>;
  for (const m of GATE_METRICS) {
    minEffect[m] = effectOnScale(METRIC_DEFS[m], METRIC_DEFS[m].defaultMinEffect);
    minEffectText[m] = formatMinEffect(m, METRIC_DEFS[m].defaultMinEffect);
  }
  const apply = (field: string, metric: string, text: string): void => {
    const r = parseMinEffect(metric, text);
    if ('error' in r) problems.push(`${field}: ${r.error}`);
    else if (isGateMetric(metric)) {
      minEffect[metric] = r.value;
      minEffectText[metric] = text.trim();
    }
  };
  if (isRecord(g.minEffect))
    for (const [metric, text] of Object.entries(g.minEffect))
      apply(`gate.minEffect.${metric}`, metric, String(text));
  if (o.minEffect !== undefined)
    for (const part of o.minEffect
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const eq = part.indexOf('=');
      if (eq < 0) problems.push(`--min-effect: expected metric=value like p95=10%; got "${part}"`);
      else apply(`--min-effect ${part.slice(0, eq).trim()}`, part.slice(0, eq).trim(), part.slice(eq + 1));
    }
  const alpha = o.alpha ?? num(g.alpha, GATE_DEFAULTS.alpha);
  if (!(alpha > 0 && alpha <= 0.25))
    problems.push(
      `${o.alpha !== undefined ? '--alpha' : 'gate.alpha'}: expected 0 < alpha <= 0.25; got ${alpha}`,
    );
  const settings: GateSettings = {
    alpha,
    minEffect,
    minEffectText,
    ignoreFingerprint: [...strings(g.ignoreFingerprint), ...(o.ignoreFingerprint ?? [])],
    ignoreMetrics: [...strings(g.ignoreMetrics), ...(o.ignoreMetrics ?? [])],
    bootstrapResamples: Math.max(
      100,
      Math.round(num(g.bootstrapResamples, GATE_DEFAULTS.bootstrapResamples)),
    ),
    seed: Math.max(0, Math.round(num(g.seed, GATE_DEFAULTS.seed))),
    minTrialsForRankTest: GATE_DEFAULTS.minTrialsForRankTest,
    minTailSamples: GATE_DEFAULTS.minTailSamples,
  };
  return { settings, problems };
}

/** Whether `op`'s `metric` is excluded from gating by an ignoreMetrics entry. */
export function isIgnoredMetric(patterns: readonly string[], op: string, metric: string): boolean {
  return patterns.some((p) => p === metric || p === op || p === `${op}.${metric}`);
}
