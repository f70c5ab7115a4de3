import { describe, expect, it } from 'vitest';
import { isIgnoredMetric, parseMinEffect, resolveGate } from '../../../src/scenario/gate.ts';

describe('parseMinEffect', () => {
  it.each([
    ['p95', '10%', 0.1],
    ['p99', ' 25.5 % ', 0.255],
    ['throughput', '0%', 0],
    ['errorRate', '1pp', 0.01],
    ['seekRatio', '0.5pp', 0.005],
    ['maxQueueDepth', '3', 3],
  ])('%s: %s -> %d', (metric, text, value) => {
    expect(parseMinEffect(metric, text)).toEqual({ value: expect.closeTo(value, 12) });
  });

  it.each([
    ['p95', '10', /expected a percentage like 10%/],
    ['p95', '5pp', /expected a percentage/],
    ['errorRate', '1%', /expected percentage points like 1pp/],
    ['maxQueueDepth', '50%', /expected a count like 5/],
    ['p95', '-5%', /expected a percentage/],
    ['p90', '10%', /unknown metric "p90"; valid: p50, p95/],
  ])('%s: %s is refused', (metric, text, message) => {
    const r = parseMinEffect(metric, text);
    expect('error' in r && r.error).toMatch(message);
  });
});

describe('resolveGate', () => {
  it('starts from the defaults', () => {
    const { settings, problems } = resolveGate(undefined);
    expect(problems).toEqual([]);
    expect(settings.alpha).toBe(0.05);
    expect(settings.minEffect.p95).toBeCloseTo(0.1, 12);
    expect(settings.minEffect.p99).toBeCloseTo(0.2, 12);
    expect(settings.minEffect.errorRate).toBeCloseTo(0.01, 12);
    expect(settings.minEffectText.maxQueueDepth).toBe('5');
    expect(settings.minTrialsForRankTest).toBe(3);
  });

  it('applies the scenario, then the flags', () => {
    const { settings, problems } = resolveGate(
      {
        minEffect: { p95: '20%', errorRate: '2pp' },
        ignoreFingerprint: ['client'],
        ignoreMetrics: ['ingest'],
        alpha: 0.01,
      },
      { minEffect: 'p95=5%, throughput=15%', ignoreFingerprint: ['engine.settings'], ignoreMetrics: ['p99'] },
    );
    expect(problems).toEqual([]);
    expect(settings.minEffect.p95).toBeCloseTo(0.05, 12);
    expect(settings.minEffectText.p95).toBe('5%');
    expect(settings.minEffect.errorRate).toBeCloseTo(0.02, 12);
    expect(settings.minEffect.throughput).toBeCloseTo(0.15, 12);
    expect(settings.alpha).toBe(0.01);
    expect(settings.ignoreFingerprint).toEqual(['client', 'engine.settings']);
    expect(settings.ignoreMetrics).toEqual(['ingest', 'p99']);
  });

  it('reports every problem at once, each naming its field or flag', () => {
    const { problems } = resolveGate(
      { minEffect: { p95: '10', bogus: '1%' } },
      { minEffect: 'p50=3pp,nonsense', alpha: 0.9 },
    );
    expect(problems).toEqual([
      expect.stringMatching(/^gate\.minEffect\.p95: expected a percentage/),
      expect.stringMatching(/^gate\.minEffect\.bogus: unknown metric/),
      expect.stringMatching(/^--min-effect p50: expected a percentage/),
      expect.stringMatching(/^--min-effect: expected metric=value/),
      expect.stringMatching(/^--alpha: expected 0 < alpha <= 0\.25/),
    ]);
  });
});

describe('isIgnoredMetric', () => {
  it.each([
    [['p99'], 'spatial.knn', 'p99', true],
    [['ingest'], 'ingest', 'p50', true],
    [['spatial.knn.p95'], 'spatial.knn', 'p95', true],
    [['spatial.knn.p95'], 'spatial.knn', 'p99', false],
    [['spatial'], 'spatial.knn', 'p50', false],
    [['total.seekRatio'], 'total', 'seekRatio', true],
  ])('%j ignores %s %s: %s', (patterns, op, metric, ignored) => {
    expect(isIgnoredMetric(patterns, op, metric)).toBe(ignored);
  });
});
