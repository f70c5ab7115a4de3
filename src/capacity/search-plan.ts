import type { StepPhase } from '../model/capacity.ts';

/**
 * The rate search as a pure function of what was measured so far: geometric steps up from the start
 * rate while every check passes, then bisection (geometric midpoints) between the last good and the
 * first bad rate until they are within `resolution` of each other, then the repeated trials of both
 * ends of that bracket, from which the knee and its interval are computed (knee.ts). The budget
 * (maxSteps, maxMinutes) is the caller's: it asks this plan for the next step and stops when it cannot
 * afford it.
 */

export interface SearchConfig {
  startRatePerSec: number;
  growth: number;
  resolution: number;
  maxRatePerSec: number;
  trials: number;
}

/** What the plan needs of a measured step. */
export interface MeasuredRate {
  ratePerSec: number;
  trial: number;
  verdict: 'good' | 'bad' | 'client-bound';
}

export type NextStep =
  | { kind: 'measure'; ratePerSec: number; phase: StepPhase; trial: number }
  | { kind: 'stop'; reason: 'knee' | 'first-step-fails' | 'client-bound' | 'max-rate' };

/** Rates keep three significant digits (1230/s, 45.6/s): finer steps are below any run's noise. */
export function roundRate(r: number): number {
  if (!(r > 0)) return r;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(r)));
  const f = 10 ** digits;
  return Math.round(r * f) / f;
}

export interface Bracket {
  lastGood: number | undefined;
  firstBad: number | undefined;
}

/** Over the search's own measurements (trial 1): the lowest bad rate and the highest good rate below it. */
export function bracketOf(steps: readonly MeasuredRate[]): Bracket {
  const search = steps.filter((s) => s.trial === 1);
  const bads = search.filter((s) => s.verdict === 'bad').map((s) => s.ratePerSec);
  const firstBad = bads.length ? Math.min(...bads) : undefined;
  const goods = search
    .filter((s) => s.verdict === 'good' && (firstBad === undefined || s.ratePerSec < firstBad))
    .map((s) => s.ratePerSec);
  return { lastGood: goods.length ? Math.max(...goods) : undefined, firstBad };
}

export function nextStep(steps: readonly MeasuredRate[], cfg: SearchConfig): NextStep {
  if (steps.some((s) => s.verdict === 'client-bound')) return { kind: 'stop', reason: 'client-bound' };
  const start = roundRate(Math.min(cfg.startRatePerSec, cfg.maxRatePerSec));
  if (steps.length === 0) return { kind: 'measure', ratePerSec: start, phase: 'step-up', trial: 1 };
  const { lastGood, firstBad } = bracketOf(steps);
  if (lastGood === undefined) return { kind: 'stop', reason: 'first-step-fails' };
  if (firstBad === undefined) {
    if (lastGood >= cfg.maxRatePerSec) return { kind: 'stop', reason: 'max-rate' };
    const up = roundRate(Math.min(lastGood * cfg.growth, cfg.maxRatePerSec));
    return { kind: 'measure', ratePerSec: up, phase: 'step-up', trial: 1 };
  }
  if ((firstBad - lastGood) / lastGood > cfg.resolution) {
    const mid = roundRate(Math.sqrt(lastGood * firstBad));
    if (mid > lastGood && mid < firstBad)
      return { kind: 'measure', ratePerSec: mid, phase: 'bisect', trial: 1 };
  }
  for (let trial = 2; trial <= cfg.trials; trial++)
    for (const rate of [lastGood, firstBad])
      if (!steps.some((s) => s.trial === trial && s.ratePerSec === rate))
        return { kind: 'measure', ratePerSec: rate, phase: 'trial', trial };
  return { kind: 'stop', reason: 'knee' };
}
