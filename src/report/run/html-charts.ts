import type { RunResult } from '../../model/result.ts';
import {
  PALETTE,
  thresholdSeries,
  type ChartSpec,
  type SeriesSpec,
  type ShadeSpec,
} from '../html/chart-spec.ts';
import {
  opP95Columns,
  queueColumns,
  percentileDistribution,
  percentileXMax,
  percentileXs,
  timeColumns,
  type TimeColumns,
} from './html-data.ts';
import { perShardThroughput } from './shards.ts';

/**
 * The run report's charts as specs (pure). Each function returns a spec, or undefined when the result has
 * nothing to plot for it; runCharts() says why in `missing` so the page can print the reason instead.
 */

export const WARMUP_LABEL = 'warm-up';

function warmupShade(c: TimeColumns): ShadeSpec[] {
  return c.warmupEndSec !== undefined ? [{ from: 0, to: c.warmupEndSec, label: WARMUP_LABEL }] : [];
}

const TIME_X = { label: 'seconds since start', kind: 'sec', fromZero: true } as const;

export function latencyOverTime(c: TimeColumns): ChartSpec {
  return {
    id: 'latency-time',
    title: 'Latency percentiles over time, all operations',
    note: 'Per interval, successful operations only; log scale; shaded: warm-up, not judged.',
    x: TIME_X,
    y: { label: 'latency (ms)', kind: 'ms', log: true },
    series: [
      { label: 'p50', color: 'c0' },
      { label: 'p95', color: 'c1' },
      { label: 'p99', color: 'c3' },
    ],
    data: [c.tSec, c.p50Ms, c.p95Ms, c.p99Ms],
    shade: warmupShade(c),
  };
}

export function latencyByOpOverTime(result: RunResult, c: TimeColumns): ChartSpec | undefined {
  const cols = opP95Columns(result.timeseries);
  if (cols.length === 0) return undefined;
  return {
    id: 'latency-op-time',
    title: 'p95 latency over time, per operation',
    note: 'Per interval, successful operations only; log scale; a gap is an interval where the operation had no success.',
    x: TIME_X,
    y: { label: 'p95 latency (ms)', kind: 'ms', log: true },
    series: cols.map((col, i) => ({
      label: col.op,
      color: PALETTE[i % PALETTE.length]!,
      style: 'line' as const,
    })),
    data: [c.tSec, ...cols.map((col) => col.p95Ms)],
    shade: warmupShade(c),
  };
}

export function latencyDistribution(result: RunResult): ChartSpec {
  const d = percentileDistribution(result, percentileXs(percentileXMax(result)));
  const empty = d.curves.filter((cv) => cv.na).map((cv) => `${cv.op}: ${cv.na}`);
  return {
    id: 'latency-distribution',
    title: 'Latency by percentile (HDR histogram), measured window',
    note:
      'Log–log: each "nine" gets equal width. A curve ends where its samples run out.' +
      (empty.length > 0 ? ` Not plotted: ${empty.join('; ')}.` : ''),
    x: { label: 'percentile', kind: 'percentile', log: true },
    y: { label: 'latency (ms)', kind: 'ms', log: true },
    series: d.curves.map((cv, i) => ({
      label: `${cv.op} (${cv.samples.toLocaleString('en-US')})`,
      color: PALETTE[i % PALETTE.length]!,
      style: 'line' as const,
    })),
    data: [d.x, ...d.curves.map((cv) => cv.valuesMs)],
  };
}

export function throughputOverTime(c: TimeColumns, result?: RunResult): ChartSpec {
  const shards = result ? perShardThroughput(result, c) : { series: [], data: [] };
  return {
    id: 'throughput-time',
    title: 'Throughput and errors over time',
    note:
      'Completed operations (successes and failures) per second; errors per second on the right axis.' +
      (shards.series.length > 0 ? ' One line per shard: the merged run is their sum.' : ''),
    x: TIME_X,
    y: { label: 'ops/s', kind: 'rate', fromZero: true },
    y2: { label: 'errors/s', kind: 'rate', fromZero: true },
    series: [
      { label: 'ops/s', color: 'c0' },
      { label: 'errors/s', color: 'error', axis: 'y2', style: 'bars' },
      ...shards.series,
    ],
    data: [c.tSec, c.opsPerSec, c.errorsPerSec, ...shards.data],
    shade: warmupShade(c),
  };
}

/** The threshold of the OODA queue-depth target, when the run has one. */
function queueDepthThreshold(result: RunResult): { value: number; label: string } | undefined {
  const t = result.targets.find((x) => x.metric === 'ooda.queueDepth');
  return t ? { value: t.threshold, label: `target: ${t.expression}` } : undefined;
}

export function queueDepthOverTime(c: TimeColumns, result: RunResult): ChartSpec | undefined {
  if (!c.queueDepth) return undefined;
  const th = queueDepthThreshold(result);
  const line = th ? thresholdSeries(c.tSec, th.value, th.label) : undefined;
  const perQueue = queueColumns(result.timeseries);
  const depthSeries: SeriesSpec[] = perQueue.length
    ? perQueue.map((q, i) => ({
        label: q.queue,
        color: PALETTE[i % PALETTE.length]!,
        style: 'line' as const,
      }))
    : [{ label: 'queue depth (all queues)', color: 'c2', style: 'line' as const }];
  const depthData = perQueue.length ? perQueue.map((q) => q.depth) : [c.queueDepth];
  return {
    id: 'queue-depth-time',
    title: 'OODA queue depth over time',
    note: perQueue.length
      ? 'Largest depth sampled from the server in each interval, per OODA queue.'
      : 'Largest depth sampled from the server in each interval, all OODA queues together.',
    x: TIME_X,
    y: { label: 'messages', kind: 'count', fromZero: true },
    series: [...depthSeries, ...(line ? [line.series] : [])],
    data: [c.tSec, ...depthData, ...(line ? [line.values] : [])],
    shade: warmupShade(c),
  };
}

export function scheduleOverTime(c: TimeColumns): ChartSpec | undefined {
  if (!c.scheduleLagP99Ms && !c.dropped) return undefined;
  return {
    id: 'schedule-time',
    title: 'Open loop: schedule lag and dropped arrivals',
    note:
      'p99 of how late operations started against the arrival schedule; arrivals dropped because ' +
      'maxInFlight was busy on the right axis.',
    x: TIME_X,
    y: { label: 'schedule lag p99 (ms)', kind: 'ms', fromZero: true },
    y2: { label: 'dropped', kind: 'count', fromZero: true },
    series: [
      { label: 'schedule lag p99', color: 'c4' },
      { label: 'dropped', color: 'error', axis: 'y2', style: 'bars' },
    ],
    data: [c.tSec, c.scheduleLagP99Ms ?? c.tSec.map(() => null), c.dropped ?? c.tSec.map(() => null)],
    shade: warmupShade(c),
  };
}

export interface RunCharts {
  charts: ChartSpec[];
  /** Charts left out, each with the reason printed in its place. */
  missing: { title: string; reason: string }[];
}

export function runCharts(result: RunResult): RunCharts {
  const c = timeColumns(result.timeseries);
  const charts: ChartSpec[] = [];
  const missing: RunCharts['missing'] = [];
  if (c.tSec.length > 0) charts.push(latencyOverTime(c));
  else missing.push({ title: 'Charts over time', reason: 'the result has no time series' });
  const byOp = c.tSec.length > 0 ? latencyByOpOverTime(result, c) : undefined;
  if (byOp) charts.push(byOp);
  charts.push(latencyDistribution(result));
  if (c.tSec.length > 0) charts.push(throughputOverTime(c, result));

  const q = queueDepthOverTime(c, result);
  if (q) charts.push(q);
  else
    missing.push({
      title: 'OODA queue depth over time',
      reason:
        'na' in result.probes.queueDepthMax
          ? result.probes.queueDepthMax.na
          : 'no interval sampled the queue depth',
    });

  const s = scheduleOverTime(c);
  if (s) charts.push(s);
  else
    missing.push({
      title: 'Schedule lag and dropped arrivals',
      reason:
        result.load.model === 'closed'
          ? 'closed loop: workers start the next operation when the last one ends, so there is no arrival schedule to lag behind'
          : 'no interval recorded schedule lag',
    });
  return { charts, missing };
}
