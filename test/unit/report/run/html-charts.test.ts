import { describe, expect, it } from 'vitest';
import { hasPoints, thresholdSeries, type ChartSpec } from '../../../../src/report/html/chart-spec.ts';
import { runCharts } from '../../../../src/report/run/html-charts.ts';
import { makeResult } from '../../../fixtures/result.ts';

function byId(charts: ChartSpec[], id: string): ChartSpec {
  const c = charts.find((x) => x.id === id);
  if (!c) throw new Error(`no chart ${id}; have ${charts.map((x) => x.id).join(', ')}`);
  return c;
}

/** Every spec must be plain JSON (it is embedded in the page) and uPlot-shaped. */
function checkShape(c: ChartSpec): void {
  expect(JSON.parse(JSON.stringify(c))).toEqual(c);
  expect(c.data).toHaveLength(c.series.length + 1);
  for (const col of c.data) expect(col).toHaveLength(c.data[0]!.length);
  const xs = c.data[0]!;
  expect(xs.every((x, i) => x !== null && (i === 0 || x > xs[i - 1]!))).toBe(true);
  if (c.y.log)
    for (const [i, col] of c.data.slice(1).entries())
      if (c.series[i]!.axis !== 'y2') expect(col.every((v) => v === null || v > 0)).toBe(true);
  if (c.x.log) expect(xs.every((x) => x! > 0)).toBe(true);
  for (const s of c.series) if (s.axis === 'y2') expect(c.y2).toBeDefined();
}

describe('run report chart specs', () => {
  it('plots latency over time, the percentile distribution, throughput and queue depth for the fixture', () => {
    const { charts, missing } = runCharts(makeResult());
    expect(charts.map((c) => c.id)).toEqual([
      'latency-time',
      'latency-distribution',
      'throughput-time',
      'queue-depth-time',
    ]);
    for (const c of charts) {
      checkShape(c);
      expect(hasPoints(c)).toBe(true);
    }
    expect(missing).toEqual([
      { title: 'Schedule lag and dropped arrivals', reason: expect.stringMatching(/^closed loop: /) },
    ]);
  });

  it('shades the warm-up on every chart over time, and only there', () => {
    const { charts } = runCharts(makeResult());
    for (const id of ['latency-time', 'throughput-time', 'queue-depth-time'])
      expect(byId(charts, id).shade).toEqual([{ from: 0, to: 5, label: 'warm-up' }]);
    expect(byId(charts, 'latency-distribution').shade).toBeUndefined();
  });

  it('draws latency on log axes and the distribution with one curve per operation plus the total', () => {
    const { charts } = runCharts(makeResult());
    const t = byId(charts, 'latency-time');
    expect(t.y).toMatchObject({ kind: 'ms', log: true });
    expect(t.series.map((s) => s.label)).toEqual(['p50', 'p95', 'p99']);
    const d = byId(charts, 'latency-distribution');
    expect(d.x).toMatchObject({ kind: 'percentile', log: true });
    expect(d.series.map((s) => s.label)).toEqual([
      'all operations (4,500)',
      'spatial.pool (2,400)',
      'spatial.knn (1,800)',
      'ingest (300)',
    ]);
    expect(d.data[0]!.at(-1)).toBeCloseTo(10_000);
  });

  it('puts errors on their own axis and the queue-depth target as a dashed line', () => {
    const r = makeResult();
    const { charts } = runCharts(r);
    const th = byId(charts, 'throughput-time');
    expect(th.series[1]).toMatchObject({ label: 'errors/s', axis: 'y2', style: 'bars' });
    expect(th.data[2]![17]).toBeCloseTo(2); // the fixture's two errors in the 18th interval, 1 s long
    const q = byId(charts, 'queue-depth-time');
    expect(q.series[1]).toEqual({ label: 'target: max < 10', color: 'threshold', dash: true });
    expect(new Set(q.data[2])).toEqual(new Set([10]));
    expect(q.data[1]).toEqual(r.timeseries.map((p) => p.queueDepth));
  });

  it('plots schedule lag and dropped arrivals for an open loop', () => {
    const r = makeResult();
    r.load = { model: 'open', durationSec: 30, warmupSec: 5, ratePerSec: 150, dropped: 4 };
    r.timeseries.forEach((p, i) => {
      p.scheduleLagP99Ms = 0.5 + i / 10;
      p.dropped = i === 20 ? 4 : 0;
    });
    const { charts, missing } = runCharts(r);
    const s = byId(charts, 'schedule-time');
    checkShape(s);
    expect(s.series.map((x) => [x.label, x.axis ?? 'y'])).toEqual([
      ['schedule lag p99', 'y'],
      ['dropped', 'y2'],
    ]);
    expect(s.data[2]![20]).toBe(4);
    expect(missing).toEqual([]);
  });

  it('says why a chart is missing instead of drawing an empty one', () => {
    const r = makeResult();
    for (const p of r.timeseries) delete p.queueDepth;
    r.probes.queueDepthMax = { na: 'OODA traffic is disabled in the scenario' };
    const { charts, missing } = runCharts(r);
    expect(charts.map((c) => c.id)).not.toContain('queue-depth-time');
    expect(missing[0]).toEqual({
      title: 'OODA queue depth over time',
      reason: 'OODA traffic is disabled in the scenario',
    });
    r.timeseries = [];
    const none = runCharts(r);
    expect(none.charts.map((c) => c.id)).toEqual(['latency-distribution']);
    expect(none.missing[0]).toEqual({ title: 'Charts over time', reason: 'the result has no time series' });
  });

  it('builds threshold lines and knows a chart without values', () => {
    expect(thresholdSeries([1, 2, 3], 10, 'target')).toEqual({
      series: { label: 'target', color: 'threshold', dash: true },
      values: [10, 10, 10],
    });
    const empty: ChartSpec = {
      id: 'e',
      title: 'e',
      x: { label: 'x', kind: 'sec' },
      y: { label: 'y', kind: 'count' },
      series: [{ label: 'a', color: 'c0' }],
      data: [
        [1, 2],
        [null, null],
      ],
    };
    expect(hasPoints(empty)).toBe(false);
  });
});
