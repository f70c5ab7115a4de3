import { RuntimeFailure, UserError } from '../../../errors.ts';
import type { Redactor } from '../redact.ts';
import { quoteName } from '../sql/identifiers.ts';
import type { MssqlPools } from '../pools.ts';
import { enableBrokerSql, MULTI_USER_SQL } from './enable-broker-sql.ts';
import { exec, param, rows } from '../sql/statement.ts';

/** The engine's own sessions, closed before ALTER DATABASE and reopened after it. */
export interface Sessions {
  pools: MssqlPools;
  close(): Promise<void>;
  connect(): Promise<void>;
  redactor: Redactor;
}

/**
 * ALTER DATABASE ... SET ENABLE_BROKER from master; our own sessions are closed first and reopened
 * (also when it fails, so the engine stays usable). The master connection has a finite request timeout
 * (the URL's requestTimeoutMs when > 0, else 30 s): ENABLE_BROKER waits for an exclusive database lock
 * (SD:docs/t-sql/statements/alter-database-transact-sql-set-options.md), and without one it could wait
 * forever. exclusive (SINGLE_USER WITH ROLLBACK IMMEDIATE first) only for a database atombench owns
 * (schema.ts ensureBroker); after any failure of that path the database is put back to MULTI_USER.
 */
export async function enableBroker(s: Sessions, exclusive: boolean): Promise<void> {
  const db = rows<{ db: string }>(
    await exec(s.pools.admin, { text: 'SELECT DB_NAME() AS db;', params: [] }),
  )[0]?.db;
  if (!db) throw new Error('cannot read the current database name');
  await s.close();
  let failure: unknown;
  try {
    const master = await s.pools.open(1, s.pools.masterTimeoutMs, 'master');
    try {
      await exec(master, { text: enableBrokerSql(exclusive), params: [param('db', 'sysname', db)] });
    } catch (e) {
      failure = e;
      // A request timeout (attention) ends the batch before its CATCH: undo SINGLE_USER here.
      if (exclusive)
        await exec(master, { text: MULTI_USER_SQL, params: [param('db', 'sysname', db)] }).catch(
          () => undefined,
        );
    } finally {
      await master.close().catch(() => undefined);
    }
  } catch (e) {
    failure = e;
  }
  await s.connect();
  if (failure === undefined) return;
  if (exclusive || failure instanceof UserError || failure instanceof RuntimeFailure) throw failure;
  throw new UserError(
    `Service Broker is disabled in database ${quoteName(db)} and ALTER DATABASE ... SET ENABLE_BROKER did not get the database's exclusive lock within ${s.pools.masterTimeoutMs} ms (atombench rolls back other sessions only in a database it owns; with --force it does not): ${s.redactor.message(failure)}. Close the other sessions, or run ALTER DATABASE ... SET ENABLE_BROKER yourself`,
  );
}
