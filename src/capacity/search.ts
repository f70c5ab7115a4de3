import type { CapacityStep, RateSearch, StepPhase } from '../model/capacity.ts';
import type { Budget } from './budget.ts';
import { kneeOf } from './knee.ts';
import { bracketOf, nextStep, type SearchConfig } from './search-plan.ts';
import { rateText, searchSummary } from './summary.ts';

/**
 * The rate search loop: asks the pure plan (search-plan.ts) for the next rate, runs it through the
 * injected `measure` (run/ does the I/O), within the budget, until the plan or the budget stops it.
 */

export interface StepRequest {
  index: number;
  ratePerSec: number;
  phase: StepPhase;
  trial: number;
}

export interface SearchProgress {
  /** A step is about to run. */
  step(req: StepRequest, verdict: string): void;
}

export interface SearchInput {
  config: SearchConfig;
  budget: Budget;
  signal: AbortSignal;
  measure: (req: StepRequest) => Promise<CapacityStep>;
  progress: SearchProgress;
}

/** The running verdict: what the steps so far say. */
export function runningVerdict(steps: readonly CapacityStep[]): string {
  if (steps.length === 0) return 'no step yet';
  const { lastGood, firstBad } = bracketOf(
    steps.map((s) => ({ ratePerSec: s.offeredRatePerSec, trial: s.trial, verdict: s.verdict })),
  );
  if (lastGood === undefined) return `fails already at ${rateText(firstBad ?? steps[0]!.offeredRatePerSec)}`;
  if (firstBad === undefined) return `sustains at least ${rateText(lastGood)}`;
  return `knee between ${rateText(lastGood)} and ${rateText(firstBad)}`;
}

export async function searchRate(i: SearchInput): Promise<RateSearch> {
  const steps: CapacityStep[] = [];
  let stoppedBy: string;
  for (;;) {
    if (i.signal.aborted) {
      stoppedBy = 'interrupted';
      break;
    }
    const next = nextStep(
      steps.map((s) => ({ ratePerSec: s.offeredRatePerSec, trial: s.trial, verdict: s.verdict })),
      i.config,
    );
    if (next.kind === 'stop') {
      stoppedBy = next.reason;
      break;
    }
    const refusal = i.budget.refusal();
    if (refusal) {
      stoppedBy = refusal;
      break;
    }
    const req: StepRequest = {
      index: i.budget.stepsRun + 1,
      ratePerSec: next.ratePerSec,
      phase: next.phase,
      trial: next.trial,
    };
    i.progress.step(req, runningVerdict(steps));
    const step = await i.budget.step(() => i.measure(req));
    steps.push(step);
  }
  return finishSearch(steps, stoppedBy, i.signal.aborted);
}

/** Pure: the search's answer from its steps and why it stopped. */
export function finishSearch(steps: CapacityStep[], stoppedBy: string, interrupted: boolean): RateSearch {
  const knee = kneeOf(steps);
  const measured = steps.map((s) => ({
    ratePerSec: s.offeredRatePerSec,
    trial: s.trial,
    verdict: s.verdict,
  }));
  const { lastGood } = bracketOf(measured);
  let outcome: RateSearch['outcome'];
  let lowerBound: RateSearch['lowerBound'] = null;
  if (interrupted) outcome = 'interrupted';
  else if (knee && stoppedBy === 'knee') outcome = 'knee';
  else if (lastGood === undefined && steps.length > 0 && steps[0]!.verdict === 'bad')
    outcome = 'first-step-fails';
  else if (knee) outcome = 'knee';
  else outcome = 'lower-bound';
  if (outcome === 'lower-bound' || (outcome === 'interrupted' && !knee && lastGood !== undefined)) {
    const client = steps.find((s) => s.verdict === 'client-bound');
    const reason =
      stoppedBy === 'client-bound' && client
        ? `the client saturated at ${rateText(client.offeredRatePerSec)} (${client.clientReasons.join('; ')}), so the server was not the limit measured`
        : stoppedBy === 'max-rate'
          ? `capacity.maxRatePerSec reached without a failure`
          : stoppedBy;
    lowerBound = lastGood !== undefined ? { ratePerSec: lastGood, reason } : null;
    if (lowerBound === null && outcome === 'lower-bound') lowerBound = { ratePerSec: 0, reason };
  }
  const search: RateSearch = { outcome, summary: '', knee, lowerBound, stoppedBy, steps };
  search.summary = searchSummary(search);
  return search;
}
