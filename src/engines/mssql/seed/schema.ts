/**
 * prepare() for SQL Server: create what is missing from seed/mssql/*.sql, record what atombench
 * created (AtombenchObjects), refuse objects it did not create (UserError, exit 2) unless force,
 * drop only owned objects and only with allowDestructive, and enable Service Broker only on a
 * database atombench owns (it found it empty) or with force.
 */
import { UserError } from '../../../errors.ts';
import type { DatasetState, PrepareOptions, SchemaPlan } from '../../types.ts';
import { CURRENT_DATABASE_SQL, indexExistsQuery, updateMetaQuery } from '../sql/catalog.ts';
import { quoteName } from '../sql/identifiers.ts';
import { OBJECTS_TABLE, templateVars } from '../sql/object-names.ts';
import { exec, rows } from '../sql/statement.ts';
import { templateBlocks, type TemplateBlock } from '../sql/template.ts';
import { checkForeignRowsMssql } from './ownership.ts';
import { activationBlocks } from '../broker/activation.ts';
import { BROKER_ENABLED_SQL } from '../broker/enable-broker-sql.ts';
import {
  createOwned,
  describeObject,
  dropOwned,
  ensureBookkeeping,
  ownedKey,
  ownedSet,
  present,
  readMeta,
  type OwnedContext,
} from './owned-objects.ts';

export interface SchemaContext extends OwnedContext {
  /**
   * ALTER DATABASE ... SET ENABLE_BROKER from master; the engine closes and reopens its pools.
   * exclusive (SINGLE_USER WITH ROLLBACK IMMEDIATE first) only for a database atombench owns; otherwise
   * ENABLE_BROKER alone, bounded by the request timeout (never rolls back another session's work).
   */
  enableBroker: (exclusive: boolean) => Promise<void>;
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
    if (isPresent && !owned.has(ownedKey(b.kind, name))) foreign.push(describeObject(names, b.kind, name));
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
