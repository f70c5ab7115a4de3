import { describe, expect, it } from 'vitest';
import { createRandom, STREAMS } from '../../../src/dataset/prng.ts';
import { arrivalSchedule, shardSchedule, type ArrivalOptions } from '../../../src/load/arrivals.ts';
import { startLoad } from '../../../src/load/registry.ts';
import {
  globalRequestIndex,
  shardCapacity,
  shardLoad,
  shardLoadProblems,
  shardShare,
} from '../../../src/load/shard.ts';
import type { LoadContext } from '../../../src/load/types.ts';
import type { ShardSpec } from '../../../src/model/shard.ts';
import { loadSchema } from '../../../src/scenario/load-schema.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';

type Arrival = { k: number; t: number };

function arrivals(o: ArrivalOptions, shard?: ShardSpec): Arrival[] {
  const s = shardSchedule(arrivalSchedule(o), shard);
  const out: Arrival[] = [];
  for (let t = s.next(); t !== Infinity; t = s.next()) out.push({ k: s.lastIndex, t });
  return out;
}

const poisson = (): ArrivalOptions => ({
  ratePerSec: 400,
  arrivals: 'poisson',
  warmupMs: 1000,
  totalMs: 6000,
  stages: [
    { durationSec: 2, value: 800 },
    { durationSec: 3, value: 200 },
  ],
  rand: createRandom(42, STREAMS.arrivals),
});

describe('shard slicing of the arrival schedule', () => {
  it('gives shard I of N the arrivals k = I, I + N, ... at their single-run times (constant)', () => {
    const o: ArrivalOptions = {
      ratePerSec: 100,
      arrivals: 'constant',
      warmupMs: 0,
      totalMs: 200,
      stages: [],
      rand: Math.random,
    };
    const one = arrivals(o, { index: 1, count: 4 });
    expect(one.map((a) => a.k)).toEqual([1, 5, 9, 13, 17]);
    expect(one.map((a) => Math.round(a.t * 1e6) / 1e6)).toEqual([10, 50, 90, 130, 170]);
    expect(arrivals(o, { index: 0, count: 1 })).toHaveLength(20);
  });

  it('makes disjoint slices whose union is exactly the unsharded Poisson schedule with stages', () => {
    const whole = arrivals(poisson());
    expect(whole.length).toBeGreaterThan(1500);
    const parts = [0, 1, 2, 3].map((index) => arrivals(poisson(), { index, count: 4 }));
    const union = parts.flat().sort((a, b) => a.k - b.k);
    expect(union).toEqual(whole); // same positions, bit-identical times
    const seen = new Set(union.map((a) => a.k));
    expect(seen.size).toBe(whole.length); // no position twice: disjoint
    for (const [i, p] of parts.entries()) {
      expect(p.every((a) => a.k % 4 === i)).toBe(true);
      // each shard runs a quarter of the rate (within one arrival)
      expect(Math.abs(p.length - whole.length / 4)).toBeLessThanOrEqual(1);
    }
  });
});

describe('shard shares of the load', () => {
  it.each([
    [10, 4, [3, 3, 2, 2]],
    [4, 4, [1, 1, 1, 1]],
    [2, 4, [1, 1, 0, 0]],
    [7, 1, [7]],
  ])('deals %i workers to %i shards as %j (sum kept)', (total, count, want) => {
    const got = want.map((_, index) => shardShare(total, { index, count }));
    expect(got).toEqual(want);
    expect(got.reduce((a, b) => a + b, 0)).toBe(total);
  });

  it('rounds capacities up and never below 1', () => {
    expect(shardCapacity(4, { index: 0, count: 4 })).toBe(1);
    expect(shardCapacity(64, { index: 3, count: 5 })).toBe(13);
    expect(shardCapacity(1, { index: 3, count: 8 })).toBe(1);
  });

  it('keeps the open-loop rate (the schedule is sliced) and splits connections and maxInFlight', () => {
    const open = loadSchema.parse({ model: 'open', ratePerSec: 800, connections: 8, maxInFlight: 64 });
    expect(shardLoad(open, { index: 2, count: 4 })).toMatchObject({
      ratePerSec: 800,
      connections: 2,
      maxInFlight: 16,
    });
    expect(shardLoad(open, undefined)).toBe(open);
  });

  it('splits closed-loop workers and stage concurrency; a shard with no worker is a named problem', () => {
    const closed = loadSchema.parse({
      model: 'closed',
      concurrency: 6,
      stages: [{ durationSec: 1, concurrency: 9 }],
    });
    expect(shardLoad(closed, { index: 1, count: 4 })).toMatchObject({
      concurrency: 2,
      stages: [{ durationSec: 1, concurrency: 2 }],
    });
    expect(shardLoadProblems(closed, { index: 3, count: 4 })).toEqual([]);
    const two = loadSchema.parse({ model: 'closed', concurrency: 2 });
    expect(shardLoadProblems(two, { index: 2, count: 3 })).toEqual([
      {
        path: 'load.concurrency',
        message:
          '2 closed-loop worker(s) cannot be dealt to 3 shards: shard 2 would get none (use at most 2 shards)',
      },
    ]);
  });

  it('numbers a shard’s m-th request I + m N', () => {
    expect([0, 1, 2].map((m) => globalRequestIndex(m, { index: 3, count: 4 }))).toEqual([3, 7, 11]);
    expect(globalRequestIndex(5, undefined)).toBe(5);
  });
});

describe('the open loop of a shard', () => {
  it('asks the workload for the requests at its own arrival positions, a quarter of the arrivals', async () => {
    const clock = new FakeClock();
    const asked: number[] = [];
    const ctx: LoadContext = {
      next: (k) => (asked.push(k!), { op: 'spatial.knn', q: { x: 0, y: 0, z: 0 }, k: 1 }),
      execute: async () => ({ rows: 1 }),
      classify: () => 'Error',
      sink: {
        recordSuccess: () => {},
        recordError: () => {},
        recordScheduleLag: () => {},
        recordDropped: () => {},
        recordCancelled: () => {},
      },
      clock,
      signal: new AbortController().signal,
      totalMs: 1000,
      gracefulStopMs: 0,
      shard: { index: 2, count: 4 },
    };
    const done = startLoad(ctx, loadSchema.parse({ model: 'open', ratePerSec: 200 }), 0, () => 0.5);
    await clock.advance(1100);
    const out = await done;
    expect(out.issued).toBe(50);
    expect(asked.slice(0, 4)).toEqual([2, 6, 10, 14]);
    expect(asked.at(-1)).toBe(198);
  });
});
