import { describe, expect, it } from 'vitest';
import { CURRENT_DATABASE_SQL } from '../../../../../src/engines/mssql/sql/catalog.ts';
import {
  enableBrokerSql,
  MULTI_USER_SQL,
} from '../../../../../src/engines/mssql/broker/enable-broker-sql.ts';

/** The ALTER DATABASE statements the batch builds with sp_executesql, in order. */
function alters(t: string): string[] {
  return [...t.matchAll(/N'ALTER DATABASE ' \+ @q \+ N' (SET [^']+);'/g)].map((m) => m[1]!);
}

describe('enabling Service Broker (alter-database-transact-sql-set-options.md)', () => {
  it('a database atombench owns: SINGLE_USER WITH ROLLBACK IMMEDIATE, bare ENABLE_BROKER, MULTI_USER', () => {
    const owned = enableBrokerSql(true);
    // <service_broker_option> takes no WITH <termination> ("Setting options" table).
    expect(alters(owned)).toEqual([
      'SET SINGLE_USER WITH ROLLBACK IMMEDIATE',
      'SET ENABLE_BROKER',
      'SET MULTI_USER',
      'SET MULTI_USER',
    ]);
    expect(owned).not.toContain('NO_WAIT');
    expect(owned).not.toMatch(/ENABLE_BROKER WITH/);
    // A failed ENABLE_BROKER still puts the database back to MULTI_USER, then re-raises.
    const tryAt = owned.indexOf('BEGIN TRY');
    const catchAt = owned.indexOf('BEGIN CATCH');
    expect(tryAt).toBeGreaterThan(owned.indexOf('SINGLE_USER'));
    expect(owned.slice(tryAt, catchAt)).toContain('SET ENABLE_BROKER');
    expect(owned.slice(catchAt)).toMatch(
      /SET MULTI_USER;';\nEXEC sys\.sp_executesql @sql;\s+THROW;\nEND CATCH;/,
    );
  });

  it('--force on a database it does not own: ENABLE_BROKER alone, never SINGLE_USER or a rollback', () => {
    const forced = enableBrokerSql(false);
    expect(alters(forced)).toEqual(['SET ENABLE_BROKER']);
    expect(forced).not.toContain('ROLLBACK');
    expect(forced).not.toContain('SINGLE_USER');
    expect(forced).not.toContain('NO_WAIT');
  });

  it('the database name is a parameter quoted server-side; system databases are refused first', () => {
    for (const t of [enableBrokerSql(true), enableBrokerSql(false)]) {
      expect(t).toContain('DECLARE @q nvarchar(300) = QUOTENAME(@db);');
      expect(t.indexOf('DB_ID(@db) <= 4')).toBeLessThan(t.indexOf('ALTER DATABASE'));
      expect(t).toMatch(/RAISERROR\([^)]*\);\s+RETURN;/);
      expect(t).toContain('EXEC sys.sp_executesql @sql;');
    }
    expect(CURRENT_DATABASE_SQL).toBe('SELECT DB_ID() AS DatabaseId, DB_NAME() AS DatabaseName;');
  });

  it('the MULTI_USER repair runs only on a user database still in SINGLE_USER', () => {
    expect(MULTI_USER_SQL).toContain(
      "WHERE name = @db AND database_id > 4 AND user_access_desc = N'SINGLE_USER'",
    );
    expect(MULTI_USER_SQL).toContain("N'ALTER DATABASE ' + QUOTENAME(@db) + N' SET MULTI_USER;'");
  });
});
