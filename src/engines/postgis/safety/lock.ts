import { hostname } from 'node:os';
import type pg from 'pg';
import { UserError } from '../../../errors.ts';

/**
 * One atombench per dataset on a PostgreSQL database: a session-level advisory lock
 * (pg_try_advisory_lock, https://www.postgresql.org/docs/15/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS)
 * taken by prepare on the admin connection and held until that connection closes (the end of the run
 * or seed, or the process's death: the server releases it with the session). A second seed or run on
 * the same atoms table is refused before it reads or writes anything, naming the holder.
 *
 * The two-key form keeps atombench's locks apart from an application's: key 1 is the constant 'atom',
 * key 2 hashtext of the atoms table's name; pg_locks shows them as classid / objid, objsubid = 2.
 */
const LOCK_CLASS = 0x61746f6d;

export function lockKey(scope: string): string {
  return `atombench:${scope}`;
}

/** Take the dataset's lock or throw a UserError naming who holds it. */
export async function acquireDatasetLock(c: pg.ClientBase, scope: string, where: string): Promise<void> {
  const r = await c.query('SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS ok', [
    LOCK_CLASS,
    lockKey(scope),
  ]);
  if (r.rows[0].ok) {
    // Who we are, for the message a second atombench prints (pg_stat_activity.application_name).
    await c.query("SELECT set_config('application_name', $1, false)", [
      `atombench pid ${process.pid} on ${hostname()}`.slice(0, 63),
    ]);
    return;
  }
  const h = await c.query(
    `SELECT a.pid, a.application_name AS app, host(a.client_addr) AS addr,
       to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS since
     FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
       AND l.classid::bigint = $1 AND l.objid::bigint = (hashtext($2)::bigint & 4294967295)
     LIMIT 1`,
    [LOCK_CLASS, lockKey(scope)],
  );
  const row = h.rows[0] as { pid: number; app: string; addr: string | null; since: string } | undefined;
  const holder = row
    ? `${row.app || 'a session'} (server pid ${row.pid}${row.addr ? `, from ${row.addr}` : ''}, since ${row.since})`
    : 'another session';
  throw new UserError(
    `${where}: the dataset ${scope} is in use by ${holder}; one seed or run at a time per dataset: wait for it to finish, or stop it`,
  );
}
