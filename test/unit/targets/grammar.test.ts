import { describe, expect, it } from 'vitest';
import {
  checkFitsKind,
  observedUnit,
  parseTargetExpression,
  type MetricKind,
} from '../../../src/targets/grammar.ts';

describe('parseTargetExpression', () => {
  const valid: [
    string,
    { text: string; aggregate: string; cmp: string; threshold: number; unitKind: string },
  ][] = [
    ['avg < 50ms', { text: 'avg < 50ms', aggregate: 'avg', cmp: '<', threshold: 50, unitKind: 'time' }],
    ['avg<50ms', { text: 'avg < 50ms', aggregate: 'avg', cmp: '<', threshold: 50, unitKind: 'time' }],
    [
      '  p99.9 <=  0.2 s ',
      { text: 'p99.9 <= 0.2s', aggregate: 'p99.9', cmp: '<=', threshold: 200, unitKind: 'time' },
    ],
    [
      'p95 >= 750us',
      { text: 'p95 >= 750us', aggregate: 'p95', cmp: '>=', threshold: 0.75, unitKind: 'time' },
    ],
    ['p50 < 750µs', { text: 'p50 < 750µs', aggregate: 'p50', cmp: '<', threshold: 0.75, unitKind: 'time' }],
    ['avg < 5s', { text: 'avg < 5s', aggregate: 'avg', cmp: '<', threshold: 5000, unitKind: 'time' }],
    [
      'ratio > 90%',
      { text: 'ratio > 90%', aggregate: 'ratio', cmp: '>', threshold: 0.9, unitKind: 'percent' },
    ],
    ['ratio>0.95', { text: 'ratio > 0.95', aggregate: 'ratio', cmp: '>', threshold: 0.95, unitKind: 'none' }],
    ['max < 10', { text: 'max < 10', aggregate: 'max', cmp: '<', threshold: 10, unitKind: 'none' }],
    ['rate >= 200', { text: 'rate >= 200', aggregate: 'rate', cmp: '>=', threshold: 200, unitKind: 'none' }],
    [
      'count >= 1e3',
      { text: 'count >= 1e3', aggregate: 'count', cmp: '>=', threshold: 1000, unitKind: 'none' },
    ],
    ['MEAN < 20MS', { text: 'mean < 20ms', aggregate: 'mean', cmp: '<', threshold: 20, unitKind: 'time' }],
    ['min > .5ms', { text: 'min > .5ms', aggregate: 'min', cmp: '>', threshold: 0.5, unitKind: 'time' }],
    ['p90 ≤ 3ms', { text: 'p90 <= 3ms', aggregate: 'p90', cmp: '<=', threshold: 3, unitKind: 'time' }],
  ];
  it.each(valid)('parses %j', (input, expected) => {
    const r = parseTargetExpression(input);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.expr).toMatchObject(expected);
      // Thresholds normalise to ms / 0..1; allow float noise from unit factors.
      expect(r.expr.threshold).toBeCloseTo(expected.threshold, 9);
    }
  });

  const invalid: [string, RegExp][] = [
    ['', /empty expression/],
    ['   ', /empty expression/],
    [
      'p42 < 5ms',
      /unknown aggregate "p42"; valid: avg, mean, min, max, p50, p90, p95, p99, p99\.9, ratio, rate, count/,
    ],
    ['average < 5ms', /unknown aggregate "average"/],
    ['< 5ms', /expected an aggregate/],
    ['avg 50ms', /expected a comparison \(<, <=, >, >=\) after "avg", found "50ms"/],
    ['avg', /expected a comparison .* found the end of the expression/],
    ['avg = 50ms', /unsupported comparison "="; valid: <, <=, >, >=/],
    ['avg == 50ms', /unsupported comparison "=="/],
    ['avg != 50ms', /unsupported comparison "!="/],
    ['avg < ms', /expected a number after "<", found "ms"/],
    ['avg <', /expected a number after "<", found the end/],
    ['avg < -5ms', /must not be negative/],
    ['avg < 5sec', /unknown unit "sec"; valid: us, ms, s, %/],
    ['avg < 5 minutes', /unknown unit "minutes"/],
    ['avg < 5ms and p99 < 9ms', /unexpected "and p99 < 9ms" after the threshold/],
    ['avg < 5ms%', /unexpected "%"/],
  ];
  it.each(invalid)('rejects %j', (input, message) => {
    const r = parseTargetExpression(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe('checkFitsKind', () => {
  const cases: [string, MetricKind, RegExp | undefined][] = [
    ['avg < 50ms', 'latency', undefined],
    ['p99.9 < 1s', 'latency', undefined],
    ['p95 < 50', 'latency', undefined],
    ['count >= 100', 'latency', undefined],
    ['count >= 100ms', 'latency', /"ms" is a time unit/],
    [
      'ratio > 0.9',
      'latency',
      /aggregate "ratio" does not apply to "k" \(a latency\); use: avg, mean, min, max/,
    ],
    ['p95 < 50%', 'latency', /"%" is a percentage/],
    ['avg < 50ms', 'meanLatency', undefined],
    ['p95 < 50ms', 'meanLatency', /use: avg, mean/],
    ['ratio > 0.9', 'ratio', undefined],
    ['ratio > 90%', 'ratio', undefined],
    ['ratio > 90', 'ratio', /a ratio is between 0 and 1/],
    ['ratio > 0.9ms', 'ratio', /"ms" is a time unit/],
    ['avg > 0.9', 'ratio', /use: ratio/],
    ['max < 10', 'gauge', undefined],
    ['avg < 3', 'gauge', undefined],
    ['p99 < 10', 'gauge', /use: max, avg/],
    ['max < 10ms', 'gauge', /time unit/],
    ['rate >= 100', 'throughput', undefined],
    ['count >= 100', 'throughput', undefined],
    ['avg > 100', 'throughput', /use: rate, count/],
    ['rate > 100%', 'throughput', /percentage/],
  ];
  it.each(cases)('%j on a %s metric', (text, kind, expected) => {
    const r = parseTargetExpression(text);
    if (!r.ok) throw new Error(r.error);
    const problem = checkFitsKind(r.expr, kind, 'k');
    if (expected) expect(problem).toMatch(expected);
    else expect(problem).toBeUndefined();
  });

  it('names the unit of observed values', () => {
    expect(observedUnit('latency', 'p95')).toBe('ms');
    expect(observedUnit('latency', 'count')).toBe('count');
    expect(observedUnit('ratio', 'ratio')).toBe('ratio');
    expect(observedUnit('gauge', 'max')).toBe('count');
    expect(observedUnit('throughput', 'rate')).toBe('ops/s');
  });
});
