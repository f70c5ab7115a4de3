import type Database from 'better-sqlite3';
import type { AtomRecord, RowBatch, SeedBatch } from '../../dataset/types.ts';
import { UserError } from '../../errors.ts';
import { PHASES, phaseQueue, type ObjectNames } from '../../scenario/names.ts';
import { quoteDouble, renderSqlFile } from '../sql-template.ts';
import type { DatasetState, PrepareOptions, SchemaPlan, SeedOutcome, SeedProgress } from '../types.ts';
import { SQLITE_PRAGMAS } from './connection.ts';
import {
  seedAtomParams,
  seedEmbeddingParams,
  seedSql,
  sqliteIdentifiers,
  sqliteTemplateNames,
} from './dialect.ts';
import { checkDatabase } from './ownership.ts';
import { syncSql } from './queues/sync-ops.ts';

/** The dataset side of the SQLite engine on its main connection: schema, rows, the meta table. */

export function meta(conn: Database.Database, key: string): string | undefined {
  const row = conn.prepare('SELECT value FROM atombench_meta WHERE key = ?').get(key) as
    { value: string } | undefined;
  return row?.value;
}

export function setMeta(conn: Database.Database, key: string, value: string): void {
  conn.prepare('INSERT OR REPLACE INTO atombench_meta (key, value) VALUES (?, ?)').run(key, value);
}

export function tableExists(conn: Database.Database, name: string): boolean {
  return !!conn.prepare("SELECT 1 FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')").get(name);
}

/**
 * Check the file (ownership, shape, the stored dataset), then create what is missing: the caller holds
 * the dataset lock. `path` names the file in messages.
 */
export function prepareDataset(
  conn: Database.Database,
  plan: SchemaPlan,
  opts: PrepareOptions,
  path: string,
): DatasetState {
  const owned = tableExists(conn, 'atombench_meta') && meta(conn, 'owner') === 'atombench';
  const tpl = sqliteTemplateNames(plan.names);
  const scripts = [
    renderSqlFile('sqlite', 'schema.sql', tpl, quoteDouble),
    ...PHASES.map((phase) =>
      renderSqlFile('sqlite', 'queue.sql', { queue: phaseQueue(plan.names, phase) }, quoteDouble),
    ),
    ...(plan.neo4jSync
      ? [renderSqlFile('sqlite', 'sync-queue.sql', { queue: plan.names.neo4jSyncQueue }, quoteDouble)]
      : []),
  ];
  const dropForeign = checkDatabase(conn, plan.names, scripts.join('\n'), { ...opts, owned }, path);
  // A partly seeded dataset counts too: resuming dataset B on top of A's rows would be wrong data.
  const stored = owned ? (meta(conn, 'datasetKey') ?? meta(conn, 'pendingDatasetKey')) : undefined;
  const replace =
    !!stored && (!!opts.replaceDataset || (stored !== plan.datasetKey && !plan.growsFrom?.includes(stored)));
  if (replace && !opts.allowDestructive)
    throw new UserError(`${path} holds another dataset (${stored}); pass --reseed to replace it`);
  conn.pragma(`journal_mode = ${SQLITE_PRAGMAS.journal_mode}`);
  if (dropForeign)
    conn.transaction(() => {
      dropForeign();
      // The R*Tree still holds the deleted rows' entries: rebuild it.
      if (owned) setMeta(conn, 'indexBuilt', '0');
      conn.exec(`DROP TABLE IF EXISTS ${quoteDouble(`${plan.names.embeddingsTable}_rtree`)}`);
    })();
  if (replace) {
    opts.notify?.(`replacing the stored dataset ${stored}`);
    dropOwned(conn, plan.names);
  }
  for (const script of scripts) conn.exec(script);
  setMeta(conn, 'owner', 'atombench');
  setMeta(conn, 'pendingDatasetKey', plan.datasetKey);
  const seeded = (conn.prepare(seedSql(sqliteIdentifiers(plan.names)).maxSeeded).get() as { n: number }).n;
  const datasetKey = meta(conn, 'datasetKey');
  const checksum = datasetKey ? meta(conn, 'checksum') : undefined;
  return {
    seededRows: seeded,
    datasetKey,
    ...(checksum ? { checksum } : {}),
    indexBuilt: meta(conn, 'indexBuilt') === '1' && tableExists(conn, `${plan.names.embeddingsTable}_rtree`),
  };
}

function dropOwned(conn: Database.Database, names: ObjectNames): void {
  const tables = [
    `${names.embeddingsTable}_rtree`,
    names.embeddingsTable,
    names.atomsTable,
    names.metricsTable,
    names.neo4jSyncQueue,
  ];
  for (const phase of PHASES) tables.push(phaseQueue(names, phase));
  for (const t of tables) conn.exec(`DROP TABLE IF EXISTS ${quoteDouble(t)}`);
  conn.exec('DELETE FROM atombench_meta');
}

/**
 * Insert the batches, one transaction each: an interrupted seed resumes after the last whole batch.
 * Lazy batches (RowBatch) are generated row by row inside their transaction, each row inserted as it
 * is made.
 */
export async function seedRows(
  conn: Database.Database,
  names: ObjectNames,
  batches: AsyncIterable<SeedBatch | RowBatch>,
  onProgress: (p: SeedProgress) => void,
  rowsTotal: number,
): Promise<SeedOutcome> {
  const sql = seedSql(sqliteIdentifiers(names));
  const atom = conn.prepare(sql.atom);
  const emb = conn.prepare(sql.embedding);
  const insert = (r: AtomRecord) => {
    atom.run(...seedAtomParams(r));
    emb.run(...seedEmbeddingParams(r));
  };
  const insertBatch = conn.transaction((b: SeedBatch | RowBatch) => {
    if ('records' in b) b.records.forEach(insert);
    else b.each(insert);
  });
  const started = performance.now();
  let inserted = 0;
  for await (const batch of batches) {
    insertBatch(batch);
    const rows = 'records' in batch ? batch.records.length : batch.rows;
    inserted += rows;
    onProgress({ rowsDone: batch.startIndex + rows, rowsTotal });
    // Let timers (progress bar, SIGINT) run between batches: each batch is committed, so an
    // interrupted seed resumes from here.
    await new Promise((r) => setImmediate(r));
  }
  return { rowsInserted: inserted, durationMs: performance.now() - started };
}

/** Remove what a run ingested (ids above the dataset), its R*Tree entries and pending sync requests. */
export function resetIngested(conn: Database.Database, names: ObjectNames, datasetRows: number): number {
  const sql = seedSql(sqliteIdentifiers(names));
  return conn.transaction(() => {
    // Sync requests left by an interrupted run name atoms about to be deleted.
    if (tableExists(conn, names.neo4jSyncQueue)) conn.prepare(syncSql(names.neo4jSyncQueue).clear).run();
    if (tableExists(conn, `${names.embeddingsTable}_rtree`))
      conn.prepare(sql.resetRtree).run({ limit: datasetRows });
    conn.prepare(sql.resetEmbeddings).run({ limit: datasetRows });
    return conn.prepare(sql.resetAtoms).run({ limit: datasetRows }).changes;
  })();
}
