import type { ShardSpec } from '../model/shard.ts';
import type { LoadSpec } from '../scenario/load-schema.ts';

/**
 * What one shard of a run runs (DESIGN.md "Shards"): the pure arithmetic, no I/O.
 *
 * - Open loop: every shard generates the single-run schedule at the full rate and keeps the arrivals
 *   k with k mod N = I (arrivals.ts shardSchedule), so it runs 1/N of the rate; its connections and
 *   its maxInFlight are its share of the scenario's, rounded up (never below 1).
 * - Closed loop: the scenario's workers j = 0..C-1 are dealt out like the arrivals (j mod N = I), so
 *   the shards together run exactly C workers (and each stage's concurrency the same way).
 * - Requests: the shard's m-th request is request k = I + m N of the single-run stream
 *   (workload/request-stream.ts), whatever the load model.
 */

/** Items k in 0..total-1 with k mod count = index: the shard's share of `total` things dealt round-robin. */
export function shardShare(total: number, shard: ShardSpec): number {
  if (total <= shard.index) return 0;
  return Math.floor((total - 1 - shard.index) / shard.count) + 1;
}

/** The shard's share of a capacity (connections, maxInFlight): rounded up, at least 1. */
export function shardCapacity(total: number, shard: ShardSpec): number {
  return Math.max(1, Math.ceil(total / shard.count));
}

/** Position in the single-run request stream of the shard's m-th request. */
export function globalRequestIndex(m: number, shard: ShardSpec | undefined): number {
  return shard ? shard.index + m * shard.count : m;
}

/** The load a shard runs (see the file comment); the spec itself when there is no shard. */
export function shardLoad(load: LoadSpec, shard: ShardSpec | undefined): LoadSpec {
  if (!shard || shard.count === 1) return load;
  if (load.model === 'open')
    return {
      ...load,
      connections: shardCapacity(load.connections, shard),
      maxInFlight: shardCapacity(load.maxInFlight, shard),
    };
  return {
    ...load,
    concurrency: shardShare(load.concurrency, shard),
    stages: load.stages.map((s) =>
      s.concurrency === undefined ? s : { ...s, concurrency: shardShare(s.concurrency, shard) },
    ),
  };
}

/**
 * Problems (with the field they come from) that make a shard of this load meaningless: a closed-loop
 * shard without a single worker would measure nothing.
 */
export function shardLoadProblems(load: LoadSpec, shard: ShardSpec): { path: string; message: string }[] {
  if (load.model !== 'closed' || shard.count === 1) return [];
  const most = Math.max(load.concurrency, ...load.stages.map((s) => s.concurrency ?? 0));
  if (shardShare(most, shard) > 0) return [];
  return [
    {
      path: 'load.concurrency',
      message: `${most} closed-loop worker(s) cannot be dealt to ${shard.count} shards: shard ${shard.index} would get none (use at most ${most} shards)`,
    },
  ];
}
