/**
 * One atombench per dataset on SQL Server: an exclusive application lock (sys.sp_getapplock,
 * learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-getapplock-transact-sql)
 * taken by prepare before it reads or writes anything, held until the engine closes.
 *
 * The lock is owned by a transaction (@LockOwner = 'Transaction', the default) that stays open, doing
 * nothing else, on a connection of its own: an open mssql Transaction keeps its connection out of the
 * pool, so the pool's idle timeout cannot close the session and drop the lock (a Session-owned lock on a
 * pooled connection could be). The transaction writes nothing, so it holds no log. @LockTimeout = 0:
 * "specify 0 to indicate that the lock request should return an error instead of waiting" (same page);
 * the return code is >= 0 on success (0 granted at once, 1 after waiting), < 0 on failure (-1 timeout).
 * The holder is named from sys.dm_tran_locks (resource_type APPLICATION; "only the first 32 characters
 * can be retrieved in plain text", so the resource name is kept under 32) joined to
 * sys.dm_exec_sessions: host_name and host_process_id are what the client sent at login (tedious sends
 * os.hostname() and process.pid), login_time when it connected.
 */
import sql from 'mssql';
import { UserError } from '../../../errors.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import { exec, param, rows, type SqlStatement } from '../sql/statement.ts';

/** The lock's resource name: short enough to be shown whole in sys.dm_tran_locks. */
export function lockResource(names: ObjectNames): string {
  return `atombench:${names.schema}.${names.atomsTable}`.slice(0, 32);
}

export function applockQuery(names: ObjectNames): SqlStatement {
  return {
    text: `DECLARE @r int;
EXEC @r = sys.sp_getapplock @Resource = @resource, @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 0;
IF @r >= 0
    SELECT @r AS Result, CAST(NULL AS int) AS SessionId, CAST(NULL AS nvarchar(128)) AS HostName,
           CAST(NULL AS int) AS HostPid, CAST(NULL AS nvarchar(128)) AS ProgramName, CAST(NULL AS varchar(33)) AS LoginTime;
ELSE
    SELECT TOP (1) @r AS Result, s.session_id AS SessionId, s.host_name AS HostName, s.host_process_id AS HostPid,
           s.program_name AS ProgramName, CONVERT(varchar(33), s.login_time, 126) AS LoginTime
    FROM sys.dm_tran_locks AS l
    JOIN sys.dm_exec_sessions AS s ON s.session_id = l.request_session_id
    WHERE l.resource_type = N'APPLICATION' AND l.resource_database_id = DB_ID()
      AND l.request_status = N'GRANT' AND CHARINDEX(@resource, l.resource_description) > 0
    UNION ALL SELECT @r, NULL, NULL, NULL, NULL, NULL
    ORDER BY SessionId DESC;`,
    params: [param('resource', 'nvarchar', lockResource(names))],
  };
}

interface LockRow {
  Result: number;
  SessionId: number | null;
  HostName: string | null;
  HostPid: number | null;
  ProgramName: string | null;
  LoginTime: string | null;
}

export function holderMessage(names: ObjectNames, r: LockRow): string {
  const who =
    r.SessionId !== null
      ? `atombench pid ${r.HostPid ?? '?'} on ${r.HostName?.trim() || '?'} (session ${r.SessionId}, ${r.ProgramName?.trim() || 'unknown program'}, since ${r.LoginTime ?? '?'})`
      : 'another session';
  return `the dataset ${names.schema}.${names.atomsTable} is in use by ${who}; one seed or run at a time per dataset: wait for it to finish, or stop it`;
}

/** The held lock: release() rolls its transaction back (ending the lock) and closes its connection. */
export interface DatasetLock {
  release(): Promise<void>;
}

/** Take the dataset's lock on a pool of one connection of its own, or throw a UserError naming the holder. */
export async function acquireDatasetLock(pool: sql.ConnectionPool, names: ObjectNames): Promise<DatasetLock> {
  const tx = new sql.Transaction(pool);
  await tx.begin();
  let r: LockRow | undefined;
  try {
    r = rows<LockRow>(await exec(tx, applockQuery(names)))[0];
  } catch (e) {
    await tx.rollback().catch(() => undefined);
    throw e;
  }
  if (!r || r.Result < 0) {
    await tx.rollback().catch(() => undefined);
    throw new UserError(holderMessage(names, r ?? { Result: -999, SessionId: null, HostName: null, HostPid: null, ProgramName: null, LoginTime: null }));
  }
  return {
    release: async () => {
      await tx.rollback().catch(() => undefined);
    },
  };
}

/** The engine's hold on the dataset lock: a pool of one connection of its own, taken once, released at close. */
export class DatasetLockHolder {
  private lock: DatasetLock | undefined;
  private pool: sql.ConnectionPool | undefined;

  async take(open: () => Promise<sql.ConnectionPool>, names: ObjectNames): Promise<void> {
    if (this.lock) return;
    const pool = await open();
    try {
      this.lock = await acquireDatasetLock(pool, names);
      this.pool = pool;
    } catch (e) {
      await pool.close().catch(() => undefined);
      throw e;
    }
  }

  async release(): Promise<void> {
    await this.lock?.release();
    await this.pool?.close().catch(() => undefined);
    this.lock = this.pool = undefined;
  }
}
