/** The shards of one run (`run --shard I/N`) meet on the database through these. */

/** One row a shard announced: (run id, key, shard) -> value, stamped with the server's clock. */
export interface ShardAnnouncement {
  shard: number;
  value: string;
  /** Server time of the write, ms since the epoch. */
  atMs: number;
}

/**
 * The rows live in one small table atombench creates on first use (atombench_shards on PostGIS and
 * SQLite, [schema].AtombenchShards on SQL Server) and only ever writes for a run id it was given.
 */
export interface ShardCoordination {
  /** The server's clock, ms since the epoch (SELECT now() / SYSUTCDATETIME()). */
  serverTimeMs(): Promise<number>;
  /** Write (or overwrite) this shard's row for (runId, key). */
  announce(runId: string, key: string, shard: number, value: string): Promise<void>;
  /** Every row written for (runId, key), any shard. */
  announced(runId: string, key: string): Promise<ShardAnnouncement[]>;
}
