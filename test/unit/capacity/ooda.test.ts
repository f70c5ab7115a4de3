import { describe, expect, it } from 'vitest';
import { nextTriggerRate, oodaCurve, oodaPoint } from '../../../src/capacity/ooda.ts';
import type { OodaPoint } from '../../../src/model/capacity.ts';
import { makeResult } from '../../fixtures/result.ts';

const plan = { startTriggersPerSec: 1, growth: 2, maxTriggersPerSec: 16, depthLimit: 10, resolution: 0.1 };
const pt = (tps: number, depth: number | null): OodaPoint => ({
  triggersPerSec: tps,
  maxQueueDepth: depth,
  avgQueueDepth: depth,
  phaseDurationAvgMs: 20,
  phaseDurationP95Ms: 30,
  loopsCompleted: 1,
  runId: 'r',
  resultFile: 'f',
});

/** Drive the planner against a queue whose max depth at a rate is `depth(rate)`: every rate it measured. */
function search(depth: (tps: number) => number, p: typeof plan): OodaPoint[] {
  const points: OodaPoint[] = [];
  for (let tps = nextTriggerRate(points, p); tps !== undefined; tps = nextTriggerRate(points, p)) {
    points.push(pt(tps, depth(tps)));
    if (points.length > 50) throw new Error('the search does not end');
  }
  return points;
}

describe('the OODA side', () => {
  it('steps the trigger rate geometrically until the depth reaches its limit or the max rate', () => {
    expect(nextTriggerRate([], plan)).toBe(1);
    expect(nextTriggerRate([pt(1, 0)], plan)).toBe(2);
    expect(nextTriggerRate([pt(16, 3)], plan)).toBeUndefined();
    expect(nextTriggerRate([pt(12, 3)], plan)).toBe(16);
    // The first step already reaches the limit: nothing below it to bisect towards.
    expect(nextTriggerRate([pt(1, 10)], plan)).toBeUndefined();
    // Queue depth not read (an engine without it): no search on it.
    expect(nextTriggerRate([pt(1, null)], plan)).toBeUndefined();
  });

  it('then bisects at geometric midpoints between the last rate within the target and the first past it', () => {
    // 1 ok, 2 past: sqrt(2) = 1.41, then sqrt(1.41 * 2) = 1.68 ...
    expect(nextTriggerRate([pt(1, 0), pt(2, 10)], plan)).toBe(1.41);
    expect(nextTriggerRate([pt(1, 0), pt(2, 10), pt(1.41, 3)], plan)).toBe(1.68);
    expect(nextTriggerRate([pt(1, 0), pt(2, 10), pt(1.41, 12)], plan)).toBe(1.19);
    // Within 10 % of each other: done.
    expect(nextTriggerRate([pt(1, 0), pt(1.09, 10)], plan)).toBeUndefined();
    expect(nextTriggerRate([pt(1, 0), pt(1.11, 10)], plan)).toBe(1.05);
  });

  it('finds the highest rate within the target to the resolution, on a queue that backs up above 37/s', () => {
    const depth = (tps: number) => (tps <= 37 ? Math.floor(tps / 8) : 10 + Math.round(tps - 37));
    const wide = { ...plan, maxTriggersPerSec: 1000 };
    const points = search(depth, wide);
    // Geometric 1..64 (7 steps), then bisection of [32, 64] until within 10 %: 45.3, 38.1, 34.9 ([34.9, 38.1]: 9 %).
    expect(points.map((p) => p.triggersPerSec)).toEqual([1, 2, 4, 8, 16, 32, 64, 45.3, 38.1, 34.9]);
    const c = oodaCurve(points, 10);
    expect(c.bracket).toEqual([34.9, 38.1]);
    expect(c.maxWithinTargetTriggersPerSec).toBe(34.9);
    expect((c.bracket![1] - c.bracket![0]) / c.bracket![0]).toBeLessThanOrEqual(0.1);
    expect(c.maxWithinTargetTriggersPerSec!).toBeLessThanOrEqual(37);
    expect(c.bracket![1]).toBeGreaterThan(37);
    // Plotted in rate order, whatever order the steps ran in.
    expect(c.points.map((p) => p.triggersPerSec)).toEqual(
      [...points.map((p) => p.triggersPerSec)].sort((a, b) => a - b),
    );
    // A finer resolution narrows it further.
    const fine = oodaCurve(search(depth, { ...wide, resolution: 0.01 }), 10);
    expect(fine.bracket![1] - fine.bracket![0]).toBeLessThanOrEqual(fine.bracket![0] * 0.01);
    expect(fine.bracket![0]).toBeLessThanOrEqual(37);
    expect(fine.bracket![1]).toBeGreaterThan(37);
    expect(fine.bracket![0]).toBeGreaterThan(34.9);
  });

  it('interpolates the rate at which max depth reaches the limit between the bracket ends', () => {
    // 4 at 4/s, 16 at 8/s: 10 is half-way, 6/s.
    const c = oodaCurve([pt(2, 1), pt(8, 16), pt(4, 4)], 10);
    expect(c.limitTriggersPerSec).toBe(6);
    expect(c.bracket).toEqual([4, 8]);
    expect(c.summary).toBe(
      'queue depth passes 10 at about 6.00 triggers/s (between 4 and 8); highest rate within the target: 4 triggers/s',
    );
    const first = oodaCurve([pt(1, 12)], 10);
    expect(first.limitTriggersPerSec).toBe(1);
    expect(first.maxWithinTargetTriggersPerSec).toBeNull();
    expect(first.bracket).toBeNull();
    const never = oodaCurve([pt(1, 1), pt(2, 2)], 10);
    expect(never.limitTriggersPerSec).toBeNull();
    expect(never.maxWithinTargetTriggersPerSec).toBe(2);
    expect(never.summary).toBe('queue depth stayed below 10 up to 2 triggers/s (max 2)');
  });

  it('reads queue depth and phase durations from a run', () => {
    const r = makeResult();
    const p = oodaPoint(r, 4, 'steps/x/result.json');
    const phases = Object.values(r.ooda!.phaseDurationMs);
    const n = phases.reduce((a, s) => a + s.count, 0);
    expect(p.phaseDurationAvgMs).toBeCloseTo(phases.reduce((a, s) => a + s.mean * s.count, 0) / n, 9);
    expect(p.phaseDurationP95Ms).toBe(Math.max(...phases.map((s) => s.p95)));
    expect(p.maxQueueDepth).toBe('value' in r.ooda!.maxQueueDepth ? r.ooda!.maxQueueDepth.value : null);
    expect(p).toMatchObject({ triggersPerSec: 4, loopsCompleted: r.ooda!.loopsCompleted });
  });
});
