/**
 * prepare() for SQL Server: create what is missing from seed/mssql/*.sql, record what atombench
 * created (AtombenchObjects), refuse objects it did not create (UserError, exit 2) unless force,
 * drop only owned objects and only with allowDestructive, and enable Service Broker only on a
 * database atombench owns (it found it empty) or with force.
 */
import type sql from 'mssql';
import { UserError } from '../../../errors.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import type { DatasetState, PrepareOptions, SchemaPlan } from '../../types.ts';
import {
  CURRENT_DATABASE_SQL,
  existsQuery,
  forgetOwnedQuery,
  indexExistsQuery,
  insertMetaQuery,
  ownedObjectsQuery,
  readMetaQuery,
  recordOwnedSql,
  updateMetaQuery,
  USER_OBJECT_COUNT_SQL,
  type MetaRow,
} from '../sql/catalog.ts';
import { sqlErrorNumber } from '../error-class.ts';
import { qualifiedName, quoteName } from '../sql/identifiers.ts';
import { META_TABLE, OBJECTS_TABLE, templateVars } from '../sql/object-names.ts';
import { exec, param, rows, type SqlStatement } from '../sql/statement.ts';
import { templateBlocks, type ObjectKind, type TemplateBlock } from '../sql/template.ts';
import { checkForeignRowsMssql } from './ownership.ts';
import { activationBlocks, procedureCreateStatement } from '../broker/activation.ts';

export interface SchemaContext {
  /** The admin pool (no request timeout); read again after enableBroker, which replaces it. */
  readonly pool: sql.ConnectionPool;
  names: ObjectNames;
  validation: 'WELL_FORMED_XML' | 'NONE';
  /**
   * ALTER DATABASE ... SET ENABLE_BROKER from master; the engine closes and reopens its pools.
   * exclusive (SINGLE_USER WITH ROLLBACK IMMEDIATE first) only for a database atombench owns; otherwise
   * ENABLE_BROKER alone, bounded by the request timeout (never rolls back another session's work).
   */
  enableBroker: (exclusive: boolean) => Promise<void>;
}

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
  if (!exclusive) return `${guard}
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

/** "<statement> cannot be used inside a user transaction": retry that DDL outside one. */
const NOT_IN_TRANSACTION = 574;

const key = (kind: ObjectKind, name: string): string => `${kind}:${name}`;

async function present(
  pool: sql.ConnectionPool,
  names: ObjectNames,
  kind: ObjectKind,
  name: string,
): Promise<boolean> {
  const r = rows<{ Present: boolean }>(await exec(pool, existsQuery(kind, names.schema, name)));
  return r[0]?.Present === true;
}

/** Create one object and record atombench's ownership of it, atomically where T-SQL allows. */
async function createOwned(
  pool: sql.ConnectionPool,
  names: ObjectNames,
  block: TemplateBlock,
  name: string,
): Promise<void> {
  const own = [param('ownKind', 'nvarchar', block.kind), param('ownName', 'nvarchar', name)];
  // CREATE PROCEDURE must be the first statement of its batch: sp_executesql gives it one.
  const create = block.kind === 'procedure' ? procedureCreateStatement(block.sql) : { text: block.sql, params: [] };
  const stmt: SqlStatement = {
    text: `SET XACT_ABORT ON;\nBEGIN TRANSACTION;\n${create.text}\n${recordOwnedSql(names.schema)}\nCOMMIT TRANSACTION;`,
    params: [...own, ...create.params],
  };
  try {
    await exec(pool, stmt);
  } catch (e) {
    if (sqlErrorNumber(e) !== NOT_IN_TRANSACTION) throw e;
    await exec(pool, create);
    await exec(pool, { text: recordOwnedSql(names.schema), params: own });
  }
}

/** The bookkeeping tables: created first, in a database found empty they mark it as atombench's. */
async function ensureBookkeeping(ctx: SchemaContext, force: boolean): Promise<void> {
  const { pool, names } = ctx;
  const hasMeta = await present(pool, names, 'table', META_TABLE);
  const hasObjects = await present(pool, names, 'table', OBJECTS_TABLE);
  if (hasMeta && hasObjects) return;
  if ((hasMeta || hasObjects) && !force)
    throw new UserError(
      `${qualifiedName(names.schema, hasMeta ? META_TABLE : OBJECTS_TABLE)} exists without its companion table: not atombench's bookkeeping; refusing to touch this database (use --force on a bench database)`,
    );
  const counts = rows<{ UserTables: number; UserQueues: number }>(
    await exec(pool, { text: USER_OBJECT_COUNT_SQL, params: [] }),
  )[0];
  const empty = (counts?.UserTables ?? 0) === 0 && (counts?.UserQueues ?? 0) === 0;
  const blocks = templateBlocks('00-meta.sql', templateVars(names));
  const objectsBlock = blocks.find((b) => b.key === 'objectsTable');
  const metaBlock = blocks.find((b) => b.key === 'metaTable');
  if (!objectsBlock || !metaBlock) throw new Error('seed/mssql/00-meta.sql: missing a bookkeeping block');
  if (!hasObjects) {
    await exec(pool, { text: objectsBlock.sql, params: [] });
    await exec(pool, {
      text: recordOwnedSql(names.schema),
      params: [param('ownKind', 'nvarchar', 'table'), param('ownName', 'nvarchar', OBJECTS_TABLE)],
    });
  }
  if (!hasMeta) await createOwned(pool, names, metaBlock, META_TABLE);
  if (rows(await exec(pool, readMetaQuery(names.schema))).length === 0)
    await exec(pool, insertMetaQuery(names.schema, empty));
}

export async function readMeta(pool: sql.ConnectionPool, schema: string): Promise<MetaRow> {
  const meta = rows<MetaRow>(await exec(pool, readMetaQuery(schema)))[0];
  if (!meta)
    throw new UserError(
      `${qualifiedName(schema, META_TABLE)} has no row: not atombench's bookkeeping (use --force on a bench database)`,
    );
  return meta;
}

async function ownedSet(pool: sql.ConnectionPool, schema: string): Promise<Set<string>> {
  const r = rows<{ Kind: ObjectKind; Name: string }>(await exec(pool, ownedObjectsQuery(schema)));
  return new Set(r.map((o) => key(o.Kind, o.Name)));
}

function describeObject(names: ObjectNames, kind: ObjectKind, name: string): string {
  const shown =
    kind === 'table' || kind === 'queue' || kind === 'procedure'
      ? qualifiedName(names.schema, name) : quoteName(name);
  return `${kind === 'messageType' ? 'message type' : kind} ${shown}`;
}

/** Drop every owned object of the templates (90-drop.sql order) and forget it. */
export async function dropOwned(ctx: SchemaContext): Promise<string[]> {
  const { pool, names } = ctx;
  const owned = await ownedSet(pool, names.schema);
  const vars = templateVars(names, { validation: ctx.validation });
  const dropped: string[] = [];
  for (const block of templateBlocks('90-drop.sql', vars)) {
    const name = vars.ids[block.key]!;
    if (!owned.has(key(block.kind, name))) continue;
    if (await present(pool, names, block.kind, name)) await exec(pool, { text: block.sql, params: [] });
    await exec(pool, forgetOwnedQuery(names.schema, block.kind, name));
    dropped.push(describeObject(names, block.kind, name));
  }
  await exec(
    pool,
    updateMetaQuery(names.schema, {
      DatasetKey: null,
      PendingDatasetKey: null,
      SeededRows: 0,
      IndexBuilt: false,
    }),
  );
  return dropped;
}

export async function prepareSchema(
  ctx: SchemaContext,
  plan: SchemaPlan,
  opts: PrepareOptions,
): Promise<DatasetState> {
  const { pool, names } = ctx;
  // master, tempdb, model and msdb are never a bench database (a --url without a database lands in the
  // login's default one, usually master): nothing is created there, and no ALTER DATABASE runs.
  const db = rows<{ DatabaseId: number; DatabaseName: string }>(
    await exec(pool, { text: CURRENT_DATABASE_SQL, params: [] }),
  )[0];
  if (!db || db.DatabaseId <= 4)
    throw new UserError(
      `--url names system database ${quoteName(db?.DatabaseName ?? '?')}: atombench creates its tables only in a database of its own; put one in the URL (mssql://.../<database>)`,
    );
  const vars = templateVars(names, { validation: ctx.validation });
  const blocks = [
    ...templateBlocks('10-tables.sql', vars),
    ...(plan.ooda ? [...templateBlocks('20-broker.sql', vars), ...activationBlocks(names)] : []),
    ...(plan.neo4jSync ? templateBlocks('25-neo4j-sync.sql', vars) : []),
  ];

  // Refuse foreign objects before creating anything, even the bookkeeping tables.
  const hasRecord = await present(pool, names, 'table', OBJECTS_TABLE);
  const owned = hasRecord ? await ownedSet(pool, names.schema) : new Set<string>();
  const state = new Map<TemplateBlock, { name: string; present: boolean }>();
  const foreign: string[] = [];
  for (const b of blocks) {
    const name = vars.ids[b.key]!;
    const isPresent = await present(pool, names, b.kind, name);
    state.set(b, { name, present: isPresent });
    if (isPresent && !owned.has(key(b.kind, name))) foreign.push(describeObject(names, b.kind, name));
  }
  if (foreign.length > 0 && !opts.force) {
    const shown =
      foreign.slice(0, 6).join(', ') + (foreign.length > 6 ? ` and ${foreign.length - 6} more` : '');
    throw new UserError(
      `the database holds objects atombench did not create (${shown}); refusing to touch them (use --force on a bench database, or attach: true to use a deployment read-only)`,
    );
  }
  // Rows atombench did not insert: refused (or deleted, --force --drop-foreign-rows) before any write.
  const present_ = (key: string) => [...state].some(([b, s]) => b.key === key && s.present);
  if (present_('atomsTable') && present_('embeddingsTable'))
    await checkForeignRowsMssql(pool, names, opts, `database ${quoteName(db.DatabaseName)}`);
  await ensureBookkeeping(ctx, opts.force);

  let meta = await readMeta(pool, names.schema);
  const held = meta.DatasetKey ?? (Number(meta.SeededRows) > 0 ? meta.PendingDatasetKey : null);
  if (held && held !== plan.datasetKey && !plan.growsFrom?.includes(held)) {
    if (!opts.allowDestructive)
      throw new UserError(
        `the database holds another dataset (${held}); pass --reseed to drop atombench's tables and seed ${plan.datasetKey}`,
      );
    await dropOwned(ctx);
    for (const [b, s] of state) s.present = await present(pool, names, b.kind, s.name);
    meta = await readMeta(pool, names.schema);
  }

  for (const [b, s] of state) if (!s.present) await createOwned(pool, names, b, s.name);
  if (meta.DatasetKey !== plan.datasetKey)
    await exec(pool, updateMetaQuery(names.schema, { PendingDatasetKey: plan.datasetKey }));

  if (plan.ooda || plan.neo4jSync) await ensureBroker(ctx, meta.OwnsDatabase === true, opts.force);

  // ctx.pool, not pool: enabling the broker closed and reopened the engine's pools.
  const indexPresent =
    rows<{ Present: boolean }>(await exec(ctx.pool, indexExistsQuery(names, names.spatialIndex)))[0]
      ?.Present === true;
  return {
    seededRows: Number(meta.SeededRows),
    datasetKey: meta.DatasetKey ?? undefined,
    indexBuilt: meta.IndexBuilt === true && indexPresent,
  };
}

async function ensureBroker(ctx: SchemaContext, ownsDatabase: boolean, force: boolean): Promise<void> {
  const r = rows<{ enabled: boolean; db: string }>(
    await exec(ctx.pool, { text: BROKER_ENABLED_SQL, params: [] }),
  )[0];
  if (r?.enabled) return;
  if (!ownsDatabase && !force)
    throw new UserError(
      `Service Broker is disabled in database ${quoteName(r?.db ?? '?')}; atombench enables it (SET SINGLE_USER WITH ROLLBACK IMMEDIATE, SET ENABLE_BROKER, SET MULTI_USER) only in a database it created its tables in from empty, or with --force (then SET ENABLE_BROKER alone, which times out while other sessions use the database)`,
    );
  // SINGLE_USER WITH ROLLBACK IMMEDIATE only where atombench owns the database; --force alone waits, bounded.
  await ctx.enableBroker(ownsDatabase);
}
