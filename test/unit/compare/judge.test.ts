import { describe, expect, it } from 'vitest';
import { decide, samplesNeeded, type Evidence } from '../../../src/compare/judge.ts';
import { METRIC_DEFS } from '../../../src/scenario/gate-metrics.ts';

function ev(
  change: number,
  interval: [number, number] | null,
  pUp: number | null,
  pDown: number | null,
  method: Evidence['method'] = 'mann-whitney',
): Evidence {
  return { method, change, interval, confidence: interval ? 0.9 : null, pUp, pDown };
}

describe('decide', () => {
  it.each([
    // [metric, change, interval, pUp, pDown, min effect, verdict, significant, beyond]
    ['p95', 0.25, [0.15, 0.35], 0.01, 0.99, 0.1, 'regressed', true, true],
    ['p95', 0.25, [-0.05, 0.6], 0.2, 0.8, 0.1, 'no change', false, false], // big but not significant
    ['p95', 0.25, [0.02, 0.5], 0.01, 0.99, 0.1, 'no change', true, false], // significant, not surely beyond 10 %
    ['p95', 0.05, [0.03, 0.07], 0.001, 0.999, 0.1, 'no change', true, false], // within the budget
    ['p95', 0.12, [0.1, 0.14], 0.001, 0.999, 0.1, 'no change', true, false], // exactly at the budget is allowed
    ['p95', -0.3, [-0.4, -0.2], 0.99, 0.01, 0.1, 'improved', true, true],
    ['p95', 0.2, [0.12, 0.3], 0.05, 0.95, 0.1, 'regressed', true, true], // 3 vs 3 trials: p = 1/20 = alpha counts
    ['p95', 0.2, [0.12, 0.3], 0.06, 0.94, 0.1, 'no change', false, true], // the p-value must agree as well
    ['throughput', -0.2, [-0.25, -0.15], 0.99, 0.01, 0.1, 'regressed', true, true], // lower is worse
    ['throughput', 0.2, [0.15, 0.25], 0.01, 0.99, 0.1, 'improved', true, true],
    ['seekRatio', -0.08, [-0.1, -0.06], 0.99, 0.001, 0.05, 'regressed', true, true],
    ['errorRate', 0.005, [0.002, 0.008], 0.001, 0.999, 0.01, 'no change', true, false],
    ['p50', 0, [0, 0], 1, 1, 0.1, 'no change', false, false],
  ] as const)(
    '%s change %d in %j (pUp %d) with min %d: %s',
    (metric, change, interval, pUp, pDown, min, verdict, significant, beyond) => {
      const d = decide(METRIC_DEFS[metric], ev(change, [...interval], pUp, pDown), min, 0.05);
      expect(d).toMatchObject({ verdict, significant, beyondMinEffect: beyond });
    },
  );

  it('reports the p-value in the direction of the estimate', () => {
    expect(decide(METRIC_DEFS.p95, ev(0.3, [0.2, 0.4], 0.02, 0.99), 0.1, 0.05).pValue).toBe(0.02);
    expect(decide(METRIC_DEFS.p95, ev(-0.3, [-0.4, -0.2], 0.99, 0.03), 0.1, 0.05).pValue).toBe(0.03);
  });

  it('judges the threshold method on the minimum effect alone', () => {
    const q = METRIC_DEFS.maxQueueDepth;
    expect(decide(q, ev(6, null, null, null, 'threshold'), 5, 0.05)).toEqual({
      significant: false,
      beyondMinEffect: true,
      verdict: 'regressed',
      pValue: null,
    });
    expect(decide(q, ev(5, null, null, null, 'threshold'), 5, 0.05).verdict).toBe('no change');
    expect(decide(q, ev(-7, null, null, null, 'threshold'), 5, 0.05).verdict).toBe('improved');
  });
});

describe('samplesNeeded', () => {
  it.each([
    [50, 20],
    [95, 200],
    [99, 1000],
    [99.9, 10_000],
  ])('p%d needs %d samples a trial for 10 beyond it', (p, n) => expect(samplesNeeded(p, 10)).toBe(n));
});
