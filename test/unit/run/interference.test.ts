import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, recordMicros } from '../../../src/metrics/histogram.ts';
import { LatencySplit, WindowLog } from '../../../src/metrics/windows.ts';
import type { TimeSeriesPoint } from '../../../src/model/result.ts';
import { interferenceOf, markWindows, MIN_SIDE_SAMPLES } from '../../../src/run/interference.ts';
import { maintenanceKinds } from '../../../src/run/maintenance.ts';

const point = (tSec: number): TimeSeriesPoint => ({
  tSec,
  warmup: false,
  ops: 1,
  errors: 0,
  p50Ms: 1,
  p95Ms: 1,
  p99Ms: 1,
});

describe('maintenance windows and interference', () => {
  it('a request is inside when its lifetime overlaps a window (a running one is open-ended)', () => {
    const log = new WindowLog();
    const w = log.open('statistics', 1000);
    expect(log.overlaps(900, 950)).toBe(false);
    expect(log.overlaps(990, 1001)).toBe(true);
    expect(log.overlaps(5000, 5001)).toBe(true); // still running
    log.close(w, 2000);
    expect(log.overlaps(2000.5, 2100)).toBe(false);
    expect(log.overlaps(1999, 2100)).toBe(true);
    const split = new LatencySplit(log);
    split.record('spatial.knn', 5000, 1002); // started at 997, ended in the window
    split.record('spatial.knn', 5000, 3000); // after
    split.record('spatial.knn', 500_000, 2400); // started at 1900 (inside), ended after
    const h = split.byOp.get('spatial.knn')!;
    expect(h.inside.totalCount).toBe(2);
    expect(h.outside.totalCount).toBe(1);
  });

  it('the p95 ratio with an interval that holds it; n/a with the reason when a side is thin', () => {
    const inside = createLatencyHistogram();
    const outside = createLatencyHistogram();
    for (let i = 0; i < 500; i++) {
      recordMicros(outside, 1000 + (i % 100) * 10); // 1.0 .. 1.99 ms
      recordMicros(inside, 2000 + (i % 100) * 20); // 2.0 .. 3.98 ms: twice as slow
    }
    const s = interferenceOf('spatial.pool', { inside, outside }, 7);
    expect(s.inside.count).toBe(500);
    expect('value' in s.p95Ratio).toBe(true);
    if ('value' in s.p95Ratio) {
      expect(s.p95Ratio.value.ratio).toBeCloseTo(2, 1);
      expect(s.p95Ratio.value.lo).toBeLessThanOrEqual(s.p95Ratio.value.ratio);
      expect(s.p95Ratio.value.hi).toBeGreaterThanOrEqual(s.p95Ratio.value.ratio);
      expect(s.p95Ratio.value.lo).toBeGreaterThan(1.8);
      expect(s.p95Ratio.value.hi).toBeLessThan(2.2);
    }
    expect(s.p95DifferenceMs).toBeCloseTo(s.inside.p95Ms - s.outside.p95Ms, 9);
    // Same seed, same interval.
    expect(interferenceOf('spatial.pool', { inside, outside }, 7)).toEqual(s);
    const thin = createLatencyHistogram();
    for (let i = 0; i < MIN_SIDE_SAMPLES - 1; i++) recordMicros(thin, 1000);
    const na = interferenceOf('spatial.pool', { inside: thin, outside }, 7);
    expect(na.p95Ratio).toEqual({
      na: expect.stringContaining('19 inside maintenance windows, 500 outside'),
    });
    expect(na.p95DifferenceMs).toBeUndefined();
  });

  it('time-series points are marked with the kinds of the windows their interval overlaps', () => {
    const points = [point(1), point(2), point(3), point(4)];
    const marked = markWindows(points, [
      { kind: 'statistics', startSec: 1.2, endSec: 1.4, statements: [] },
      { kind: 'rebuild', startSec: 1.9, endSec: 3.1, statements: [] },
    ]);
    expect(marked.map((p) => p.maintenance)).toEqual([
      undefined,
      ['rebuild', 'statistics'],
      ['rebuild'],
      ['rebuild'],
    ]);
    expect(points[1]!.maintenance).toBeUndefined(); // input untouched
  });

  it('configured kinds, in a fixed order; none configured = no maintenance', () => {
    expect(maintenanceKinds({})).toEqual([]);
    expect(maintenanceKinds({ rebuildIndexEverySec: 60, updateStatisticsEverySec: 30 })).toEqual([
      { kind: 'statistics', everySec: 30 },
      { kind: 'rebuild', everySec: 60 },
    ]);
  });
});
