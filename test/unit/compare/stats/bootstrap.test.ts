import { describe, expect, it } from 'vitest';
import {
  bootstrapLogRatio,
  histogramSource,
  quantileSorted,
  rankOfPercentile,
  resamplePercentile,
  summarizeReplicates,
} from '../../../../src/compare/stats/bootstrap.ts';
import { uniform } from '../../../../src/compare/stats/prng.ts';
import {
  createLatencyHistogram,
  encodeHistogram,
  percentileMs,
  recordMicros,
} from '../../../../src/metrics/histogram.ts';

function histogramOf(valuesUs: number[]) {
  const h = createLatencyHistogram();
  for (const v of valuesUs) recordMicros(h, v);
  return h;
}

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('histogramSource', () => {
  it('answers ranks as HDR answers percentiles', () => {
    const h = histogramOf(range(1000, (i) => 100 + i * 7));
    const src = histogramSource(encodeHistogram(h));
    expect(src.count).toBe(1000);
    for (const p of [1, 50, 95, 99, 100])
      expect(src.valueAtRank(rankOfPercentile(p, 1000))).toBe(percentileMs(h, p));
    expect(src.valueAtRank(0)).toBe(src.valueAtRank(1));
    expect(src.valueAtRank(5000)).toBe(src.valueAtRank(1000));
  });
});

describe('rankOfPercentile', () => {
  it.each([
    [50, 1000, 500],
    [95, 1000, 950],
    [99, 150, 149],
    [0, 10, 1],
    [100, 10, 10],
  ])('p%d of %d samples is rank %d', (p, n, k) => expect(rankOfPercentile(p, n)).toBe(k));
});

describe('percentile bootstrap', () => {
  it('has the spread of the order statistic it resamples', () => {
    // Uniform 1..10000 µs: the bootstrap median of n = 10000 has sd about sqrt(n) / 2 ranks = 50 µs.
    const src = histogramSource(histogramOf(range(10_000, (i) => i + 1)));
    const rand = uniform(3);
    const reps = range(4000, () => resamplePercentile(src, 50, rand) * 1000);
    const mean = reps.reduce((a, b) => a + b, 0) / reps.length;
    const sd = Math.sqrt(reps.reduce((a, b) => a + (b - mean) ** 2, 0) / reps.length);
    expect(mean).toBeGreaterThan(4950);
    expect(mean).toBeLessThan(5050);
    expect(sd).toBeGreaterThan(40);
    expect(sd).toBeLessThan(60);
  });

  it('is deterministic for a seed', () => {
    const a = histogramSource(histogramOf(range(500, (i) => 1000 + i)));
    const b = histogramSource(histogramOf(range(500, (i) => 1100 + i)));
    expect(bootstrapLogRatio(a, b, 95, 200, uniform(9))).toEqual(
      bootstrapLogRatio(a, b, 95, 200, uniform(9)),
    );
  });

  it('finds a 50 % slower p95 and no change between equal histograms', () => {
    const base = range(3000, (i) => 800 + ((i * 7919) % 3000));
    const same = histogramSource(histogramOf(base));
    const slower = histogramSource(histogramOf(base.map((v) => v * 1.5)));
    const up = summarizeReplicates(bootstrapLogRatio(same, slower, 95, 2000, uniform(1)), 0.05);
    expect(Math.expm1(up.lo)).toBeGreaterThan(0.4);
    expect(up.pUp).toBeLessThan(0.001);
    const flat = summarizeReplicates(bootstrapLogRatio(same, same, 95, 2000, uniform(1)), 0.05);
    expect(flat.lo).toBeLessThan(0);
    expect(flat.hi).toBeGreaterThan(0);
    expect(flat.pUp).toBeGreaterThan(0.05);
    expect(flat.pDown).toBeGreaterThan(0.05);
  });
});

describe('summarizeReplicates', () => {
  it('takes percentile bounds and one-sided p-values with the +1 correction', () => {
    const sorted = range(99, (i) => i - 9); // -9 .. 89: 10 values <= 0
    const s = summarizeReplicates(sorted, 0.05);
    expect(s.pUp).toBeCloseTo(11 / 100, 12);
    expect(s.pDown).toBeCloseTo(91 / 100, 12);
    expect(s.lo).toBeCloseTo(quantileSorted(sorted, 0.05), 12);
    expect(quantileSorted([1, 2, 3], 0.5)).toBe(2);
    expect(quantileSorted([1, 3], 0.25)).toBe(1.5);
  });
});
