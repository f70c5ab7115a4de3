import type pg from 'pg';
import { RuntimeFailure, UserError } from '../../errors.ts';
import { PHASES, phaseQueue, type ObjectNames } from '../../scenario/names.ts';
import { quoteDouble, renderSqlFile } from '../sql-template.ts';
import type { DatasetState, PrepareOptions, SchemaPlan } from '../types.ts';
import { missingAfterLoad } from './after-load.ts';
import {
  META_TABLE,
  metaSql,
  ownedTables,
  postgisIds,
  postgisTemplateNames,
  seedSql,
  syncSql,
} from './dialect.ts';
import { indexDdlFor } from './index-options.ts';
import { acquireDatasetLock } from './safety/lock.ts';
import { checkTables } from './safety/ownership.ts';

// Shard coordination moved to coordination.ts; exported here still for the imports that name schema.ts.
export { postgisCoordination, SHARDS_TABLE } from './coordination.ts';

/**
 * Schema work on the engine's admin connection: ownership, dataset identity, tables, the spatial index.
 * DDL is transactional in PostgreSQL, so prepare runs in one transaction: a refusal rolls back and
 * leaves the database exactly as it was.
 */

/** The meta rows of one name mapping are scoped by its atoms table (two mappings can share a database). */
const scopeOf = (names: ObjectNames) => names.atomsTable;

async function tableExists(c: pg.ClientBase, name: string): Promise<boolean> {
  const r = await c.query('SELECT to_regclass($1) IS NOT NULL AS e', [quoteDouble(name)]);
  return r.rows[0].e as boolean;
}

async function readMeta(c: pg.ClientBase, names: ObjectNames): Promise<Record<string, string>> {
  if (!(await tableExists(c, META_TABLE))) return {};
  const r = await c.query(metaSql(postgisIds(names)).get, [scopeOf(names)]);
  return Object.fromEntries(r.rows.map((row: { key: string; value: string }) => [row.key, row.value]));
}

export async function setMeta(
  c: pg.ClientBase,
  names: ObjectNames,
  entries: Record<string, string>,
): Promise<void> {
  const sql = metaSql(postgisIds(names)).set;
  for (const [k, v] of Object.entries(entries)) await c.query(sql, [scopeOf(names), k, v]);
}

async function hasSeededRows(c: pg.ClientBase, names: ObjectNames): Promise<boolean> {
  if (!(await tableExists(c, names.atomsTable))) return false;
  const r = await c.query(
    `SELECT EXISTS (SELECT 1 FROM ${quoteDouble(names.atomsTable)} WHERE SourceType = 'atombench') AS e`,
  );
  return r.rows[0].e as boolean;
}

async function ensurePostgis(c: pg.ClientBase, where: string): Promise<void> {
  const r = await c.query("SELECT 1 FROM pg_extension WHERE extname = 'postgis'");
  if (r.rowCount) return;
  try {
    await c.query('SAVEPOINT postgis_ext');
    await c.query('CREATE EXTENSION postgis');
  } catch (e) {
    throw new RuntimeFailure(
      `${where}: the PostGIS extension is not installed in this database and cannot be created (${(e as Error).message}); ` +
        'install postgresql-postgis and run CREATE EXTENSION postgis as a superuser',
    );
  }
}

async function dropOwned(c: pg.ClientBase, names: ObjectNames): Promise<void> {
  // Embeddings before atoms (foreign key); CASCADE is not used so nothing foreign can go with them.
  for (const t of [names.embeddingsTable, ...ownedTables(names).filter((t) => t !== names.embeddingsTable)])
    await c.query(`DROP TABLE IF EXISTS ${quoteDouble(t)}`);
  await c.query(metaSql(postgisIds(names)).clear, [scopeOf(names)]);
}

/** Ownership check, dataset identity, tables; returns what is stored. `where` names the database (redacted). */
export async function prepareSchema(
  c: pg.ClientBase,
  plan: SchemaPlan,
  opts: PrepareOptions,
  where: string,
): Promise<DatasetState> {
  const names = plan.names;
  // One atombench per dataset: a second seed or run is refused here, before anything is read or written.
  if (!opts.followShard) await acquireDatasetLock(c, scopeOf(names), where);
  const tpl = postgisTemplateNames(names);
  const schemaScripts = [
    renderSqlFile('postgis', 'schema.sql', tpl, quoteDouble),
    ...PHASES.map((phase) =>
      renderSqlFile('postgis', 'queue.sql', { queue: phaseQueue(names, phase) }, quoteDouble),
    ),
    ...(plan.neo4jSync
      ? [renderSqlFile('postgis', 'sync-queue.sql', { queue: names.neo4jSyncQueue }, quoteDouble)]
      : []),
  ];
  await c.query('BEGIN');
  try {
    const meta = await readMeta(c, names);
    const owned = meta.owner === 'atombench';
    if (!owned && !opts.force) {
      const foreign: string[] = [];
      for (const t of ownedTables(names)) if (await tableExists(c, t)) foreign.push(t);
      if (foreign.length)
        throw new UserError(
          `${where}: table(s) ${foreign.join(', ')} exist but were not created by atombench; refusing to touch them (use --force on a bench database)`,
        );
    }
    // Owned or forced: every existing table must have atombench's shape and hold only atombench's rows
    // (checked before the first write; --force --drop-foreign-rows deletes foreign rows, saying so first).
    await checkTables(c, names, schemaScripts.join('\n'), opts, where);
    // The dataset stored, or the one an interrupted seed was loading (markSeeded has not run yet): a
    // seed must never resume on top of another dataset's rows.
    const partial = !meta.datasetKey && meta.seedingKey !== undefined && (await hasSeededRows(c, names));
    const storedKey = meta.datasetKey ?? (partial ? meta.seedingKey : undefined);
    if (
      storedKey &&
      (opts.replaceDataset || (storedKey !== plan.datasetKey && !plan.growsFrom?.includes(storedKey)))
    ) {
      if (!opts.allowDestructive)
        throw new UserError(`${where} holds another dataset (${storedKey}); pass --reseed to replace it`);
      opts.notify?.(`replacing the stored dataset ${storedKey}`);
      await dropOwned(c, names);
      delete meta.datasetKey;
      delete meta.checksum;
      delete meta.indexBuilt;
    }
    await ensurePostgis(c, where);
    for (const script of schemaScripts) await c.query(script);
    await setMeta(c, names, { owner: 'atombench', seedingKey: plan.datasetKey });
    const ids = postgisIds(names);
    const seeded = Number((await c.query(seedSql(ids).maxSeeded)).rows[0].n);
    // Built, and with the scenario's options: a changed index.postgis rebuilds the index (not a reseed).
    // Before the DDL was recorded (indexDdl absent) every build was the default `USING gist`.
    const builtDdl = meta.indexDdl ?? indexDdlFor(names);
    const indexBuilt =
      meta.indexBuilt === '1' &&
      builtDdl === indexDdlFor(names, plan.index.postgis) &&
      (await tableExists(c, names.spatialIndex)) &&
      // A key missing after a finished seed (dropped by hand): the next seed or run builds it again.
      !(await missingAfterLoad(c, names)).length;
    await c.query('COMMIT');
    return {
      seededRows: seeded,
      datasetKey: meta.datasetKey,
      ...(meta.datasetKey && meta.checksum ? { checksum: meta.checksum } : {}),
      indexBuilt,
    };
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

/**
 * Record the dataset identity (and its generator checksum). The identity sequences are moved past the
 * seeded ids by buildIndex (after-load.ts), once the primary keys make MAX a lookup: nothing ingests
 * before the index is built.
 */
export async function markSeeded(
  c: pg.ClientBase,
  names: ObjectNames,
  datasetKey: string,
  rows: number,
  checksum?: string,
): Promise<void> {
  await setMeta(c, names, { datasetKey, seededRows: String(rows), ...(checksum ? { checksum } : {}) });
}

export async function resetIngested(
  c: pg.ClientBase,
  names: ObjectNames,
  datasetRows: number,
): Promise<number> {
  const sql = seedSql(postgisIds(names));
  await c.query('BEGIN');
  try {
    // Sync requests left by an interrupted run name atoms about to be deleted.
    if (await tableExists(c, names.neo4jSyncQueue)) await c.query(syncSql(postgisIds(names)).clear);
    await c.query(sql.resetEmbeddings, [datasetRows]);
    const r = await c.query(sql.resetAtoms, [datasetRows]);
    await c.query('COMMIT');
    return r.rowCount ?? 0;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  }
}
