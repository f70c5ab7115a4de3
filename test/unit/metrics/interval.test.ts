import { describe, expect, it } from 'vitest';
import { summarize, decodeHistogram, countOf } from '../../../src/metrics/histogram.ts';
import { IntervalRecorder } from '../../../src/metrics/interval.ts';
import { errorCount, toOperationStats, totalOperationStats } from '../../../src/metrics/operation-stats.ts';

/** A hand-driven clock: tests move time, the recorder never reads the real one. */
function fakeClock(startMs = 10_000) {
  let t = startMs;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('IntervalRecorder', () => {
  it('flushes one point per tick with seconds since start and the warm-up flag', () => {
    const clock = fakeClock();
    const rec = new IntervalRecorder({ now: clock.now, warmupSec: 2, ops: ['spatial.pool', 'ingest'] });
    const points = [];
    for (let i = 0; i < 4; i++) {
      rec.recordSuccess('spatial.pool', 1000 * (i + 1));
      clock.advance(1000);
      points.push(rec.tick());
    }
    expect(points.map((p) => p.tSec)).toEqual([1, 2, 3, 4]);
    expect(points.map((p) => p.warmup)).toEqual([true, true, false, false]);
    expect(points[3]).toMatchObject({ ops: 1, errors: 0 });
    expect(points[3]!.p50Ms).toBeCloseTo(4, 2);
    expect(rec.timeseries()).toEqual(points);
  });

  it('a tick at a given time closes the interval there, not at now() (the final probe round after the load)', () => {
    const clock = fakeClock();
    const rec = new IntervalRecorder({ now: clock.now, warmupSec: 1, ops: ['spatial.knn'] });
    clock.advance(1000);
    rec.tick(); // warm-up ends at 1 s
    rec.recordSuccess('spatial.knn', 1000);
    clock.advance(3000); // the load ends at 4 s
    const loadEnded = clock.now();
    clock.advance(2000); // the final probe round: 2 s more, not measured
    expect(rec.tick(loadEnded).tSec).toBe(4);
    expect(rec.totals().measuredSec).toBe(3);
    // A time before the interval's start closes it empty, never with a negative length.
    clock.advance(1000);
    expect(rec.tick(0).tSec).toBe(4);
    expect(rec.totals().measuredSec).toBe(3);
  });

  it('excludes warm-up from the measured totals and counts errors as attempts', () => {
    const clock = fakeClock();
    const rec = new IntervalRecorder({ now: clock.now, warmupSec: 1, ops: ['spatial.knn', 'ingest'] });
    rec.recordSuccess('spatial.knn', 50_000); // warm-up: must not reach the totals
    clock.advance(1000);
    rec.tick();

    rec.recordSuccess('spatial.knn', 2000, { rows: 10, candidates: 40 });
    rec.recordSuccess('spatial.knn', 4000, { rows: 5 });
    rec.recordError('spatial.knn', 'timeout');
    rec.recordError('spatial.knn', 'timeout');
    rec.recordError('ingest', 'deadlock');
    clock.advance(2000);
    const p = rec.tick();
    expect(p).toMatchObject({ warmup: false, ops: 5, errors: 3 });

    const totals = rec.totals();
    expect(totals.measuredSec).toBe(2);
    const knn = totals.operations.get('spatial.knn')!;
    expect(knn.count).toBe(4);
    expect(knn.errors).toEqual({ timeout: 2 });
    expect(countOf(knn.histogram)).toBe(2);
    expect(summarize(knn.histogram).max).toBeCloseTo(4, 2);
    expect(knn.rowsOutput).toBe(15);
    expect(knn.candidateRows).toBe(40);

    const stats = toOperationStats('spatial.knn', knn, totals.measuredSec);
    expect(stats.throughputPerSec).toBe(1); // 2 successes over 2 s
    expect(stats.primaryFilterEfficiency).toBe(0.25); // only rows that reported candidates
    expect(errorCount(stats)).toBe(2);
    expect(summarize(decodeHistogram(stats.histogram))).toEqual(stats.latencyMs);

    const total = totalOperationStats(totals.operations.values(), totals.measuredSec);
    expect(total).toMatchObject({ op: 'total', count: 5, errors: { timeout: 2, deadlock: 1 } });
    expect(total.latencyMs.count).toBe(2);
  });

  it('keeps operations that never ran with count 0', () => {
    const clock = fakeClock();
    const rec = new IntervalRecorder({ now: clock.now, warmupSec: 0, ops: ['spatial.walk'] });
    clock.advance(500);
    const p = rec.tick();
    expect(p).toMatchObject({ ops: 0, errors: 0, p50Ms: 0, p99Ms: 0, warmup: false });
    const walk = rec.totals().operations.get('spatial.walk')!;
    expect(toOperationStats('spatial.walk', walk, 0.5)).toMatchObject({ count: 0, throughputPerSec: 0 });
  });

  it('resets interval state at every tick', () => {
    const clock = fakeClock();
    const rec = new IntervalRecorder({ now: clock.now, warmupSec: 0 });
    rec.recordSuccess('spatial.pool', 9000);
    rec.recordQueueDepth(7);
    clock.advance(1000);
    rec.tick();
    clock.advance(1000);
    const p = rec.tick();
    expect(p.ops).toBe(0);
    expect(p.queueDepth).toBeUndefined();
    expect(rec.totals().operations.get('spatial.pool')!.count).toBe(1);
  });

  it('reports queue depth maxima, schedule lag and dropped arrivals for open loops', () => {
    const clock = fakeClock();
    const rec = new IntervalRecorder({ now: clock.now, warmupSec: 0, openLoop: true });
    rec.recordQueueDepth(3);
    rec.recordQueueDepth(9);
    rec.recordQueueDepth(1);
    for (let i = 1; i <= 100; i++) rec.recordScheduleLag(i * 100);
    rec.recordDropped();
    rec.recordDropped(2);
    clock.advance(1000);
    const p = rec.tick();
    expect(p.queueDepth).toBe(9);
    expect(p.dropped).toBe(3);
    expect(p.scheduleLagP99Ms).toBeCloseTo(9.9, 2);

    clock.advance(1000);
    const quiet = rec.tick();
    expect(quiet.dropped).toBe(0);
    expect(quiet.scheduleLagP99Ms).toBeUndefined();

    const totals = rec.totals();
    expect(totals.dropped).toBe(3);
    expect(countOf(totals.queueDepth)).toBe(3);
    expect(countOf(totals.scheduleLag)).toBe(100);
  });

  it('leaves open-loop fields out of closed-loop points', () => {
    const clock = fakeClock();
    const rec = new IntervalRecorder({ now: clock.now, warmupSec: 0 });
    clock.advance(1000);
    const p = rec.tick();
    expect('dropped' in p).toBe(false);
    expect('scheduleLagP99Ms' in p).toBe(false);
  });

  it('merges the interval total losslessly across operations', () => {
    const clock = fakeClock();
    const rec = new IntervalRecorder({ now: clock.now, warmupSec: 0 });
    for (let i = 1; i <= 90; i++) rec.recordSuccess('spatial.pool', 1000);
    for (let i = 1; i <= 10; i++) rec.recordSuccess('spatial.knn', 100_000);
    clock.advance(1000);
    const p = rec.tick();
    expect(p.p50Ms).toBeCloseTo(1, 2);
    expect(p.p95Ms).toBeCloseTo(100, 0);
  });
});
