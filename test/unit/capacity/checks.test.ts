import { describe, expect, it } from 'vitest';
import { checkName, dropCheck, judgeStep, marginOf, targetCheck } from '../../../src/capacity/checks.ts';
import { makeResult } from '../../fixtures/result.ts';

describe('checks', () => {
  it('names a check by metric and aggregate', () => {
    expect(checkName('latency.spatial', 'p95 < 100ms')).toBe('latency.spatial p95');
    expect(checkName('seekRatio', 'ratio>0.9')).toBe('seekRatio ratio');
  });
  it('margins: observed / threshold for upper limits, threshold / observed for lower ones', () => {
    expect(marginOf(40, 50, false)).toBe(0.8);
    expect(marginOf(0.45, 0.9, true)).toBe(2);
    expect(marginOf(0, 0.9, true)).toBe(Number.POSITIVE_INFINITY);
    expect(marginOf(null, 50, false)).toBeNull();
  });
  it('reads a lower-limit target as such', () => {
    const c = targetCheck({
      metric: 'seekRatio',
      expression: 'ratio > 0.9',
      observed: 0.72,
      threshold: 0.9,
      unit: 'ratio',
      verdict: 'fail',
      source: 'x',
    });
    expect(c).toMatchObject({ name: 'seekRatio ratio', verdict: 'fail', margin: 1.25 });
    const na = targetCheck({
      metric: 'cacheHitRatio',
      expression: 'ratio > 0.8',
      observed: null,
      threshold: 0.8,
      unit: 'ratio',
      verdict: 'n/a',
      source: 'x',
    });
    expect(na.margin).toBeNull();
  });
  it('fails drops above the limit', () => {
    expect(dropCheck(0.02, 0.01)).toMatchObject({ verdict: 'fail', margin: 2, expression: '<= 1.0 %' });
    expect(dropCheck(0, 0.01)).toMatchObject({ verdict: 'pass', margin: 0 });
    expect(dropCheck(0.001, 0)).toMatchObject({ verdict: 'fail', margin: Number.POSITIVE_INFINITY });
  });
  it('judges a step from result.json: targets, drops, and the client', () => {
    const r = makeResult();
    r.load = {
      model: 'open',
      durationSec: 30,
      warmupSec: 5,
      ratePerSec: 200,
      achievedRatePerSec: 190,
      dropped: 350,
    };
    const s = judgeStep({
      result: r,
      index: 3,
      phase: 'bisect',
      trial: 1,
      maxDropRatio: 0.01,
      clientBound: 'stop',
      wallSec: 36,
      resultFile: 'steps/03/result.json',
    });
    // 350 dropped of 200/s * 35 s = 7000 arrivals: 5 %.
    expect(s.dropRatio).toBeCloseTo(0.05, 12);
    expect(s.checks.at(-1)).toMatchObject({ name: 'dropRatio', verdict: 'fail' });
    expect(s.checks).toHaveLength(r.targets.length + 1);
    expect(s).toMatchObject({ verdict: 'bad', offeredRatePerSec: 200, achievedRatePerSec: 190, index: 3 });
    r.client = { ...r.client, bottleneck: true, reasons: ['event-loop delay p99 31.0 ms > 20 ms'] };
    const c = judgeStep({
      result: r,
      index: 4,
      phase: 'bisect',
      trial: 1,
      maxDropRatio: 0.01,
      clientBound: 'stop',
      wallSec: 36,
      resultFile: 'x',
    });
    expect(c.verdict).toBe('client-bound');
    expect(c.clientReasons).toEqual(['event-loop delay p99 31.0 ms > 20 ms']);
    const judged = judgeStep({
      result: r,
      index: 4,
      phase: 'bisect',
      trial: 1,
      maxDropRatio: 0.01,
      clientBound: 'judge',
      wallSec: 36,
      resultFile: 'x',
    });
    expect(judged).toMatchObject({ verdict: 'bad', clientFlagged: true });
  });
});
