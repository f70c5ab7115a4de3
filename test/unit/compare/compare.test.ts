import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareResults } from '../../../src/compare/compare.ts';
import { resolveGate } from '../../../src/scenario/gate.ts';
import type { CompareResult, MetricComparison } from '../../../src/compare/model.ts';
import type { RunResult } from '../../../src/model/result.ts';
import { synthRun } from './synthetic.ts';

const settings = resolveGate(undefined).settings;
const labels = { baseline: 'base', candidate: 'cand' };

function cmp(baseline: RunResult, candidate: RunResult): CompareResult {
  return compareResults({ baseline, candidate, settings, labels });
}

const row = (r: CompareResult, op: string, metric: string): MetricComparison =>
  r.comparisons.find((c) => c.op === op && c.metric === metric)!;

const verdicts = (r: CompareResult, verdict: string) =>
  r.comparisons.filter((c) => c.verdict === verdict).map((c) => `${c.op} ${c.metric}`);

describe('compareResults', () => {
  it('lists every operation and total on p50/p95/p99/throughput/errorRate, and the run-wide metrics under total', () => {
    const r = cmp(synthRun({ trials: 1, seed: 1 }), synthRun({ trials: 1, seed: 2 }));
    expect(r.schema).toBe('atombench/compare@1');
    expect(r.comparisons.map((c) => `${c.op} ${c.metric}`)).toEqual([
      ...['spatial.knn', 'spatial.pool', 'total'].flatMap((op) =>
        ['p50', 'p95', 'p99', 'throughput', 'errorRate'].map((m) => `${op} ${m}`),
      ),
      'total seekRatio',
      'total maxQueueDepth',
    ]);
  });

  it('says no change for two runs of the same build (5 trials each)', () => {
    const r = cmp(synthRun({ trials: 5, seed: 1 }), synthRun({ trials: 5, seed: 2 }));
    expect(verdicts(r, 'regressed')).toEqual([]);
    expect(r.verdict).toBe('pass');
    const p95 = row(r, 'spatial.knn', 'p95');
    expect(p95.method).toBe('mann-whitney');
    expect(p95.values!.baseline).toHaveLength(5);
    expect(p95.interval![0]).toBeLessThan(p95.interval![1]);
  });

  it('finds a 30 % slower build with 5 trials: significant, beyond the minimum effect, with its interval', () => {
    const r = cmp(synthRun({ trials: 5, seed: 1 }), synthRun({ trials: 5, seed: 2, scale: 1.3 }));
    expect(r.verdict).toBe('fail');
    const p95 = row(r, 'spatial.knn', 'p95');
    expect(p95).toMatchObject({
      verdict: 'regressed',
      significant: true,
      beyondMinEffect: true,
      method: 'mann-whitney',
    });
    expect(p95.change!).toBeGreaterThan(0.2);
    expect(p95.change!).toBeLessThan(0.4);
    expect(p95.interval![0]).toBeGreaterThan(0);
    expect(p95.pValue!).toBeLessThan(0.01);
    // Throughput and errors did not move.
    expect(row(r, 'total', 'throughput').verdict).toBe('no change');
    expect(row(r, 'total', 'errorRate').verdict).toBe('no change');
  });

  it('uses the histogram bootstrap with one trial, and still finds the slower build', () => {
    const same = cmp(synthRun({ trials: 1, seed: 1 }), synthRun({ trials: 1, seed: 2 }));
    expect(verdicts(same, 'regressed')).toEqual([]);
    expect(same.warnings[0]).toMatch(/fewer than 3 on a side/);
    const slow = cmp(synthRun({ trials: 1, seed: 1 }), synthRun({ trials: 1, seed: 2, scale: 1.5 }));
    const p95 = row(slow, 'spatial.pool', 'p95');
    expect(p95).toMatchObject({ verdict: 'regressed', method: 'bootstrap-hdr' });
    expect(p95.interval![0]).toBeGreaterThan(0.1);
    expect(row(slow, 'total', 'throughput').method).toBe('poisson');
    expect(row(slow, 'total', 'errorRate').method).toBe('newcombe');
    expect(row(slow, 'total', 'maxQueueDepth').method).toBe('threshold');
  });

  it('judges error rate, seek ratio and queue depth in their own units', () => {
    const r = cmp(
      synthRun({ trials: 3, seed: 1, errors: 0, seekRatio: 1, queueDepth: 1 }),
      synthRun({ trials: 3, seed: 2, errors: 100, seekRatio: 0.5, queueDepth: 9 }),
    );
    expect(row(r, 'total', 'errorRate')).toMatchObject({ verdict: 'regressed', scale: 'absolute' });
    expect(row(r, 'total', 'errorRate').change!).toBeCloseTo(200 / 4200, 2);
    expect(row(r, 'total', 'seekRatio')).toMatchObject({ verdict: 'regressed', change: -0.5 });
    expect(row(r, 'total', 'maxQueueDepth')).toMatchObject({ verdict: 'regressed', change: 8 });
  });

  it('reports an ignored metric without failing the gate', () => {
    const s = resolveGate({ ignoreMetrics: ['p50', 'p95', 'p99'] }).settings;
    const r = compareResults({
      baseline: synthRun({ trials: 3, seed: 1 }),
      candidate: synthRun({ trials: 3, seed: 2, scale: 2 }),
      settings: s,
      labels,
    });
    expect(row(r, 'spatial.knn', 'p95')).toMatchObject({ verdict: 'regressed', gated: false });
    expect(r.verdict).toBe('pass');
  });

  it('is n/a, with the reason, for what one side did not measure', () => {
    const b = synthRun({ trials: 1, seed: 1 });
    const c = synthRun({ trials: 1, seed: 2 });
    c.probes.seekRatio = { na: 'the engine cannot explain plans' };
    c.operations = c.operations.filter((o) => o.op !== 'spatial.pool');
    const r = cmp(b, c);
    expect(row(r, 'total', 'seekRatio')).toMatchObject({
      verdict: 'n/a',
      note: 'candidate: the engine cannot explain plans',
    });
    expect(row(r, 'spatial.pool', 'p95')).toMatchObject({
      verdict: 'n/a',
      note: 'candidate: operation "spatial.pool" did not run',
    });
  });

  it('does not gate a percentile with too few samples per trial to be stable', () => {
    const r = cmp(
      synthRun({ trials: 3, seed: 1, samples: 300 }),
      synthRun({ trials: 3, seed: 2, samples: 300, scale: 3 }),
    );
    expect(row(r, 'spatial.knn', 'p95')).toMatchObject({ verdict: 'regressed' }); // 300 >= 200
    expect(row(r, 'spatial.knn', 'p99')).toMatchObject({
      verdict: 'n/a',
      note: 'too few samples for a stable p99: 300 in the smallest trial, 1000 needed (10 beyond the percentile); measure longer or at a higher rate',
    });
  });

  it('is deterministic and plain JSON', () => {
    const b = synthRun({ trials: 1, seed: 1 });
    const c = synthRun({ trials: 2, seed: 2, scale: 1.05 });
    const a = cmp(b, c);
    expect(JSON.stringify(cmp(b, c))).toBe(JSON.stringify(a));
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('never finds a change between a run and itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 1000 }), (trials, seed) => {
        const r = synthRun({ trials, seed, samples: 200 });
        const out = cmp(r, r);
        // 200 samples a trial: p99 (1000 needed) is n/a, everything else unchanged.
        expect(out.comparisons.filter((c) => c.verdict === 'n/a').map((c) => c.metric)).toEqual([
          'p99',
          'p99',
          'p99',
        ]);
        expect(
          out.comparisons.every((c) => c.verdict === 'n/a' || (c.verdict === 'no change' && c.change === 0)),
        ).toBe(true);
      }),
      { numRuns: 15 },
    );
  });
});
