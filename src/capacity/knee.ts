import type { CapacityStep, FirstToBreak, Knee, StepCheck } from '../model/capacity.ts';
import { bracketOf } from './search-plan.ts';
import { t95 } from './t-quantile.ts';

/**
 * The knee from the final bracket [last good, first bad] and its repeated trials. In each trial, every
 * check that fails at the bad rate is located where its margin crosses 1, interpolated linearly in
 * log(margin) against log(rate) between the two rates (latency and drops grow roughly as powers of the
 * load near a knee); the lowest crossing is that trial's knee and its check is the first to break. The
 * knee is the geometric mean of the trials' estimates; its 90 % interval a Student-t interval on their
 * logarithms (with one trial: the bracket itself, all that one measurement of each end can say).
 */

export interface Crossing {
  check: string;
  ratePerSec: number;
}

/** Where `check` crosses margin 1 between a good and a bad measurement (null: it did not fail at `bad`). */
export function crossingOf(
  goodRate: number,
  good: StepCheck | undefined,
  badRate: number,
  bad: StepCheck,
): number | null {
  if (bad.verdict !== 'fail' || bad.margin === null) return null;
  const lg = Math.log(goodRate);
  const lb = Math.log(badRate);
  const width = lb - lg;
  const mg = good?.margin ?? null;
  const mb = bad.margin;
  // The good end failed too (a repeated trial): the crossing lies below it, one bracket width at most.
  if (good?.verdict === 'fail' && !(mg !== null && Number.isFinite(mb) && mb > mg))
    return Math.exp(lg - width);
  if (mg === null || !(mg > 0) || !Number.isFinite(mb) || !(mb > mg)) return Math.sqrt(goodRate * badRate);
  const at = lg + ((lb - lg) * (0 - Math.log(mg))) / (Math.log(mb) - Math.log(mg));
  // Never place it further out than one bracket width beyond either end.
  return Math.exp(Math.min(lb, Math.max(lg - width, at)));
}

/**
 * The lowest crossing of the checks that failed at the bad rate. When none failed there (a repeated
 * trial passing the bad end), the knee lies above it: one bracket width above, the mirror of the cap below.
 */
export function trialCrossing(good: CapacityStep, bad: CapacityStep): Crossing {
  let best: Crossing | undefined;
  for (const b of bad.checks) {
    const g = good.checks.find((c) => c.name === b.name);
    const r = crossingOf(good.offeredRatePerSec, g, bad.offeredRatePerSec, b);
    if (r !== null && (!best || r < best.ratePerSec)) best = { check: b.name, ratePerSec: r };
  }
  return best ?? { check: '', ratePerSec: bad.offeredRatePerSec ** 2 / good.offeredRatePerSec };
}

export function geometricMean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

/** 90 % interval of the geometric mean: a t interval on the logarithms (needs two or more values). */
export function logTInterval(xs: readonly number[]): [number, number] {
  const n = xs.length;
  const logs = xs.map(Math.log);
  const mean = logs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = (t95(n - 1) * sd) / Math.sqrt(n);
  return [Math.exp(mean - half), Math.exp(mean + half)];
}

function firstToBreakOf(bad: CapacityStep, check: string): FirstToBreak | null {
  const c = bad.checks.find((x) => x.name === check);
  if (!c) return null;
  return {
    check: c.name,
    expression: c.expression,
    atRatePerSec: bad.offeredRatePerSec,
    observed: c.observed,
    threshold: c.threshold,
    unit: c.unit,
  };
}

/** The knee of a finished search, or null when no bracket exists (nothing failed, or nothing passed). */
export function kneeOf(steps: readonly CapacityStep[]): Knee | null {
  const measured = steps.map((s) => ({
    ratePerSec: s.offeredRatePerSec,
    trial: s.trial,
    verdict: s.verdict,
  }));
  const { lastGood, firstBad } = bracketOf(measured);
  if (lastGood === undefined || firstBad === undefined) return null;
  const at = (rate: number, trial: number) =>
    steps.find((s) => s.offeredRatePerSec === rate && s.trial === trial && s.verdict !== 'client-bound');
  const crossings: Crossing[] = [];
  const trials = Math.max(...steps.map((s) => s.trial));
  for (let t = 1; t <= trials; t++) {
    const g = at(lastGood, t);
    const b = at(firstBad, t);
    if (g && b) crossings.push(trialCrossing(g, b));
  }
  if (crossings.length === 0) return null;
  const estimates = crossings.map((c) => c.ratePerSec);
  // The check that broke first most often (ties: the one of the lowest crossing).
  const votes = new Map<string, number>();
  for (const c of crossings) if (c.check) votes.set(c.check, (votes.get(c.check) ?? 0) + 1);
  const sorted = [...crossings].filter((c) => c.check).sort((a, b) => a.ratePerSec - b.ratePerSec);
  const check = [...votes.entries()].sort(
    (a, b) =>
      b[1] - a[1] || sorted.findIndex((c) => c.check === a[0]) - sorted.findIndex((c) => c.check === b[0]),
  )[0]?.[0];
  const multi = estimates.length >= 2;
  return {
    ratePerSec: geometricMean(estimates),
    interval: multi ? logTInterval(estimates) : [lastGood, firstBad],
    intervalMethod: multi
      ? `90 % Student-t interval on log rate over ${estimates.length} trials of the bracket`
      : 'one trial: the last good and the first bad rate',
    bracket: [lastGood, firstBad],
    trialEstimates: estimates,
    firstToBreak: check ? firstToBreakOf(at(firstBad, 1)!, check) : null,
  };
}
