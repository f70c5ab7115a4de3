import type Database from 'better-sqlite3';
import type { ShardAnnouncement, ShardCoordination } from '../types.ts';

/**
 * Shard coordination on the embedded engine (engines/types.ts ShardCoordination): the shards are
 * processes on one machine sharing the database file (WAL, busy_timeout from connection.ts), so the
 * "server clock" is this machine's, read by SQLite: julianday('now') in epoch milliseconds.
 */
export const SHARDS_TABLE = 'atombench_shards';

const NOW_MS = `CAST(ROUND((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)`;

const SQL = {
  create: `CREATE TABLE IF NOT EXISTS ${SHARDS_TABLE} (
    run_id TEXT NOT NULL, key TEXT NOT NULL, shard INTEGER NOT NULL, value TEXT NOT NULL,
    at_ms INTEGER NOT NULL, PRIMARY KEY (run_id, key, shard))`,
  announce: `INSERT INTO ${SHARDS_TABLE} (run_id, key, shard, value, at_ms) VALUES (?, ?, ?, ?, ${NOW_MS})
    ON CONFLICT (run_id, key, shard) DO UPDATE SET value = excluded.value, at_ms = excluded.at_ms`,
  announced: `SELECT shard, value, at_ms AS atMs FROM ${SHARDS_TABLE} WHERE run_id = ? AND key = ? ORDER BY shard`,
  exists: `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${SHARDS_TABLE}'`,
  now: `SELECT ${NOW_MS} AS ms`,
};

export function sqliteCoordination(db: () => Database.Database): ShardCoordination {
  let created = false;
  const exists = () => created || !!db().prepare(SQL.exists).get();
  return {
    serverTimeMs: async () => (db().prepare(SQL.now).get() as { ms: number }).ms,
    announce: async (runId, key, shard, value) => {
      if (!created) {
        db().exec(SQL.create);
        created = true;
      }
      db().prepare(SQL.announce).run(runId, key, shard, value);
    },
    announced: async (runId, key) => {
      if (!exists()) return [];
      return db().prepare(SQL.announced).all(runId, key) as ShardAnnouncement[];
    },
  };
}
