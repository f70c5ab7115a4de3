import { describe, expect, it } from 'vitest';
import { checkFitsKind, parseTargetExpression } from '../../../src/targets/grammar.ts';
import { resolveMetric } from '../../../src/targets/metrics.ts';
import type { MeasuredResult } from '../../../src/targets/reading.ts';
import type { InterferenceStats } from '../../../src/model/result.ts';

describe('"<aggregate> ratio" (inside / outside maintenance windows)', () => {
  const cases: [string, string | null, string | null][] = [
    // input, normalised text (null = parse error), fit error for interference.spatial (substring)
    ['p95 ratio < 2', 'p95 ratio < 2', null],
    ['P95 RATIO<=1.5', 'p95 ratio <= 1.5', null],
    ['p50 ratio < 3', 'p50 ratio < 3', null],
    ['p99 ratio < 2', 'p99 ratio < 2', 'does not apply'],
    ['p95 < 2', 'p95 < 2', 'followed by "ratio"'],
    ['p95 ratio < 2ms', 'p95 ratio < 2ms', 'a time unit'],
    ['p95 ratios < 2', null, null],
    ['ratio > 90%', 'ratio > 90%', 'followed by "ratio"'],
  ];
  for (const [input, text, fitErr] of cases)
    it(input, () => {
      const r = parseTargetExpression(input);
      if (text === null) return expect(r.ok).toBe(false);
      if (!r.ok) throw new Error(r.error);
      expect(r.expr.text).toBe(text);
      const misfit = checkFitsKind(r.expr, 'interferenceRatio', 'interference.spatial');
      if (fitErr === null) expect(misfit).toBeUndefined();
      else expect(misfit).toContain(fitErr);
    });
  it('"p95 ratio" is refused on a latency metric', () => {
    const r = parseTargetExpression('p95 ratio < 2');
    if (!r.ok) throw new Error(r.error);
    expect(checkFitsKind(r.expr, 'latency', 'latency.spatial')).toContain('interference.*');
  });
});

describe('interference.spatial reading', () => {
  const def = resolveMetric('interference.spatial');
  if (!def.ok) throw new Error(def.error);
  const p95 = parseTargetExpression('p95 ratio < 2');
  if (!p95.ok) throw new Error(p95.error);
  const stat = (op: string, inP95: number, outP95: number): InterferenceStats => ({
    op,
    inside: { count: 50, p50Ms: inP95 / 2, p95Ms: inP95 },
    outside: { count: 50, p50Ms: outP95 / 2, p95Ms: outP95 },
    p95Ratio: { value: { ratio: inP95 / outP95, lo: 1, hi: 4 } },
  });
  const withM = (m: unknown) => ({ maintenance: m }) as unknown as MeasuredResult;
  it('n/a with the reason when no maintenance section or window', () => {
    expect(def.def.read(withM(undefined), p95.expr)).toEqual({
      na: 'no maintenance: section ran in this scenario',
    });
    expect(def.def.read(withM({ windows: [], interference: [] }), p95.expr)).toEqual({
      na: 'no maintenance window happened in the measured run',
    });
  });
  it('the worst spatial operation', () => {
    const r = def.def.read(
      withM({
        windows: [{ kind: 'statistics', startSec: 1, endSec: 2, statements: [] }],
        interference: [stat('spatial.knn', 3, 2), stat('spatial.dedup', 9, 3), stat('atoms.insert', 100, 1)],
      }),
      p95.expr,
    );
    expect(r).toEqual({ value: 3, note: 'worst operation: spatial.dedup (95% interval 1.00-4.00)' });
  });
  it('too few samples: n/a carrying the stats reason', () => {
    const s = stat('spatial.knn', 3, 2);
    s.p95Ratio = { na: 'too few requests' };
    const r = def.def.read(withM({ windows: [{}], interference: [s] }), p95.expr);
    expect(r).toEqual({ na: 'spatial.knn: too few requests' });
  });
});
