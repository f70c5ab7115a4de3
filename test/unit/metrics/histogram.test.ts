import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createGaugeHistogram,
  createLatencyHistogram,
  decodeHistogram,
  emptyEncodedHistogram,
  encodeHistogram,
  LATENCY_MAX_US,
  mergeAll,
  mergeInto,
  recordGauge,
  recordMicros,
  recordNanos,
  summarize,
  summarizeGauge,
} from '../../../src/metrics/histogram.ts';

// Latencies from 1 µs to 100 s: the range a database benchmark really sees.
const latencyUs = fc.integer({ min: 1, max: 100_000_000 });

function histogramOf(values: readonly number[]) {
  const h = createLatencyHistogram();
  for (const v of values) recordMicros(h, v);
  return h;
}

/** Nearest-rank percentile of sorted values, the definition HDR uses. */
function exactPercentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

describe('histogram', () => {
  it('summarizes an empty histogram as count 0 and zeros', () => {
    expect(summarize(createLatencyHistogram())).toEqual({
      count: 0,
      p50: 0,
      p90: 0,
      p95: 0,
      p99: 0,
      p999: 0,
      max: 0,
      mean: 0,
      min: 0,
    });
  });

  it('reports milliseconds', () => {
    const s = summarize(histogramOf([1000, 2000, 3000]));
    expect(s.count).toBe(3);
    expect(s.p50).toBeCloseTo(2, 2);
    expect(s.max).toBeCloseTo(3, 2);
    expect(s.min).toBeCloseTo(1, 2);
    expect(s.mean).toBeCloseTo(2, 2);
  });

  it('clamps out-of-range values and ignores NaN instead of throwing', () => {
    const h = createLatencyHistogram();
    expect(() => {
      recordMicros(h, 0);
      recordMicros(h, -5);
      recordMicros(h, 0.2);
      recordMicros(h, 1e15);
      recordMicros(h, Number.POSITIVE_INFINITY);
      recordMicros(h, Number.NaN);
    }).not.toThrow();
    const s = summarize(h);
    expect(s.count).toBe(5);
    expect(s.min).toBe(0.001);
    // The top value is clamped to one hour (within HDR's 0.1 %).
    expect(s.max).toBeGreaterThanOrEqual(LATENCY_MAX_US / 1000);
    expect(s.max).toBeLessThan((LATENCY_MAX_US / 1000) * 1.001);
  });

  it('records hrtime nanosecond differences', () => {
    const h = createLatencyHistogram();
    recordNanos(h, 12_345_678n);
    expect(summarize(h).p50).toBeCloseTo(12.346, 1);
  });

  it('merging shards equals recording every value in one histogram', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(latencyUs, { maxLength: 200 }), { minLength: 1, maxLength: 6 }),
        (shards) => {
          const all = histogramOf(shards.flat());
          const merged = createLatencyHistogram();
          for (const shard of shards) mergeInto(merged, histogramOf(shard));
          expect(summarize(merged)).toEqual(summarize(all));
          expect(summarize(mergeAll(shards.map(histogramOf)))).toEqual(summarize(all));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('merging decoded shards is lossless too (how latency.spatial is built from result.json)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(latencyUs, { maxLength: 100 }), { minLength: 1, maxLength: 4 }),
        (shards) => {
          const merged = createLatencyHistogram();
          for (const shard of shards) mergeInto(merged, decodeHistogram(encodeHistogram(histogramOf(shard))));
          expect(summarize(merged)).toEqual(summarize(histogramOf(shards.flat())));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('round-trips through the compressed base64 encoding', () => {
    fc.assert(
      fc.property(fc.array(latencyUs, { maxLength: 300 }), (values) => {
        const h = histogramOf(values);
        const d = decodeHistogram(encodeHistogram(h));
        expect(summarize(d)).toEqual(summarize(h));
        expect(encodeHistogram(d)).toBe(encodeHistogram(h));
      }),
      { numRuns: 60 },
    );
    expect(summarize(decodeHistogram(emptyEncodedHistogram())).count).toBe(0);
  });

  it('rejects a corrupt encoding with a clear error', () => {
    expect(() => decodeHistogram('not-a-histogram')).toThrow(/cannot decode histogram/);
  });

  it('keeps percentiles within HDR precision (3 significant digits) of the exact values', () => {
    fc.assert(
      fc.property(fc.array(latencyUs, { minLength: 1, maxLength: 500 }), (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        const s = summarize(histogramOf(values));
        const cases: [number, number][] = [
          [50, s.p50],
          [90, s.p90],
          [95, s.p95],
          [99, s.p99],
          [99.9, s.p999],
          [100, s.max],
        ];
        for (const [p, observedMs] of cases) {
          const exactUs = exactPercentile(sorted, p);
          // HDR reports the highest value equivalent to the exact one: never below it, at most 0.1 % above.
          expect(observedMs * 1000).toBeGreaterThanOrEqual(exactUs);
          expect(observedMs * 1000).toBeLessThanOrEqual(exactUs * 1.001 + 1);
        }
        expect(s.min * 1000).toBeLessThanOrEqual(sorted[0]! + 1e-6); // ms back to µs: float rounding (16.120000000000002)
        expect(s.min * 1000).toBeGreaterThanOrEqual(sorted[0]! * 0.999 - 1);
        const exactMean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
        expect(Math.abs(s.mean * 1000 - exactMean)).toBeLessThanOrEqual(exactMean * 0.001 + 1);
        expect(s.count).toBe(values.length);
      }),
      { numRuns: 100 },
    );
  });

  it('summarizes integer gauges exactly in the small range, including 0', () => {
    const g = createGaugeHistogram();
    for (const d of [0, 0, 3, 7, 12, Number.NaN, -1]) recordGauge(g, d);
    const s = summarizeGauge(g);
    expect(s).toMatchObject({ count: 6, min: 0, max: 12 });
    expect(s.mean).toBeCloseTo(22 / 6, 5);
    expect(summarizeGauge(createGaugeHistogram()).count).toBe(0);
  });
});
