import type { RunResult } from '../model/result.ts';

/**
 * What a capacity step reads from result.json about the load itself, in one place: the offered and the
 * achieved rate, the dropped arrivals and the client's self-check. The judging of drops, cancellations
 * and validity is being reworked (issue 12); when it lands, this function is the one to adapt.
 */
export interface StepHealth {
  offeredRatePerSec: number;
  achievedRatePerSec: number;
  dropped: number;
  /** result.load.dropRatio (run/result.ts: dropped / arrivals due); the old estimate where a result lacks it. */
  dropRatio: number;
  /** The client could not drive the schedule faithfully: the step measured the client. */
  clientBound: boolean;
  clientReasons: string[];
}

export function stepHealth(r: RunResult): StepHealth {
  const offered = r.load.ratePerSec ?? 0;
  const scheduleSec = r.load.warmupSec + r.load.durationSec;
  const arrivals = offered * scheduleSec;
  const dropped = r.load.dropped ?? 0;
  return {
    offeredRatePerSec: offered,
    achievedRatePerSec: r.load.achievedRatePerSec ?? 0,
    dropped,
    dropRatio: r.load.dropRatio ?? (arrivals > 0 ? Math.min(1, dropped / arrivals) : 0),
    clientBound: r.client.bottleneck,
    clientReasons: [...r.client.reasons],
  };
}
