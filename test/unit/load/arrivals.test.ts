import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/dataset/prng.ts';
import { arrivalSchedule } from '../../../src/load/arrivals.ts';
import { stageValueAt } from '../../../src/load/stages.ts';

const all = (s: { next(): number }) => {
  const out: number[] = [];
  for (let t = s.next(); t !== Infinity; t = s.next()) out.push(t);
  return out;
};

describe('arrival schedule', () => {
  it('spaces constant arrivals evenly: exactly rate x duration of them', () => {
    const times = all(
      arrivalSchedule({
        ratePerSec: 200,
        arrivals: 'constant',
        warmupMs: 0,
        totalMs: 10_000,
        stages: [],
        rand: Math.random,
      }),
    );
    expect(times.length).toBe(2000);
    expect(times[1]! - times[0]!).toBeCloseTo(5, 9);
  });

  it('draws Poisson arrivals with the right mean rate and exponential gaps (cv ~ 1)', () => {
    const times = all(
      arrivalSchedule({
        ratePerSec: 500,
        arrivals: 'poisson',
        warmupMs: 0,
        totalMs: 60_000,
        stages: [],
        rand: createRandom(3),
      }),
    );
    expect(times.length / 60).toBeGreaterThan(500 * 0.97);
    expect(times.length / 60).toBeLessThan(500 * 1.03);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length);
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
  });

  it('follows stages after warm-up', () => {
    const stages = [
      { durationSec: 1, value: 10 },
      { durationSec: 1, value: 100 },
    ];
    expect(stageValueAt(500, 1000, 1, stages)).toBe(10);
    expect(stageValueAt(1500, 1000, 1, stages)).toBe(10);
    expect(stageValueAt(2500, 1000, 1, stages)).toBe(100);
    expect(stageValueAt(9000, 1000, 1, stages)).toBe(100);
    const times = all(
      arrivalSchedule({
        ratePerSec: 1,
        arrivals: 'constant',
        warmupMs: 0,
        totalMs: 2000,
        stages,
        rand: Math.random,
      }),
    );
    expect(times.length).toBeGreaterThan(100); // 10 in the first second, ~100 in the second
    expect(times.length).toBeLessThan(115);
  });
});
