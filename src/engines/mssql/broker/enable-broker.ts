import { RuntimeFailure, UserError } from '../../../errors.ts';
import type { Redactor } from '../redact.ts';
import { quoteName } from '../sql/identifiers.ts';
import type { MssqlPools } from '../pools.ts';
import { enableBrokerSql } from '../seed/schema.ts';
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
 * (also when it fails, so the engine stays usable). rollbackImmediate only for a database atombench
 * owns (schema.ts ensureBroker); otherwise NO_WAIT, and its failure is explained to the user.
 */
export async function enableBroker(s: Sessions, rollbackImmediate: boolean): Promise<void> {
  const db = rows<{ db: string }>(
    await exec(s.pools.admin, { text: 'SELECT DB_NAME() AS db;', params: [] }),
  )[0]?.db;
  if (!db) throw new Error('cannot read the current database name');
  await s.close();
  let failure: unknown;
  try {
    const master = await s.pools.open(1, 0, 'master');
    try {
      await exec(master, { text: enableBrokerSql(rollbackImmediate), params: [param('db', 'sysname', db)] });
    } finally {
      await master.close().catch(() => undefined);
    }
  } catch (e) {
    failure = e;
  }
  await s.connect();
  if (failure === undefined) return;
  if (rollbackImmediate || failure instanceof UserError || failure instanceof RuntimeFailure) throw failure;
  throw new UserError(
    `Service Broker is disabled in database ${quoteName(db)} and could not be enabled WITH NO_WAIT (atombench rolls back other sessions only in a database it owns; with --force it does not): ${s.redactor.message(failure)}. Close the other sessions, or run ALTER DATABASE ... SET ENABLE_BROKER yourself`,
  );
}
