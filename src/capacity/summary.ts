import type { RateSearch } from '../model/capacity.ts';
import { rateText } from '../report/capacity/format.ts';

export { rateText };

/** The planner's sentence for each outcome, shared by the terminal line, capacity.md and capacity.html. */

export function searchSummary(s: RateSearch): string {
  const k = s.knee;
  const first = k?.firstToBreak
    ? `; first to break: ${k.firstToBreak.check} at ${rateText(k.firstToBreak.atRatePerSec)}`
    : '';
  switch (s.outcome) {
    case 'knee':
      return `max sustainable ${rateText(k!.ratePerSec)} (${k!.intervalMethod.startsWith('90') ? '90 % interval' : 'bracket'} ${rateText(k!.interval[0])}-${rateText(k!.interval[1])})${first}`;
    case 'first-step-fails': {
      const st = s.steps[0]!;
      const failed = st.checks.filter((c) => c.verdict === 'fail').map((c) => `${c.name} (${c.expression})`);
      return `even the first step, ${rateText(st.offeredRatePerSec)}, fails: ${failed.join(', ')}; lower the start rate (capacity.startRatePerSec) or check the targets`;
    }
    case 'lower-bound':
      return `a lower bound only: sustains at least ${rateText(s.lowerBound?.ratePerSec ?? 0)}; the search stopped because ${s.lowerBound?.reason ?? s.stoppedBy}`;
    case 'interrupted':
      return k
        ? `interrupted; so far: max sustainable about ${rateText(k.ratePerSec)}${first}`
        : `interrupted before a knee was bracketed${s.lowerBound ? `; sustains at least ${rateText(s.lowerBound.ratePerSec)}` : ''}`;
  }
}
