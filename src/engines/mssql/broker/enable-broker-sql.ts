/**
 * The T-SQL that turns Service Broker on (broker/enable-broker.ts runs it; seed/schema.ts ensureBroker
 * decides whether it runs): the state check, the enabling batch, and MULTI_USER again after a failure.
 */

/** is_broker_enabled of the current database (SD:docs/relational-databases/system-catalog-views/sys-databases-transact-sql.md). */
export const BROKER_ENABLED_SQL =
  'SELECT is_broker_enabled AS enabled, DB_NAME() AS db FROM sys.databases WHERE database_id = DB_ID();';

/**
 * Run on a connection to master (with a finite request timeout, enable-broker.ts), @db = the bench
 * database. Per SD:docs/t-sql/statements/alter-database-transact-sql-set-options.md:
 * - the "Setting options" table marks <service_broker_option> as NOT taking WITH <termination>, so
 *   ENABLE_BROKER is written bare;
 * - "ENABLE_BROKER requires an exclusive database lock ... will wait until the other sessions release
 *   their locks ... such as by putting the database in single user mode" (ENABLE_BROKER note);
 * - SINGLE_USER takes WITH ROLLBACK IMMEDIATE (<db_user_access_option> does), example B shows
 *   SINGLE_USER WITH ROLLBACK IMMEDIATE / change / MULTI_USER from master.
 * exclusive (a database atombench owns, found empty): SINGLE_USER WITH ROLLBACK IMMEDIATE, ENABLE_BROKER,
 * MULTI_USER; MULTI_USER again in CATCH (a timeout's attention skips CATCH: enable-broker.ts then runs
 * multiUserSql). Otherwise (--force on a database it does not own) ENABLE_BROKER alone: it waits for the
 * other sessions' locks and the master connection's request timeout ends the wait; no session is rolled
 * back. A system database (database_id 1-4) is refused server-side too. QUOTENAME(@db) quotes the name
 * server-side; the name is a parameter.
 */
export function enableBrokerSql(exclusive: boolean): string {
  const guard = `IF DB_ID(@db) IS NULL OR DB_ID(@db) <= 4
BEGIN
    RAISERROR(N'atombench does not enable Service Broker in a system database or a missing one', 16, 1);
    RETURN;
END;
DECLARE @q nvarchar(300) = QUOTENAME(@db);
DECLARE @sql nvarchar(max);`;
  const enable = `SET @sql = N'ALTER DATABASE ' + @q + N' SET ENABLE_BROKER;';
EXEC sys.sp_executesql @sql;`;
  if (!exclusive)
    return `${guard}
${enable}`;
  const multi = `SET @sql = N'ALTER DATABASE ' + @q + N' SET MULTI_USER;';
EXEC sys.sp_executesql @sql;`;
  return `${guard}
SET @sql = N'ALTER DATABASE ' + @q + N' SET SINGLE_USER WITH ROLLBACK IMMEDIATE;';
EXEC sys.sp_executesql @sql;
BEGIN TRY
${enable}
END TRY
BEGIN CATCH
${multi}
    THROW;
END CATCH;
${multi}`;
}

/**
 * Back to MULTI_USER after a failed exclusive enable (same page, <db_user_access_option>): only when
 * the database is still SINGLE_USER, so it is a no-op after a CATCH already did it.
 */
export const MULTI_USER_SQL = `IF EXISTS (SELECT 1 FROM sys.databases WHERE name = @db AND database_id > 4 AND user_access_desc = N'SINGLE_USER')
BEGIN
    DECLARE @sql nvarchar(max) = N'ALTER DATABASE ' + QUOTENAME(@db) + N' SET MULTI_USER;';
    EXEC sys.sp_executesql @sql;
END;`;
