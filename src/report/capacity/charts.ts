import type { CapacityDocument, CapacityStep } from '../../model/capacity.ts';
import type { ChartSpec, SeriesSpec } from '../html/chart-spec.ts';
import { atomsText, rateText } from './format.ts';

/**
 * The capacity report's charts as specs (pure): latency percentiles against the offered rate with the
 * target line and the knee; achieved against offered rate; latency against atoms on log-log axes with the
 * fit (its extrapolated part dashed and labelled); queue depth against the OODA trigger rate with its limit.
 */

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** One point per offered rate (the median of its trials), ascending, as uPlot needs its x values. */
export function byRate(steps: readonly CapacityStep[]): { rate: number; steps: CapacityStep[] }[] {
  const m = new Map<number, CapacityStep[]>();
  for (const s of steps) m.set(s.offeredRatePerSec, [...(m.get(s.offeredRatePerSec) ?? []), s]);
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([rate, st]) => ({ rate, steps: st }));
}

/** The latency target the knee broke on (or the first latency target), for the dashed line. */
function latencyTarget(d: CapacityDocument): { label: string; ms: number } | undefined {
  const s = d.search;
  const ftb = s?.knee?.firstToBreak;
  if (ftb && ftb.unit === 'ms')
    return { label: `${ftb.check} target (${ftb.expression})`, ms: ftb.threshold };
  for (const st of s?.steps ?? [])
    for (const c of st.checks)
      if (c.unit === 'ms') return { label: `${c.name} target (${c.expression})`, ms: c.threshold };
  return undefined;
}

export function latencyVsRateChart(d: CapacityDocument): ChartSpec | undefined {
  const s = d.search;
  if (!s || s.steps.length === 0) return undefined;
  const pts = byRate(s.steps);
  const xs = pts.map((p) => p.rate);
  const stat = (k: 'p50' | 'p95' | 'p99') =>
    pts.map((p) => median(p.steps.map((st) => st.totalLatencyMs[k])));
  const series: SeriesSpec[] = [
    { label: 'p50', color: 'c0' },
    { label: 'p95', color: 'c1' },
    { label: 'p99', color: 'c2' },
  ];
  const data: (number | null)[][] = [xs, stat('p50'), stat('p95'), stat('p99')];
  const target = latencyTarget(d);
  if (target) {
    series.push({ label: target.label, color: 'threshold', dash: true, style: 'line' });
    data.push(xs.map(() => target.ms));
  }
  const k = s.knee;
  let shade: ChartSpec['shade'];
  if (k) {
    // A very narrow interval is drawn at least 2 % wide so it shows; its true bounds are in the label.
    const lo = Math.min(k.interval[0], k.ratePerSec * 0.99);
    const hi = Math.max(k.interval[1], k.ratePerSec * 1.01);
    shade = [
      {
        from: lo,
        to: hi,
        label: `knee ${rateText(k.ratePerSec)} (${rateText(k.interval[0])}-${rateText(k.interval[1])})`,
      },
    ];
  }
  return {
    id: 'capacity-latency-rate',
    title: 'Latency percentiles vs offered rate',
    note: 'All operations merged, per step (median of the trials at a rate); dashed: the latency target; shaded: the knee and its interval.',
    x: { label: 'offered rate (arrivals/s)', kind: 'rate', log: true },
    y: { label: 'latency (ms)', kind: 'ms', log: true },
    series,
    data,
    ...(shade ? { shade } : {}),
  };
}

export function achievedVsOfferedChart(d: CapacityDocument): ChartSpec | undefined {
  const s = d.search;
  if (!s || s.steps.length === 0) return undefined;
  const pts = byRate(s.steps);
  const xs = pts.map((p) => p.rate);
  return {
    id: 'capacity-achieved',
    title: 'Achieved vs offered rate',
    note: 'Arrivals started per second (dropped ones excluded) against the rate offered; dashed: achieved = offered.',
    x: { label: 'offered rate (arrivals/s)', kind: 'rate', log: true },
    y: { label: 'achieved rate (arrivals/s)', kind: 'rate', log: true },
    series: [
      { label: 'achieved', color: 'c0', style: 'points' },
      { label: 'achieved = offered', color: 'neutral', dash: true, style: 'line' },
    ],
    data: [xs, pts.map((p) => median(p.steps.map((st) => st.achievedRatePerSec))), xs],
  };
}

export function latencyVsAtomsChart(d: CapacityDocument): ChartSpec | undefined {
  const sw = d.sweep;
  if (!sw || sw.points.length === 0) return undefined;
  const ops = [...new Set(sw.points.flatMap((p) => Object.keys(p.latencyMs)))];
  const fits = sw.fits.filter((f) => f.stat === 'p95');
  const extra = [...new Set(fits.flatMap((f) => f.predictions.map((p) => p.atoms)))];
  const xs = [...new Set([...sw.points.map((p) => p.atoms), ...extra])].sort((a, b) => a - b);
  const largest = Math.max(...sw.points.map((p) => p.atoms));
  const series: SeriesSpec[] = [];
  const data: (number | null)[][] = [xs];
  ops.forEach((op, i) => {
    const color = (['c0', 'c1', 'c2', 'c3', 'c4', 'c5'] as const)[i % 6]!;
    series.push({ label: `${op} p95 (measured)`, color, style: 'points' });
    data.push(xs.map((x) => sw.points.find((p) => p.atoms === x)?.latencyMs[op]?.p95 ?? null));
    const f = fits.find((ff) => ff.op === op);
    if (f) {
      const at = (x: number) => Math.exp(f.intercept + f.slope * Math.log(x));
      series.push({ label: `${op} fit, slope ${f.slope.toFixed(2)}`, color, style: 'line' });
      data.push(xs.map((x) => (x <= largest ? at(x) : null)));
      if (f.predictions.length) {
        series.push({ label: `${op} extrapolated (not measured)`, color, dash: true, style: 'line' });
        data.push(xs.map((x) => (x >= largest ? at(x) : null)));
      }
    }
  });
  return {
    id: 'capacity-atoms',
    title: 'Latency vs dataset size (log-log)',
    note: `p95 per operation at a fixed offered rate, measured at ${sw.points.map((p) => atomsText(p.atoms)).join(', ')} atoms; lines: the log-log fit; dashed: extrapolated beyond ${atomsText(largest)}, a prediction, not a measurement.`,
    x: { label: 'atoms', kind: 'count', log: true },
    y: { label: 'p95 latency (ms)', kind: 'ms', log: true },
    series,
    data,
  };
}

export function queueDepthChart(d: CapacityDocument): ChartSpec | undefined {
  const o = d.ooda;
  if (!o || o.points.length === 0) return undefined;
  const xs = o.points.map((p) => p.triggersPerSec);
  return {
    id: 'capacity-ooda',
    title: 'OODA queue depth vs trigger rate',
    note: `Max and mean queue depth sampled from the server per step; dashed: the runbook limit (${o.depthLimit}); right axis: mean phase duration.`,
    x: { label: 'triggers/s', kind: 'rate', log: true },
    y: { label: 'queue depth (messages)', kind: 'count', fromZero: true },
    y2: { label: 'phase duration (ms)', kind: 'ms', fromZero: true },
    series: [
      { label: 'max queue depth', color: 'c0' },
      { label: 'mean queue depth', color: 'c2' },
      { label: `limit (${o.depthLimit})`, color: 'threshold', dash: true, style: 'line' },
      { label: 'phase duration avg', color: 'c3', axis: 'y2' },
    ],
    data: [
      xs,
      o.points.map((p) => p.maxQueueDepth),
      o.points.map((p) => p.avgQueueDepth),
      xs.map(() => o.depthLimit),
      o.points.map((p) => p.phaseDurationAvgMs),
    ],
  };
}

export function capacityCharts(d: CapacityDocument): ChartSpec[] {
  return [
    latencyVsRateChart(d),
    achievedVsOfferedChart(d),
    latencyVsAtomsChart(d),
    queueDepthChart(d),
  ].filter((c): c is ChartSpec => c !== undefined);
}
