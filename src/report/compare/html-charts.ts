import type { CompareResult, MetricComparison } from '../../compare/model.ts';
import type { ChartColor, ChartSpec } from '../html/chart-spec.ts';

/**
 * The compare report's charts as specs (pure): the estimated change of every metric judged on a relative
 * scale (latency, throughput) with its interval against the minimum effect, and the latency percentiles
 * of baseline and candidate side by side.
 */

function label(c: MetricComparison): string {
  return `${c.op} ${c.metric}`;
}

export function verdictColor(c: MetricComparison): ChartColor {
  return c.verdict === 'regressed' ? 'fail' : c.verdict === 'improved' ? 'pass' : 'neutral';
}

/**
 * Relative changes with their interval. A regression is a change in the `worse` direction: for latency
 * that is up, for throughput down; the minimum effect is drawn on the side that counts as worse.
 */
export function changeChart(r: CompareResult): ChartSpec | undefined {
  const rows = r.comparisons.filter((c) => c.scale === 'relative' && c.change !== null);
  if (rows.length === 0) return undefined;
  const xs = rows.map((_, i) => i);
  const worseSign = (c: MetricComparison): number => (c.worse === 'higher' ? 1 : -1);
  return {
    id: 'compare-change',
    title: 'Change per metric, candidate vs baseline',
    note:
      `Bars: estimated relative change (red regressed, green improved, grey no change); markers: its ` +
      `interval at ${Math.round(r.settings.confidence * 100)}% and the minimum effect in the worse direction (see the legend).`,
    x: { label: 'metric', kind: 'category' },
    y: { label: 'change', kind: 'change' },
    xLabels: rows.map(label),
    series: [
      { label: 'change', color: 'neutral', style: 'bars', fills: rows.map(verdictColor) },
      { label: 'interval low', color: 'c0', style: 'points' },
      { label: 'interval high', color: 'c0', style: 'points' },
      { label: 'min effect (worse)', color: 'threshold', style: 'points' },
    ],
    data: [
      xs,
      rows.map((c) => c.change),
      rows.map((c) => c.interval?.[0] ?? null),
      rows.map((c) => c.interval?.[1] ?? null),
      rows.map((c) => worseSign(c) * c.minEffect),
    ],
  };
}

/** Latency percentiles (ms) per operation, baseline and candidate as neighbouring bars, log scale. */
export function latencyChart(r: CompareResult): ChartSpec | undefined {
  const rows = r.comparisons.filter(
    (c) =>
      c.unit === 'ms' &&
      ['p50', 'p95', 'p99'].includes(c.metric) &&
      (c.baseline ?? 0) > 0 &&
      (c.candidate ?? 0) > 0,
  );
  if (rows.length === 0) return undefined;
  return {
    id: 'compare-latency',
    title: 'Latency percentiles, baseline and candidate',
    note: 'All trials merged per side.',
    x: { label: 'metric', kind: 'category' },
    y: { label: 'latency (ms)', kind: 'ms', fromZero: true },
    xLabels: rows.map(label),
    series: [
      { label: `baseline ${r.baseline.label}`, color: 'c0', style: 'bars', barAlign: -1 },
      { label: `candidate ${r.candidate.label}`, color: 'c1', style: 'bars', barAlign: 1 },
    ],
    data: [rows.map((_, i) => i), rows.map((c) => c.baseline), rows.map((c) => c.candidate)],
  };
}

export function compareCharts(r: CompareResult): ChartSpec[] {
  return [changeChart(r), latencyChart(r)].filter((c): c is ChartSpec => c !== undefined);
}
