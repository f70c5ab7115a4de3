import Database from 'better-sqlite3';

/** Settings every connection gets; they change results, so the fingerprint reports them. */
export const SQLITE_PRAGMAS: Record<string, string> = {
  journal_mode: 'WAL',
  synchronous: 'NORMAL',
  busy_timeout: '10000',
  cache_size: '-16384',
  foreign_keys: 'OFF',
};

export function openSqlite(path: string, readonly = false): Database.Database {
  const db = new Database(path, { readonly, fileMustExist: readonly });
  for (const [k, v] of Object.entries(SQLITE_PRAGMAS)) {
    if (readonly && k === 'journal_mode') continue;
    db.pragma(`${k} = ${v}`);
  }
  return db;
}
