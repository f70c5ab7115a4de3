import { describe, expect, it } from 'vitest';
import { encodeHistogram, createLatencyHistogram, recordMicros } from '../../../../src/metrics/histogram.ts';
import type { TimeSeriesPoint } from '../../../../src/model/result.ts';
import {
  intervalSeconds,
  percentileAt,
  percentileDistribution,
  percentileXMax,
  percentileXs,
  timeColumns,
} from '../../../../src/report/run/html-data.ts';
import { makeResult } from '../../../fixtures/result.ts';

function point(tSec: number, over: Partial<TimeSeriesPoint> = {}): TimeSeriesPoint {
  return { tSec, warmup: false, ops: 10, errors: 0, p50Ms: 1, p95Ms: 2, p99Ms: 3, ...over };
}

describe('html report data: time columns', () => {
  it('turns counts into per-second rates over each interval, the first from 0', () => {
    const c = timeColumns([
      point(0.5, { ops: 5 }),
      point(1.5, { ops: 20, errors: 2 }),
      point(3.5, { ops: 40 }),
    ]);
    expect(intervalSeconds(c.tSec)).toEqual([0.5, 1, 2]);
    expect(c.opsPerSec).toEqual([10, 20, 20]);
    expect(c.errorsPerSec).toEqual([0, 2, 0]);
  });

  it('gives no rate for a sliver of an interval (a tick right after a late one)', () => {
    const c = timeColumns([point(1), point(2), point(4.5, { ops: 30 }), point(4.53, { ops: 0 }), point(5.5)]);
    expect(c.opsPerSec[3]).toBeNull();
    expect(c.opsPerSec[2]).toBeCloseTo(12);
  });

  it('makes an interval without a success a gap in the latency series, not a 0 ms point', () => {
    const c = timeColumns([
      point(1),
      point(2, { ops: 3, errors: 3, p50Ms: 0, p95Ms: 0, p99Ms: 0 }),
      point(3, { ops: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 }),
    ]);
    expect(c.p50Ms).toEqual([1, null, null]);
    expect(c.p99Ms).toEqual([3, null, null]);
  });

  it('marks the end of the warm-up, and has none without warm-up intervals', () => {
    const r = makeResult();
    expect(timeColumns(r.timeseries).warmupEndSec).toBe(5);
    expect(timeColumns([point(1), point(2)]).warmupEndSec).toBeUndefined();
  });

  it('has optional columns only when some point carries them, with null where one does not', () => {
    const closed = timeColumns([point(1), point(2)]);
    expect(closed.queueDepth).toBeUndefined();
    expect(closed.scheduleLagP99Ms).toBeUndefined();
    expect(closed.dropped).toBeUndefined();
    const open = timeColumns([
      point(1, { scheduleLagP99Ms: 4, dropped: 0, queueDepth: 2 }),
      point(2, { dropped: 3 }),
    ]);
    expect(open.scheduleLagP99Ms).toEqual([4, null]);
    expect(open.dropped).toEqual([0, 3]);
    expect(open.queueDepth).toEqual([2, null]);
  });
});

describe('html report data: percentile distribution', () => {
  it('places the nines a decade apart, HdrHistogram style', () => {
    const xs = percentileXs(1000, 4);
    expect(xs).toHaveLength(13);
    expect(xs[0]).toBe(1);
    expect(xs[4]).toBeCloseTo(10);
    expect(xs[12]).toBeCloseTo(1000);
    expect(percentileAt(1)).toBe(0);
    expect(percentileAt(10)).toBeCloseTo(90);
    expect(percentileAt(1000)).toBeCloseTo(99.9);
  });

  it('reads the same percentiles from the encoded histograms as the operation summaries', () => {
    const r = makeResult();
    const d = percentileDistribution(r, [1, 2, 100]);
    expect(d.curves.map((c) => c.op)).toEqual(['all operations', 'spatial.pool', 'spatial.knn', 'ingest']);
    r.operations.forEach((o, i) => {
      const c = d.curves[i + 1]!;
      expect(c.samples).toBe(o.latencyMs.count);
      expect(c.valuesMs[0]).toBe(o.latencyMs.min);
      expect(c.valuesMs[1]).toBe(o.latencyMs.p50);
      expect(c.valuesMs[2]).toBe(o.latencyMs.p99);
    });
    expect(d.curves[0]!.valuesMs[1]).toBe(r.total.latencyMs.p50);
  });

  it('ends a curve where its samples run out, and is non-decreasing up to there', () => {
    const h = createLatencyHistogram();
    for (let i = 1; i <= 50; i++) recordMicros(h, i * 100);
    const r = makeResult();
    r.operations[0]!.histogram = encodeHistogram(h);
    const c = percentileDistribution(r, percentileXs(1000, 10)).curves[1]!;
    const xs = percentileXs(1000, 10);
    xs.forEach((x, i) => expect(c.valuesMs[i] === null).toBe(x > 50));
    const vals = c.valuesMs.filter((v): v is number => v !== null);
    expect(vals.every((v, i) => i === 0 || v >= vals[i - 1]!)).toBe(true);
    expect(vals.at(-1)).toBeCloseTo(4.9, 1); // x = 10^1.6, the 97.5th percentile of 0.1 .. 5 ms
  });

  it('says why a curve is empty: no success, or a histogram it cannot decode', () => {
    const r = makeResult();
    r.operations[1]!.histogram = encodeHistogram(createLatencyHistogram());
    r.operations[2]!.histogram = 'not base64 at all';
    const d = percentileDistribution(r, [1, 10]);
    expect(d.curves[2]).toMatchObject({ samples: 0, valuesMs: [null, null], na: 'no successful operation' });
    expect(d.curves[3]!.na).toMatch(/cannot decode histogram/);
  });

  it('stretches the percentile axis to the largest sample count, within 99 % .. 99.9999 %', () => {
    const r = makeResult();
    expect(percentileXMax(r)).toBe(10_000); // 4,500 successful samples in all
    r.total.latencyMs.count = 3;
    for (const o of r.operations) o.latencyMs.count = 3;
    expect(percentileXMax(r)).toBe(100);
    r.total.latencyMs.count = 1e9;
    expect(percentileXMax(r)).toBe(1e6);
  });
});
