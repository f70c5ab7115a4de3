/**
 * The metrics compare judges, and how each one reads: unit, which direction is worse, and the scale its
 * change is measured on. Latency and throughput change multiplicatively (a 10 % slower p95 means the same
 * on a 1 ms and a 100 ms query), so their effect is relative; ratios (error rate, seek ratio) are compared
 * in percentage points, because a relative change of a near-zero error rate is meaningless; the max
 * queue depth is a small count, compared in absolute messages.
 */

export const GATE_METRICS = [
  'p50',
  'p95',
  'p99',
  'throughput',
  'errorRate',
  'seekRatio',
  'maxQueueDepth',
] as const;
export type GateMetric = (typeof GATE_METRICS)[number];

/** Metrics of each operation (and of `total`, all operations merged). */
export const OPERATION_METRICS: readonly GateMetric[] = ['p50', 'p95', 'p99', 'throughput', 'errorRate'];
/** Metrics of the whole run, reported under the `total` operation. */
export const RUN_METRICS: readonly GateMetric[] = ['seekRatio', 'maxQueueDepth'];

/** relative: change = candidate / baseline - 1; absolute: change = candidate - baseline. */
export type EffectScale = 'relative' | 'absolute';

export interface MetricDef {
  metric: GateMetric;
  unit: 'ms' | 'ops/s' | 'ratio' | 'count';
  /** Which way is a regression. */
  worse: 'higher' | 'lower';
  scale: EffectScale;
  /** The effect's unit in min-effect strings: `%` (relative), `pp` (percentage points) or a bare count. */
  effectUnit: '%' | 'pp' | '';
  /** Default minimum effect, in the effect's unit (10 means 10 % or 10 pp). */
  defaultMinEffect: number;
  label: string;
}

/**
 * Defaults (why): p50/p95 10 % is the budget the issue names; p99 rests on 1 % of the samples and moves
 * more between runs of the same build, so it gets 20 %; throughput 10 %; errors 1 pp (one failed request
 * in a hundred); seek ratio 5 pp (the runbook's floor is 90 %); queue depth 5 messages (the runbook's
 * ceiling is 10). docs/noise-floor.md has the measurements behind them.
 */
export const METRIC_DEFS: Readonly<Record<GateMetric, MetricDef>> = {
  p50: {
    metric: 'p50',
    unit: 'ms',
    worse: 'higher',
    scale: 'relative',
    effectUnit: '%',
    defaultMinEffect: 10,
    label: 'p50',
  },
  p95: {
    metric: 'p95',
    unit: 'ms',
    worse: 'higher',
    scale: 'relative',
    effectUnit: '%',
    defaultMinEffect: 10,
    label: 'p95',
  },
  p99: {
    metric: 'p99',
    unit: 'ms',
    worse: 'higher',
    scale: 'relative',
    effectUnit: '%',
    defaultMinEffect: 20,
    label: 'p99',
  },
  throughput: {
    metric: 'throughput',
    unit: 'ops/s',
    worse: 'lower',
    scale: 'relative',
    effectUnit: '%',
    defaultMinEffect: 10,
    label: 'throughput',
  },
  errorRate: {
    metric: 'errorRate',
    unit: 'ratio',
    worse: 'higher',
    scale: 'absolute',
    effectUnit: 'pp',
    defaultMinEffect: 1,
    label: 'error rate',
  },
  seekRatio: {
    metric: 'seekRatio',
    unit: 'ratio',
    worse: 'lower',
    scale: 'absolute',
    effectUnit: 'pp',
    defaultMinEffect: 5,
    label: 'seek ratio',
  },
  maxQueueDepth: {
    metric: 'maxQueueDepth',
    unit: 'count',
    worse: 'higher',
    scale: 'absolute',
    effectUnit: '',
    defaultMinEffect: 5,
    label: 'max queue depth',
  },
};

export function isGateMetric(s: string): s is GateMetric {
  return (GATE_METRICS as readonly string[]).includes(s);
}

/**
 * A min-effect in the metric's own terms as a number on its change scale: 10 % -> 0.10 (relative),
 * 1 pp -> 0.01 (a ratio difference), 5 -> 5 (messages).
 */
export function effectOnScale(def: MetricDef, value: number): number {
  return def.effectUnit === '' ? value : value / 100;
}
