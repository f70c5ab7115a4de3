import type { ShardSpec } from '../model/shard.ts';
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
  /**
   * Position in the single-run schedule (0, 1, 2, ...) of the arrival next() returned last: the
   * request index the load asks the workload for, so a shard's request k is the unsharded run's.
   */
  readonly lastIndex: number;
}

export interface ArrivalOptions {
  ratePerSec: number;
  arrivals: 'constant' | 'poisson';
  warmupMs: number;
  totalMs: number;
  stages: StageValue[];
  /** Draw n is gap n (so a sequential source over a counter-based stream makes gap k reproducible). */
  rand: () => number;
}

export function arrivalSchedule(o: ArrivalOptions): ArrivalSchedule {
  let t = 0;
  let index = -1;
  return {
    next() {
      if (index >= 0) {
        const rate = stageValueAt(t, o.warmupMs, o.ratePerSec, o.stages);
        const meanGapMs = 1000 / rate;
        // 1 - rand() is in (0, 1], so the log is finite.
        t += o.arrivals === 'poisson' ? -Math.log(1 - o.rand()) * meanGapMs : meanGapMs;
      }
      index++;
      return t < o.totalMs ? t : Infinity;
    },
    get lastIndex() {
      return index;
    },
  };
}

/**
 * Shard `index` of `count` of a schedule: the arrivals at positions k = index, index + count,
 * index + 2 count, ... of the single-run schedule, at their single-run times. The whole schedule is
 * still generated (a few float operations per arrival) so that every gap is the single-run gap: the
 * shards' slices are disjoint and their union is the unsharded schedule, by construction. Each shard
 * thus runs 1/count of the rate (exactly, for constant arrivals).
 */
export function shardSchedule(schedule: ArrivalSchedule, shard: ShardSpec | undefined): ArrivalSchedule {
  if (!shard || shard.count === 1) return schedule;
  return {
    next() {
      for (;;) {
        const t = schedule.next();
        if (t === Infinity || schedule.lastIndex % shard.count === shard.index) return t;
      }
    },
    get lastIndex() {
      return schedule.lastIndex;
    },
  };
}
