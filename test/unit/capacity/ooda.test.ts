import { describe, expect, it } from 'vitest';
import { nextTriggerRate, oodaCurve, oodaPoint } from '../../../src/capacity/ooda.ts';
import type { OodaPoint } from '../../../src/model/capacity.ts';
import { makeResult } from '../../fixtures/result.ts';

const plan = { startTriggersPerSec: 1, growth: 2, maxTriggersPerSec: 16, depthLimit: 10 };
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

describe('the OODA side', () => {
  it('steps the trigger rate geometrically until the depth reaches its limit or the max rate', () => {
    expect(nextTriggerRate([], plan)).toBe(1);
    expect(nextTriggerRate([pt(1, 0)], plan)).toBe(2);
    expect(nextTriggerRate([pt(1, 0), pt(2, 10)], plan)).toBeUndefined();
    expect(nextTriggerRate([pt(16, 3)], plan)).toBeUndefined();
    expect(nextTriggerRate([pt(12, 3)], plan)).toBe(16);
  });
  it('interpolates the rate at which max depth reaches the limit', () => {
    // 4 at 4/s, 16 at 8/s: 10 is half-way, 6/s.
    const c = oodaCurve([pt(2, 1), pt(4, 4), pt(8, 16)], 10);
    expect(c.limitTriggersPerSec).toBe(6);
    expect(c.summary).toBe('queue depth passes 10 at about 6.00 triggers/s (between 4 and 8)');
    expect(oodaCurve([pt(1, 12)], 10).limitTriggersPerSec).toBe(1);
    const never = oodaCurve([pt(1, 1), pt(2, 2)], 10);
    expect(never.limitTriggersPerSec).toBeNull();
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
