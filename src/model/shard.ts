/**
 * One shard of a run (`run --shard I/N`): shard `index` of `count` issues the requests of the single-run
 * stream whose position k satisfies k mod count = index (load/shard.ts), so the shards of one run issue
 * disjoint slices whose union is exactly what one unsharded run would issue.
 */
export interface ShardSpec {
  /** 0-based; shard 0 seeds and runs the probes and the OODA traffic. */
  index: number;
  count: number;
}

/** What a shard writes into its result.json (RunResult.shard); `atombench merge` checks and adds these. */
export interface ShardInfo extends ShardSpec {
  /** How the shards started together: a wall-clock time, a barrier row on the database, or neither. */
  start: { kind: 'at'; at: string } | { kind: 'barrier'; timeoutSec: number } | { kind: 'none' };
  /** Server clock minus this client's clock, ms (SELECT now() / SYSUTCDATETIME()), midpoint of the round trip. */
  clockOffsetMs?: number;
  /** Round trip of the clock reading, ms: the offset is known to within half of it. */
  clockRttMs?: number;
  /** Why the offset is missing (the engine cannot read the server's clock). */
  clockNa?: string;
  /** Requests this shard issued (open loop: arrivals started; closed loop: requests sent). */
  issued: number;
}

/** RunResult.merged: set on the result `atombench merge` writes. */
export interface MergedInfo {
  /** Always the number of shards merged (`merged from N shards`). */
  shards: number;
  label: string;
  /** Largest difference between two shards' clock offsets to the server, ms (undefined if none was measured). */
  clockSkewMs?: number;
  /** One line per shard: its counts and its own throughput series on the merged time base. */
  perShard: MergedShardLine[];
}

export interface MergedShardLine {
  index: number;
  startedAt: string;
  finishedAt: string;
  count: number;
  errors: number;
  issued: number;
  clockOffsetMs?: number;
  /** Client self-check of that shard (it does not merge: each client judged itself). */
  clientBottleneck: boolean;
  clientReasons: string[];
  /** Operations per interval, on the merged series' tSec base. */
  series: { tSec: number; ops: number }[];
}
