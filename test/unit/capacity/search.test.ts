import { describe, expect, it } from 'vitest';
import { Budget } from '../../../src/capacity/budget.ts';
import { searchRate, type StepRequest } from '../../../src/capacity/search.ts';
import { bracketOf, nextStep, roundRate, type SearchConfig } from '../../../src/capacity/search-plan.ts';
import { syntheticStep, type SyntheticServer } from '../../fixtures/capacity.ts';

const CFG: SearchConfig = {
  startRatePerSec: 50,
  growth: 2,
  resolution: 0.05,
  maxRatePerSec: 100_000,
  trials: 3,
};

async function search(server: SyntheticServer, cfg = CFG, budget = new Budget(100, 60, () => 0, 0)) {
  const rates: StepRequest[] = [];
  const s = await searchRate({
    config: cfg,
    budget,
    signal: new AbortController().signal,
    measure: async (req) => (rates.push(req), syntheticStep(server, req)),
    progress: { step: () => {} },
  });
  return { s, rates };
}

describe('roundRate', () => {
  it.each([
    [123.456, 123],
    [45.678, 45.7],
    [1.2345, 1.23],
    [98765, 98765],
    [0.012345, 0.0123],
  ])('%s -> %s', (x, y) => expect(roundRate(x)).toBe(y));
});

describe('nextStep', () => {
  it('starts at the start rate, steps up geometrically while good', () => {
    expect(nextStep([], CFG)).toEqual({ kind: 'measure', ratePerSec: 50, phase: 'step-up', trial: 1 });
    expect(nextStep([{ ratePerSec: 50, trial: 1, verdict: 'good' }], CFG)).toEqual({
      kind: 'measure',
      ratePerSec: 100,
      phase: 'step-up',
      trial: 1,
    });
  });
  it('bisects at the geometric midpoint of last good and first bad', () => {
    const steps = [
      { ratePerSec: 100, trial: 1, verdict: 'good' as const },
      { ratePerSec: 200, trial: 1, verdict: 'bad' as const },
    ];
    expect(nextStep(steps, CFG)).toEqual({ kind: 'measure', ratePerSec: 141, phase: 'bisect', trial: 1 });
  });
  it('repeats both ends of a resolved bracket, then stops at the knee', () => {
    const steps = [
      { ratePerSec: 100, trial: 1, verdict: 'good' as const },
      { ratePerSec: 104, trial: 1, verdict: 'bad' as const },
    ];
    expect(nextStep(steps, CFG)).toEqual({ kind: 'measure', ratePerSec: 100, phase: 'trial', trial: 2 });
    const all = [
      ...steps,
      { ratePerSec: 100, trial: 2, verdict: 'good' as const },
      { ratePerSec: 104, trial: 2, verdict: 'bad' as const },
      { ratePerSec: 100, trial: 3, verdict: 'good' as const },
      { ratePerSec: 104, trial: 3, verdict: 'bad' as const },
    ];
    expect(nextStep(all, CFG)).toEqual({ kind: 'stop', reason: 'knee' });
  });
  it('stops when the first step fails, when the client saturates, and at the max rate', () => {
    expect(nextStep([{ ratePerSec: 50, trial: 1, verdict: 'bad' }], CFG)).toEqual({
      kind: 'stop',
      reason: 'first-step-fails',
    });
    expect(nextStep([{ ratePerSec: 50, trial: 1, verdict: 'client-bound' }], CFG)).toEqual({
      kind: 'stop',
      reason: 'client-bound',
    });
    const capped = { ...CFG, maxRatePerSec: 80 };
    expect(nextStep([{ ratePerSec: 50, trial: 1, verdict: 'good' }], capped)).toMatchObject({
      ratePerSec: 80,
    });
    expect(nextStep([{ ratePerSec: 80, trial: 1, verdict: 'good' }], capped)).toEqual({
      kind: 'stop',
      reason: 'max-rate',
    });
  });
  it('brackets on the search trial only, ignoring a noisy good above the first bad', () => {
    expect(
      bracketOf([
        { ratePerSec: 100, trial: 1, verdict: 'good' },
        { ratePerSec: 300, trial: 1, verdict: 'good' },
        { ratePerSec: 200, trial: 1, verdict: 'bad' },
        { ratePerSec: 150, trial: 2, verdict: 'bad' },
      ]),
    ).toEqual({ lastGood: 100, firstBad: 200 });
  });
});

describe('searchRate on a server with a known knee', () => {
  it('finds the knee within the resolution, with an interval and the first check to break', async () => {
    const { s, rates } = await search({ capacity: 420, serviceMs: 10, p95LimitMs: 100 });
    expect(rates.map((r) => r.ratePerSec).slice(0, 5)).toEqual([50, 100, 200, 400, 800]);
    expect(s.outcome).toBe('knee');
    expect(s.stoppedBy).toBe('knee');
    // p95 is 10 ms up to 420/s and at least 400 ms above it: the limit (100 ms) is crossed at 420/s.
    expect(s.knee!.ratePerSec).toBeGreaterThan(420 * 0.95);
    expect(s.knee!.ratePerSec).toBeLessThan(420 * 1.05);
    const [lg, fb] = s.knee!.bracket;
    expect((fb - lg) / lg).toBeLessThanOrEqual(0.05);
    expect(s.knee!.trialEstimates).toHaveLength(3);
    expect(s.knee!.firstToBreak).toMatchObject({ check: 'latency.spatial p95', atRatePerSec: fb });
    expect(s.summary).toMatch(
      /^max sustainable \d+\/s \(90 % interval \d+\/s-\d+\/s\); first to break: latency\.spatial p95 at \d+\/s$/,
    );
  });

  it('gives a wider interval when the trials disagree', async () => {
    const noise = (t: number) => [1, 1.6, 0.7][t - 1] ?? 1;
    const quiet = await search({ capacity: 300, serviceMs: 5, p95LimitMs: 50 });
    const noisy = await search({ capacity: 300, serviceMs: 5, p95LimitMs: 50, noise });
    const width = (k: { interval: [number, number] }) => k.interval[1] / k.interval[0];
    expect(width(quiet.s.knee!)).toBeLessThan(1.0001);
    expect(width(noisy.s.knee!)).toBeGreaterThan(1.01);
    expect(noisy.s.knee!.interval[0]).toBeLessThan(noisy.s.knee!.ratePerSec);
    expect(noisy.s.knee!.interval[1]).toBeGreaterThan(noisy.s.knee!.ratePerSec);
  });

  it('is a lower bound, saying why, when the client saturates first', async () => {
    const { s } = await search({ capacity: 1000, serviceMs: 5, p95LimitMs: 50, clientLimit: 300 });
    expect(s.outcome).toBe('lower-bound');
    expect(s.lowerBound).toMatchObject({ ratePerSec: 200 });
    expect(s.lowerBound!.reason).toMatch(/client saturated at 400\/s \(main thread busy/);
    expect(s.summary).toMatch(/^a lower bound only: sustains at least 200\/s/);
  });

  it('reports first-step-fails when the start rate already fails', async () => {
    const { s, rates } = await search({ capacity: 20, serviceMs: 5, p95LimitMs: 50 });
    expect(rates).toHaveLength(1);
    expect(s.outcome).toBe('first-step-fails');
    expect(s.summary).toMatch(/^even the first step, 50.0\/s, fails: latency.spatial p95 \(p95 < 50ms\)/);
  });

  it('never runs more steps than maxSteps, nor a step past maxMinutes', async () => {
    const few = await search(
      { capacity: 420, serviceMs: 10, p95LimitMs: 100 },
      CFG,
      new Budget(6, 60, () => 0, 0),
    );
    expect(few.rates).toHaveLength(6);
    expect(few.s.stoppedBy).toBe('capacity.maxSteps (6) reached');
    // With a knee bracketed but not narrowed, the answer is still a knee, with the bracket as interval.
    expect(few.s.outcome).toBe('knee');
    let now = 0;
    const clock = () => now;
    const budget = new Budget(100, 1, clock, 25_000);
    const timed = await searchRate({
      config: CFG,
      budget,
      signal: new AbortController().signal,
      measure: async (req) => (
        (now += 25_000),
        syntheticStep({ capacity: 420, serviceMs: 10, p95LimitMs: 100 }, req)
      ),
      progress: { step: () => {} },
    });
    // 60 s budget, 25 s steps: two fit, the third would end at 75 s.
    expect(timed.steps).toHaveLength(2);
    expect(timed.stoppedBy).toMatch(
      /^capacity.maxMinutes \(1\) would be exceeded by the next step \(~25 s, 10 s left\)$/,
    );
    expect(timed.outcome).toBe('lower-bound');
  });
});
