import { describe, expect, it } from 'vitest';
import { parseTargetExpression, type TargetExpression } from '../../../src/targets/grammar.ts';
import { METRIC_KEYS, resolveMetric } from '../../../src/targets/metrics.ts';
import type { MeasuredResult, Reading } from '../../../src/targets/reading.ts';
import { makeResult, RAW_US } from '../../fixtures/result.ts';
import { evaluateTarget } from '../../../src/targets/evaluate.ts';

function expr(text: string): TargetExpression {
  const r = parseTargetExpression(text);
  if (!r.ok) throw new Error(r.error);
  return r.expr;
}

function read(result: MeasuredResult, key: string, text: string): Reading {
  const m = resolveMetric(key);
  if (!m.ok) throw new Error(m.error);
  return m.def.read(result, expr(text));
}

function value(r: Reading): number {
  if (!('value' in r)) throw new Error(`unexpected reading: ${JSON.stringify(r)}`);
  return r.value;
}

function naReason(r: Reading): string {
  if (!('na' in r)) throw new Error(`expected n/a, got ${JSON.stringify(r)}`);
  return r.na;
}

describe('metric keys', () => {
  it('lists the fixed and per-operation keys', () => {
    for (const k of [
      'latency.all',
      'latency.spatial',
      'latency.spatial.pool',
      'latency.ingest',
      'throughput.all',
      'throughput.spatial.knn',
      'errors.rate',
      'seekRatio',
      'cacheHitRatio',
      'primaryFilter.spatial.pool',
      'ooda.queueDepth',
      'ooda.phaseDuration',
      'ooda.successRate',
      'ooda.loopLatency',
      'ooda.loopInterval',
      'server.avgDuration',
    ])
      expect(METRIC_KEYS).toContain(k);
    expect(METRIC_KEYS).not.toContain('primaryFilter.ingest');
  });

  it('rejects an unknown key, listing the valid ones', () => {
    const r = resolveMetric('latency.spatial.bogus');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(/^unknown metric "latency\.spatial\.bogus"; valid: /);
      expect(r.error).toContain('latency.spatial.pool');
      expect(r.error).toContain('seekRatio');
    }
  });
});

describe('reading metrics', () => {
  it('merges every spatial.* histogram for latency.spatial (true percentiles of the union)', () => {
    const r = makeResult();
    const all = [...RAW_US['spatial.pool']!, ...RAW_US['spatial.knn']!].sort((a, b) => a - b);
    const exactP95Us = all[Math.ceil(0.95 * all.length) - 1]!;
    const p95 = value(read(r, 'latency.spatial', 'p95 < 50ms'));
    expect(p95 * 1000).toBeGreaterThanOrEqual(exactP95Us);
    expect(p95 * 1000).toBeLessThanOrEqual(exactP95Us * 1.001 + 1);
    // Not the average of the two operations' p95s.
    const [pool, knn] = [r.operations[0]!.latencyMs.p95, r.operations[1]!.latencyMs.p95];
    expect(p95).not.toBeCloseTo((pool + knn) / 2, 1);
    expect(read(r, 'latency.spatial', 'count > 0')).toMatchObject({
      value: 4200,
      note: 'merged: spatial.pool, spatial.knn',
    });
  });

  it('reads per-operation latency, throughput and the total', () => {
    const r = makeResult();
    expect(value(read(r, 'latency.spatial.pool', 'p99 < 1s'))).toBe(r.operations[0]!.latencyMs.p99);
    expect(value(read(r, 'latency.all', 'p99.9 < 1s'))).toBe(r.total.latencyMs.p999);
    expect(value(read(r, 'throughput.spatial.knn', 'rate > 1'))).toBeCloseTo(1800 / 30, 6);
    expect(value(read(r, 'throughput.all', 'count > 1'))).toBe(4505);
  });

  it('fails a latency target, with the errors by class, when every attempt failed (never n/a)', () => {
    const r = makeResult();
    const none = { ...r.operations[0]!.latencyMs, count: 0 };
    for (const o of r.operations) {
      o.errors = { timeout: o.count - 1, connection: 1 };
      o.latencyMs = none;
    }
    r.total = { ...r.total, latencyMs: none, errors: { timeout: 4503, connection: 2 } };
    const attempts = r.operations.filter((o) => o.op.startsWith('spatial.')).reduce((n, o) => n + o.count, 0);
    expect(read(r, 'latency.spatial', 'avg < 50ms')).toEqual({
      failed: `every spatial.* operation failed in the measured window (${attempts} attempts: timeout ${attempts - 2}, connection 2)`,
      // (each operation's errors: count - 1 timeouts and 1 connection error)
    });
    expect(read(r, 'latency.spatial.pool', 'p95 < 1s')).toMatchObject({
      failed: expect.stringMatching(/^every spatial\.pool operation failed/),
    });
    expect(read(r, 'latency.all', 'p95 < 1s')).toMatchObject({
      failed: expect.stringContaining('4505 attempts'),
    });
    const judged = evaluateTarget(r, {
      metric: 'latency.spatial',
      kind: 'latency',
      expression: expr('avg < 50ms'),
      source: 'runbook',
    });
    expect(judged).toMatchObject({ verdict: 'fail', observed: null });
    expect(judged.reason).toMatch(/^every spatial\.\* operation failed/);
    // One operation still answering keeps the merged target measurable on what succeeded.
    r.operations[1]!.latencyMs = makeResult().operations[1]!.latencyMs;
    expect('value' in read(r, 'latency.spatial', 'avg < 50ms')).toBe(true);
  });

  it('computes errors.rate over every attempt', () => {
    expect(value(read(makeResult(), 'errors.rate', 'ratio < 1%'))).toBeCloseTo(5 / 4505, 9);
  });

  it('reads probes, primary filter and OODA values', () => {
    const r = makeResult();
    expect(value(read(r, 'seekRatio', 'ratio > 0.9'))).toBe(0.975);
    expect(value(read(r, 'cacheHitRatio', 'ratio > 0.8'))).toBe(0.712);
    expect(value(read(r, 'primaryFilter.spatial.pool', 'ratio > 0.5'))).toBeCloseTo(2_400_000 / 3_100_000, 9);
    expect(value(read(r, 'ooda.queueDepth', 'max < 10'))).toBe(4);
    expect(value(read(r, 'ooda.successRate', 'ratio > 0.95'))).toBe(0.98);
    expect(value(read(r, 'ooda.loopLatency', 'p95 < 1s'))).toBe(140);
    // The mean interval between triggers, in ms like every time value.
    expect(value(read(r, 'ooda.loopInterval', 'avg <= 3600s'))).toBe(600);
  });

  it('notes a primary filter efficiency that comes from sampled queries', () => {
    const r = makeResult();
    r.operations[0]!.primaryFilterSource = 'sampled';
    expect(read(r, 'primaryFilter.spatial.pool', 'ratio > 0.5')).toMatchObject({
      note: 'from sampled queries',
    });
  });

  it('judges the worst OODA phase, worst in the direction of the comparison', () => {
    const r = makeResult();
    expect(read(r, 'ooda.phaseDuration', 'avg < 5s')).toEqual({ value: 22 * 1.1, note: 'worst phase: Act' });
    expect(read(r, 'ooda.phaseDuration', 'p50 > 1ms')).toEqual({ value: 19, note: 'worst phase: Learn' });
  });

  it('averages per-interval queue depth maxima outside warm-up', () => {
    const r = makeResult();
    const measured = r.timeseries.filter((p) => !p.warmup).map((p) => p.queueDepth!);
    expect(value(read(r, 'ooda.queueDepth', 'avg < 3'))).toBeCloseTo(
      measured.reduce((a, b) => a + b) / measured.length,
      9,
    );
  });

  it('falls back to the probe queue depth when the OODA driver did not run (attach mode)', () => {
    const r = makeResult();
    r.ooda = null;
    r.probes.queueDepthMax = { value: 12 };
    expect(value(read(r, 'ooda.queueDepth', 'max < 10'))).toBe(12);
  });

  describe('yields n/a with a reason, never 0', () => {
    it('for Measured {na}', () => {
      const r = makeResult();
      r.probes.seekRatio = { na: 'sqlite cannot report plans per query' };
      expect(naReason(read(r, 'seekRatio', 'ratio > 0.9'))).toBe('sqlite cannot report plans per query');
      expect(naReason(read(r, 'server.avgDuration', 'avg < 50ms'))).toMatch(/pg_stat_statements/);
    });

    it('for operations with count 0 or absent from the workload', () => {
      const r = makeResult();
      r.operations = r.operations.filter((o) => o.op !== 'spatial.knn');
      expect(naReason(read(r, 'latency.spatial.knn', 'p95 < 5ms'))).toMatch(
        /"spatial\.knn" is not in this scenario's workload/,
      );
      r.operations[0]!.latencyMs = { ...r.operations[0]!.latencyMs, count: 0 };
      r.operations[0]!.count = 0;
      expect(naReason(read(r, 'latency.spatial.pool', 'p95 < 5ms'))).toMatch(
        /no successful spatial\.pool operation/,
      );
      expect(naReason(read(r, 'throughput.spatial.pool', 'rate > 5'))).toMatch(
        /no spatial\.pool operation completed/,
      );
      expect(naReason(read(r, 'primaryFilter.spatial.pool', 'ratio > 0.5'))).toMatch(/no spatial\.pool/);
    });

    it('for latency.spatial when no spatial operation ran or none succeeded', () => {
      const r = makeResult();
      const ingestOnly = { ...r, operations: r.operations.filter((o) => o.op === 'ingest') };
      expect(naReason(read(ingestOnly, 'latency.spatial', 'avg < 50ms'))).toMatch(/no spatial\.\* operation/);
      const empty = makeResult();
      // None in the measured window at all (no attempt either): nothing to judge. Attempts that all
      // failed are a failure instead (the next describe).
      for (const o of empty.operations)
        Object.assign(o, { count: 0, errors: {}, latencyMs: { ...o.latencyMs, count: 0 } });
      expect(naReason(read(empty, 'latency.spatial', 'avg < 50ms'))).toMatch(/no successful spatial/);
    });

    it('for a corrupt histogram', () => {
      const r = makeResult();
      r.operations[0]!.histogram = 'garbage';
      expect(naReason(read(r, 'latency.spatial', 'avg < 50ms'))).toMatch(
        /histogram of spatial\.pool is unreadable/,
      );
    });

    it('for an engine that does not report candidates', () => {
      expect(naReason(read(makeResult(), 'primaryFilter.spatial.knn', 'ratio > 0.5'))).toMatch(
        /postgis engine did not report index candidate rows for spatial\.knn/,
      );
    });

    it('for every ooda.* metric when OODA did not run', () => {
      const r = makeResult();
      r.ooda = null;
      r.probes.queueDepthMax = { na: 'the engine has no queues' };
      for (const [key, text] of [
        ['ooda.phaseDuration', 'avg < 5s'],
        ['ooda.successRate', 'ratio > 0.95'],
        ['ooda.loopLatency', 'p95 < 1s'],
        ['ooda.loopInterval', 'avg <= 3600s'],
      ] as const)
        expect(naReason(read(r, key, text))).toMatch(/OODA traffic did not run/);
      expect(naReason(read(r, 'ooda.queueDepth', 'max < 10'))).toBe(
        'OODA traffic did not run in this scenario (ooda.enabled is false); the engine has no queues',
      );
    });

    it('for errors.rate with no operations, and for phases that never completed', () => {
      const r = makeResult();
      r.total.count = 0;
      expect(naReason(read(r, 'errors.rate', 'ratio < 0.01'))).toMatch(/no operation completed/);
      for (const s of Object.values(r.ooda!.phaseDurationMs)) s.count = 0;
      expect(naReason(read(r, 'ooda.phaseDuration', 'avg < 5s'))).toMatch(/no OODA phase completed/);
    });

    it('for the loop interval when fewer than two loops were triggered', () => {
      const r = makeResult();
      delete r.ooda!.loopIntervalSec;
      expect(naReason(read(r, 'ooda.loopInterval', 'avg <= 3600s'))).toMatch(/fewer than two OODA loops/);
    });
  });
});
