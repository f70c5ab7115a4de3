import { describe, expect, it } from 'vitest';
import { linearFit as fit, scaleFit } from '../../../src/capacity/fit.ts';
import { linearRegression, rSquared } from 'simple-statistics';

describe('linearFit', () => {
  it('matches simple-statistics on noisy data, with the slope standard error', () => {
    const pts = [
      { x: 1, y: 2.1 },
      { x: 2, y: 3.9 },
      { x: 3, y: 6.2 },
      { x: 4, y: 7.8 },
      { x: 5, y: 10.1 },
    ];
    const f = fit(pts);
    const ref = linearRegression(pts.map((p) => [p.x, p.y]));
    expect(f.slope).toBeCloseTo(ref.m, 12);
    expect(f.intercept).toBeCloseTo(ref.b, 12);
    const line = (x: number) => ref.b + ref.m * x;
    expect(f.r2).toBeCloseTo(
      rSquared(
        pts.map((p) => [p.x, p.y]),
        line,
      ),
      12,
    );
    // By hand: residuals of y = 0.05 + 1.99 x; SSres = 0.107, Sxx = 10.
    expect(f.slope).toBeCloseTo(1.99, 12);
    expect(f.slopeStdErr).toBeCloseTo(Math.sqrt(0.107 / 3 / 10), 12);
  });
  it('refuses fewer than two distinct x', () => {
    expect(() => fit([{ x: 1, y: 1 }])).toThrow(/two points/);
    expect(() =>
      fit([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
      ]),
    ).toThrow(/all equal/);
  });
});

describe('scaleFit', () => {
  it('recovers a power law and labels every prediction extrapolated', () => {
    // latency = 0.02 ms * atoms^0.5: 2 ms at 10k, 6.32 ms at 100k, 10.95 ms at 300k.
    const pts = [1e4, 1e5, 3e5].map((atoms) => ({ atoms, latencyMs: 0.02 * Math.sqrt(atoms) }));
    const f = scaleFit('spatial.knn', 'p95', pts, [1e6, 3e6, 1e5])!;
    expect(f.slope).toBeCloseTo(0.5, 12);
    expect(f.r2).toBeCloseTo(1, 12);
    expect(f.slopeStdErr).toBeCloseTo(0, 9);
    expect(f.points).toBe(3);
    // 100k is inside the measured range: no prediction for it.
    expect(f.predictions).toEqual([
      { atoms: 1e6, latencyMs: expect.closeTo(20, 9), extrapolated: true },
      { atoms: 3e6, latencyMs: expect.closeTo(0.02 * Math.sqrt(3e6), 9), extrapolated: true },
    ]);
  });
  it('is null below two sizes, and skips zero latencies', () => {
    expect(scaleFit('x', 'p95', [{ atoms: 10, latencyMs: 1 }], [])).toBeNull();
    expect(
      scaleFit(
        'x',
        'p95',
        [
          { atoms: 10, latencyMs: 1 },
          { atoms: 100, latencyMs: 0 },
        ],
        [],
      ),
    ).toBeNull();
  });
});
