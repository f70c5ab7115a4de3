import { describe, expect, it } from 'vitest';
import { CURRENT_DATABASE_SQL } from '../../../../../src/engines/mssql/sql/catalog.ts';
import { enableBrokerSql } from '../../../../../src/engines/mssql/seed/schema.ts';

describe('enabling Service Broker', () => {
  it('ROLLBACK IMMEDIATE only when asked (a database atombench owns), NO_WAIT otherwise', () => {
    const owned = enableBrokerSql(true);
    const forced = enableBrokerSql(false);
    expect(owned).toContain("N' SET ENABLE_BROKER WITH ROLLBACK IMMEDIATE;'");
    expect(owned).not.toContain('NO_WAIT');
    expect(forced).toContain("N' SET ENABLE_BROKER WITH NO_WAIT;'");
    expect(forced).not.toContain('ROLLBACK');
  });

  it('the database name is a parameter quoted server-side; system databases are refused first', () => {
    for (const t of [enableBrokerSql(true), enableBrokerSql(false)]) {
      expect(t).toContain("N'ALTER DATABASE ' + QUOTENAME(@db) + N' SET ENABLE_BROKER");
      expect(t.indexOf('DB_ID(@db) <= 4')).toBeLessThan(t.indexOf('ALTER DATABASE'));
      expect(t).toMatch(/RAISERROR\([^)]*\);\s+RETURN;/);
      expect(t).toContain('EXEC sys.sp_executesql @sql;');
    }
    expect(CURRENT_DATABASE_SQL).toBe('SELECT DB_ID() AS DatabaseId, DB_NAME() AS DatabaseName;');
  });
});
