import { stageValueAt, type StageValue } from './stages.ts';

/**
 * The open loop's arrival schedule: intended start times in ms from the load's start, fixed in
 * advance of the server's behaviour (that is what makes it an open loop). Constant arrivals are
 * evenly spaced; Poisson arrivals have exponential gaps with the same mean. A rate change between
 * stages applies from the next gap.
 */
export interface ArrivalSchedule {
  /** Intended time of the next arrival, ms since the start; Infinity when past `totalMs`. */
  next(): number;
}

export interface ArrivalOptions {
  ratePerSec: number;
  arrivals: 'constant' | 'poisson';
  warmupMs: number;
  totalMs: number;
  stages: StageValue[];
  rand: () => number;
}

export function arrivalSchedule(o: ArrivalOptions): ArrivalSchedule {
  let t = 0;
  let first = true;
  return {
    next() {
      if (!first) {
        const rate = stageValueAt(t, o.warmupMs, o.ratePerSec, o.stages);
        const meanGapMs = 1000 / rate;
        // 1 - rand() is in (0, 1], so the log is finite.
        t += o.arrivals === 'poisson' ? -Math.log(1 - o.rand()) * meanGapMs : meanGapMs;
      }
      first = false;
      return t < o.totalMs ? t : Infinity;
    },
  };
}
