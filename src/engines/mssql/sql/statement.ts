/**
 * A T-SQL statement with its parameters, as the dialect builders return it (pure data, unit-tested),
 * and the one place that binds it to an mssql Request. Values always travel as typed parameters
 * (sp_executesql); only quoted names and checked literals are part of the text.
 */
import sql from 'mssql';

export type ParamType =
  | 'float'
  | 'int'
  | 'bigint'
  | 'bit'
  | 'sysname'
  | 'nvarchar'
  | 'nvarcharMax'
  | 'varbinaryMax'
  | 'uniqueidentifier';

export interface SqlParam {
  name: string;
  type: ParamType;
  value: number | string | boolean | Buffer | null;
}

export interface SqlStatement {
  text: string;
  params: SqlParam[];
}

export function param(name: string, type: ParamType, value: SqlParam['value']): SqlParam {
  return { name, type, value };
}

function sqlType(t: ParamType): sql.ISqlType | (() => sql.ISqlType) {
  switch (t) {
    case 'float':
      return sql.Float;
    case 'int':
      return sql.Int;
    case 'bigint':
      return sql.BigInt;
    case 'bit':
      return sql.Bit;
    case 'sysname':
      return sql.NVarChar(256);
    case 'nvarchar':
      return sql.NVarChar(4000);
    case 'nvarcharMax':
      return sql.NVarChar(sql.MAX);
    case 'varbinaryMax':
      return sql.VarBinary(sql.MAX);
    case 'uniqueidentifier':
      return sql.UniqueIdentifier;
  }
}

/** Anything a Request can be made from: the pool, or a transaction (pins one connection). */
export type RequestSource = sql.ConnectionPool | sql.Transaction;

export function request(source: RequestSource, params: SqlParam[] = []): sql.Request {
  const r = new sql.Request(source as sql.ConnectionPool);
  for (const p of params) r.input(p.name, sqlType(p.type), p.value);
  return r;
}

/** Requests running on pools whose requests can be cancelled (the load's work pool). */
const running = new WeakMap<RequestSource, Set<sql.Request>>();

/** Track the requests started on `pool`, so cancelRunningOn can cancel them (the graceful stop). */
export function trackRequests(pool: sql.ConnectionPool): void {
  running.set(pool, new Set());
}

/**
 * Cancel every request running on `pool`: node-mssql's Request.cancel() calls tedious's
 * Connection.cancel(), which sends a TDS attention; the server stops the batch and the request
 * rejects with code ECANCEL (class `cancelled`, error-class.ts). The connection stays usable.
 * (node-mssql lib/tedious/request.js `_cancel`; tedious lib/connection.js `cancel`.)
 */
export function cancelRunningOn(pool: sql.ConnectionPool | undefined): void {
  for (const r of (pool && running.get(pool)) ?? []) r.cancel();
}

function tracked<T>(source: RequestSource, r: sql.Request, p: Promise<T>): Promise<T> {
  const set = running.get(source);
  if (!set) return p;
  set.add(r);
  return p.finally(() => set.delete(r));
}

/** Run a parameterized statement (sp_executesql). */
export function exec<T = Record<string, unknown>>(
  source: RequestSource,
  stmt: SqlStatement,
): Promise<sql.IResult<T>> {
  const r = request(source, stmt.params);
  return tracked(source, r, r.query<T>(stmt.text));
}

/**
 * Run text as a plain batch (no sp_executesql scope): needed for #temp tables that must outlive the
 * statement and for session SET options (SET STATISTICS XML ON).
 */
export function batch(source: RequestSource, text: string): Promise<sql.IResult<Record<string, unknown>>> {
  const r = request(source);
  return tracked(source, r, r.batch(text));
}

/** All rows of the first recordset. */
export function rows<T>(r: { recordsets: unknown }): T[] {
  return (r.recordsets as T[][])[0] ?? [];
}
