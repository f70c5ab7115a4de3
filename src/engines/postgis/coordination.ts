import type pg from 'pg';
import type { ShardAnnouncement, ShardCoordination } from '../types.ts';

/**
 * Shard coordination on PostgreSQL (engines/types.ts ShardCoordination): one table, created on first
 * use, keyed by (run id, key, shard). The server's clock is clock_timestamp() (the statement's own
 * time, not the transaction's start), read as epoch milliseconds.
 */
export const SHARDS_TABLE = 'atombench_shards';

const SQL = {
  create: `CREATE TABLE IF NOT EXISTS ${SHARDS_TABLE} (
    run_id text NOT NULL, key text NOT NULL, shard integer NOT NULL, value text NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (run_id, key, shard))`,
  announce: `INSERT INTO ${SHARDS_TABLE} (run_id, key, shard, value) VALUES ($1, $2, $3, $4)
    ON CONFLICT (run_id, key, shard) DO UPDATE SET value = EXCLUDED.value, at = clock_timestamp()`,
  announced: `SELECT shard, value, (extract(epoch FROM at) * 1000)::float8 AS at_ms
    FROM ${SHARDS_TABLE} WHERE run_id = $1 AND key = $2 ORDER BY shard`,
  exists: `SELECT to_regclass('${SHARDS_TABLE}') IS NOT NULL AS e`,
  now: `SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms`,
};

export function postgisCoordination(
  run: <T>(fn: (c: pg.Client) => Promise<T>) => Promise<T>,
): ShardCoordination {
  let created = false;
  return {
    serverTimeMs: () => run(async (c) => Number((await c.query(SQL.now)).rows[0].ms)),
    announce: (runId, key, shard, value) =>
      run(async (c) => {
        if (!created) {
          // Two shards creating it at once: one CREATE loses on the catalog's unique index; it exists then.
          await c.query(SQL.create).catch(async (e: unknown) => {
            if (!(await c.query(SQL.exists)).rows[0].e) throw e;
          });
          created = true;
        }
        await c.query(SQL.announce, [runId, key, shard, value]);
      }),
    announced: (runId, key) =>
      run(async (c) => {
        if (!created && !(await c.query(SQL.exists)).rows[0].e) return [];
        const r = await c.query(SQL.announced, [runId, key]);
        return r.rows.map((row: { shard: number; value: string; at_ms: number }): ShardAnnouncement => ({
          shard: row.shard,
          value: row.value,
          atMs: Number(row.at_ms),
        }));
      }),
  };
}
