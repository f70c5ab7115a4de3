/**
 * The objects atombench created and recorded (AtombenchObjects) and its bookkeeping tables
 * (AtombenchMeta): create one and record it, read what is owned, drop only what is owned.
 */
import type sql from 'mssql';
import { UserError } from '../../../errors.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import {
  existsQuery,
  forgetOwnedQuery,
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
import { procedureCreateStatement } from '../broker/activation.ts';

/** Where the owned objects live (seed/schema.ts SchemaContext is one). */
export interface OwnedContext {
  /** The admin pool (no request timeout); read again after enableBroker, which replaces it. */
  readonly pool: sql.ConnectionPool;
  names: ObjectNames;
  validation: 'WELL_FORMED_XML' | 'NONE';
}

/** "<statement> cannot be used inside a user transaction": retry that DDL outside one. */
const NOT_IN_TRANSACTION = 574;

export const ownedKey = (kind: ObjectKind, name: string): string => `${kind}:${name}`;

export async function present(
  pool: sql.ConnectionPool,
  names: ObjectNames,
  kind: ObjectKind,
  name: string,
): Promise<boolean> {
  const r = rows<{ Present: boolean }>(await exec(pool, existsQuery(kind, names.schema, name)));
  return r[0]?.Present === true;
}

/** Create one object and record atombench's ownership of it, atomically where T-SQL allows. */
export async function createOwned(
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
export async function ensureBookkeeping(ctx: OwnedContext, force: boolean): Promise<void> {
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

export async function ownedSet(pool: sql.ConnectionPool, schema: string): Promise<Set<string>> {
  const r = rows<{ Kind: ObjectKind; Name: string }>(await exec(pool, ownedObjectsQuery(schema)));
  return new Set(r.map((o) => ownedKey(o.Kind, o.Name)));
}

export function describeObject(names: ObjectNames, kind: ObjectKind, name: string): string {
  const shown =
    kind === 'table' || kind === 'queue' || kind === 'procedure'
      ? qualifiedName(names.schema, name) : quoteName(name);
  return `${kind === 'messageType' ? 'message type' : kind} ${shown}`;
}

/** Drop every owned object of the templates (90-drop.sql order) and forget it. */
export async function dropOwned(ctx: OwnedContext): Promise<string[]> {
  const { pool, names } = ctx;
  const owned = await ownedSet(pool, names.schema);
  const vars = templateVars(names, { validation: ctx.validation });
  const dropped: string[] = [];
  for (const block of templateBlocks('90-drop.sql', vars)) {
    const name = vars.ids[block.key]!;
    if (!owned.has(ownedKey(block.kind, name))) continue;
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
