import type sql from 'mssql';
import type { ShardAnnouncement, ShardCoordination } from '../types.ts';
import { qualifiedName, sqlString } from './sql/identifiers.ts';
import { exec, param, rows, type SqlStatement } from './sql/statement.ts';

/**
 * Shard coordination on SQL Server (engines/types.ts ShardCoordination): one table in the mapping's
 * schema, created on first use. Times are epoch milliseconds computed on the server:
 * - SYSUTCDATETIME() is the server's clock in UTC, datetime2(7)
 *   (SD:docs/t-sql/functions/sysutcdatetime-transact-sql.md);
 * - DATEDIFF_BIG(MILLISECOND, '19700101', t) returns bigint (SQL Server 2016+; the datepart cannot be a
 *   variable, the string literal must resolve to a datetime: SD:docs/t-sql/functions/datediff-big-transact-sql.md).
 *   tedious returns bigint as a string, hence Number().
 */
export const SHARDS_TABLE = 'AtombenchShards';

const EPOCH_MS = (expr: string) => `DATEDIFF_BIG(MILLISECOND, '19700101', ${expr})`;

export function shardStatements(schema: string) {
  const t = qualifiedName(schema, SHARDS_TABLE);
  const key = (runId: string, k: string, shard?: number) => [
    param('runId', 'nvarchar', runId),
    param('key', 'nvarchar', k),
    ...(shard === undefined ? [] : [param('shard', 'int', shard)]),
  ];
  return {
    // OBJECT_ID(name, N'U'): NULL when no user table has that name (SD:docs/t-sql/functions/object-id-transact-sql.md).
    create: {
      text: `IF OBJECT_ID(${sqlString(t)}, N'U') IS NULL
  CREATE TABLE ${t} (
    RunId nvarchar(100) NOT NULL, [Key] nvarchar(50) NOT NULL, Shard int NOT NULL,
    [Value] nvarchar(400) NOT NULL, AtUtc datetime2(3) NOT NULL DEFAULT SYSUTCDATETIME(),
    PRIMARY KEY (RunId, [Key], Shard));`,
      params: [],
    } satisfies SqlStatement,
    exists: {
      text: `SELECT CASE WHEN OBJECT_ID(${sqlString(t)}, N'U') IS NULL THEN 0 ELSE 1 END AS e;`,
      params: [],
    } satisfies SqlStatement,
    // Each shard writes only its own row, so update-then-insert cannot race with another shard.
    announce: (runId: string, k: string, shard: number, value: string): SqlStatement => ({
      text: `UPDATE ${t} SET [Value] = @value, AtUtc = SYSUTCDATETIME() WHERE RunId = @runId AND [Key] = @key AND Shard = @shard;
IF @@ROWCOUNT = 0 INSERT INTO ${t} (RunId, [Key], Shard, [Value]) VALUES (@runId, @key, @shard, @value);`,
      params: [...key(runId, k, shard), param('value', 'nvarchar', value)],
    }),
    announced: (runId: string, k: string): SqlStatement => ({
      text: `SELECT Shard AS shard, [Value] AS value, ${EPOCH_MS('AtUtc')} AS atMs FROM ${t}
WHERE RunId = @runId AND [Key] = @key ORDER BY Shard;`,
      params: key(runId, k),
    }),
    now: { text: `SELECT ${EPOCH_MS('SYSUTCDATETIME()')} AS ms;`, params: [] } satisfies SqlStatement,
  };
}

/** Writes on the admin pool, reads (the clock included) on the probe pool, as the engine's other work. */
export function mssqlCoordination(
  pools: { admin: () => sql.ConnectionPool; probe: () => sql.ConnectionPool },
  schema: () => string,
): ShardCoordination {
  let created = false;
  const q = () => shardStatements(schema());
  const pool = pools.admin;
  const exists = async () => rows<{ e: number }>(await exec(pools.probe(), q().exists))[0]?.e === 1;
  return {
    serverTimeMs: async () =>
      Number(rows<{ ms: string | number }>(await exec(pools.probe(), q().now))[0]!.ms),
    announce: async (runId, k, shard, value) => {
      if (!created) {
        // Two shards creating it at once: the loser's CREATE fails (the name exists); then it exists.
        await exec(pool(), q().create).catch(async (e: unknown) => {
          if (!(await exists())) throw e;
        });
        created = true;
      }
      await exec(pool(), q().announce(runId, k, shard, value));
    },
    announced: async (runId, k) => {
      if (!created && !(await exists())) return [];
      const r = rows<{ shard: number; value: string; atMs: string | number }>(
        await exec(pools.probe(), q().announced(runId, k)),
      );
      return r.map((x): ShardAnnouncement => ({ shard: x.shard, value: x.value, atMs: Number(x.atMs) }));
    },
  };
}
