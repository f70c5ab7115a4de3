import { describe, expect, it } from 'vitest';
import type { Comparator } from '../../../src/targets/grammar.ts';
import { compare, evaluateTarget, evaluateTargets, tally } from '../../../src/targets/evaluate.ts';
import type { MeasuredResult } from '../../../src/targets/reading.ts';
import { resolveTargets, type TargetSpec } from '../../../src/targets/runbook.ts';
import { makeResult, SPATIAL_MEAN_MS } from '../../fixtures/result.ts';

function measured(): MeasuredResult {
  const { targets: _t, verdict: _v, ...rest } = makeResult();
  return rest;
}

function specs(targets: Record<string, string | null>, atoms = 100_000): TargetSpec[] {
  const r = resolveTargets(targets, { oodaTriggerEverySec: 2, datasetAtoms: atoms });
  if (r.problems.length > 0) throw new Error(JSON.stringify(r.problems));
  return r.specs;
}

function only(metric: string, text: string): TargetSpec {
  return specs({ [metric]: text }).find((s) => s.metric === metric)!;
}

describe('compare', () => {
  const cases: [number, Comparator, number, boolean][] = [
    [49.999, '<', 50, true],
    [50, '<', 50, false],
    [50.001, '<', 50, false],
    [50, '<=', 50, true],
    [50.001, '<=', 50, false],
    [0.9, '>', 0.9, false],
    [0.9001, '>', 0.9, true],
    [0.9, '>=', 0.9, true],
    [0.8999, '>=', 0.9, false],
  ];
  it.each(cases)('%s %s %s is %s', (observed, cmp, threshold, expected) => {
    expect(compare(observed, cmp, threshold)).toBe(expected);
  });
});

describe('evaluateTarget', () => {
  it.each([
    ['ratio > 0.975', 'fail'],
    ['ratio >= 0.975', 'pass'],
    ['ratio > 97%', 'pass'],
    ['ratio > 0.98', 'fail'],
  ])('seekRatio 0.975 against %s is %s', (text, verdict) => {
    expect(evaluateTarget(measured(), only('seekRatio', text)).verdict).toBe(verdict);
  });

  it('judges the merged spatial latency, in ms, at the exact boundary', () => {
    const exact = `avg < ${SPATIAL_MEAN_MS}ms`;
    expect(evaluateTarget(measured(), only('latency.spatial', exact))).toMatchObject({
      verdict: 'fail',
      observed: SPATIAL_MEAN_MS,
      threshold: SPATIAL_MEAN_MS,
      unit: 'ms',
      reason: 'merged: spatial.pool, spatial.knn',
      source: 'scenario',
    });
    expect(evaluateTarget(measured(), only('latency.spatial', `avg <= ${SPATIAL_MEAN_MS}ms`)).verdict).toBe(
      'pass',
    );
    // 1 s written in seconds equals 1000 ms.
    expect(evaluateTarget(measured(), only('latency.spatial', 'avg < 0.001s')).verdict).toBe('fail');
  });

  it('propagates n/a with its reason and a null observed value', () => {
    const m = measured();
    m.probes.cacheHitRatio = { na: 'sqlite has no buffer cache counters' };
    expect(evaluateTarget(m, only('cacheHitRatio', 'ratio > 0.8'))).toEqual({
      metric: 'cacheHitRatio',
      expression: 'ratio > 0.8',
      observed: null,
      threshold: 0.8,
      unit: 'ratio',
      verdict: 'n/a',
      reason: 'sqlite has no buffer cache counters',
      source: 'scenario',
    });
  });

  it('turns a non-finite value into n/a, not a verdict', () => {
    const m = measured();
    m.probes.seekRatio = { value: Number.NaN };
    expect(evaluateTarget(m, only('seekRatio', 'ratio > 0.9'))).toMatchObject({
      verdict: 'n/a',
      observed: null,
    });
  });

  it('uses the spec n/a reason before reading anything', () => {
    const loop = specs({}).find((s) => s.metric === 'ooda.loopInterval')!;
    expect(evaluateTarget(measured(), loop)).toMatchObject({
      verdict: 'n/a',
      reason: expect.stringMatching(/compressed/),
    });
  });

  it('judges the loop frequency when the scenario runs loops at the runbook pace', () => {
    const loop = (every: number) =>
      resolveTargets({}, { oodaTriggerEverySec: every }).specs.find((s) => s.metric === 'ooda.loopInterval')!;
    const m = measured();
    m.ooda!.loopIntervalSec = 1805;
    expect(evaluateTarget(m, loop(1800))).toMatchObject({ verdict: 'pass', observed: 1_805_000, unit: 'ms' });
    m.ooda!.loopIntervalSec = 3600;
    expect(evaluateTarget(m, loop(1800)).verdict).toBe('pass');
    m.ooda!.loopIntervalSec = 3600.5;
    expect(evaluateTarget(m, loop(1800)).verdict).toBe('fail');
    // The same measurement with a compressed schedule stays n/a.
    expect(evaluateTarget(m, loop(2)).verdict).toBe('n/a');
  });

  it('keeps the runbook note beside a verdict', () => {
    const spatial = specs({}).find((s) => s.metric === 'latency.spatial')!;
    expect(evaluateTarget(measured(), spatial).reason).toBe(
      'merged: spatial.pool, spatial.knn; the runbook states this target for 1M atoms; this dataset has 100,000',
    );
  });
});

describe('evaluateTargets', () => {
  it('judges the runbook defaults on the fixture: cache hit fails, loop frequency is n/a', () => {
    // The fixture's targets predate the built-in load.dropRatio (n/a for its closed loop anyway).
    const e = evaluateTargets(
      measured(),
      specs({ 'latency.spatial.knn': 'p99 < 20ms', 'load.dropRatio': null }),
    );
    expect(e.targets.map((t) => [t.metric, t.verdict])).toEqual([
      ['latency.spatial', 'pass'],
      ['seekRatio', 'pass'],
      ['cacheHitRatio', 'fail'],
      ['ooda.queueDepth', 'pass'],
      ['ooda.phaseDuration', 'pass'],
      ['ooda.successRate', 'pass'],
      ['ooda.loopInterval', 'n/a'],
      ['latency.spatial.knn', 'pass'],
    ]);
    expect(e).toMatchObject({ verdict: 'fail', passed: 6, failed: 1, na: 1 });
    // The fixture's hand-written targets agree with the evaluator.
    expect(e.targets).toEqual(makeResult().targets);
  });

  it('passes the run when nothing failed, even with n/a targets, without counting them as passes', () => {
    const m = measured();
    m.probes.cacheHitRatio = { na: 'not measurable' };
    const e = evaluateTargets(m, specs({}));
    // n/a: cache hit, loop frequency, and the drop ratio (a closed loop never drops).
    expect(e).toMatchObject({ verdict: 'pass', failed: 0, na: 3, passed: 5 });
  });

  it('tallies an empty target list as a pass with no passes', () => {
    expect(tally([])).toEqual({ verdict: 'pass', passed: 0, failed: 0, na: 0 });
  });
});
