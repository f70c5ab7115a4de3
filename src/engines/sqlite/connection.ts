import Database from 'better-sqlite3';

/** Settings every connection gets; they change results, so the fingerprint reports them. */
export const SQLITE_PRAGMAS: Record<string, string> = {
  journal_mode: 'WAL',
  synchronous: 'NORMAL',
  busy_timeout: '10000',
  cache_size: '-16384',
  foreign_keys: 'OFF',
};

/**
 * Open a connection. `wal: false` leaves the journal mode alone: WAL is persistent (it changes the file),
 * so the engine's first connection switches it only once prepare's checks passed (a refused foreign
 * file stays as it was).
 */
export function openSqlite(path: string, readonly = false, wal = !readonly): Database.Database {
  const db = new Database(path, { readonly, fileMustExist: readonly });
  for (const [k, v] of Object.entries(SQLITE_PRAGMAS)) {
    if (!wal && k === 'journal_mode') continue;
    db.pragma(`${k} = ${v}`);
  }
  return db;
}
