import type pg from 'pg';
import { RuntimeFailure } from '../../errors.ts';
import type { ObjectNames } from '../../scenario/names.ts';
import { quoteDouble, renderSqlFile } from '../sql-template.ts';
import type { StoredFingerprint } from '../../dataset/fingerprint.ts';
import type { IndexBuildOutcome, SchemaPlan } from '../types.ts';
import { metaSql, postgisIds, postgisTemplateNames } from './dialect.ts';
import { indexDdlFor } from './index-options.ts';

/**
 * What the seed builds over the loaded rows (seed/postgis/after-load.sql): the seed loads the atoms and
 * embeddings into bare heaps (schema.sql), then buildIndex adds the primary keys, UNIQUE ContentHash,
 * the secondary indexes, the spatial index and the foreign key, and analyzes. A finished seed has them
 * all: prepare reports the index as not built while one is missing (the next seed or run builds it), and
 * buildIndex fails unless all are there at its end.
 */

/** The after-load objects, by the after-load.sql section that makes each (`indexes` makes two). */
export const AFTER_LOAD_PARTS = ['atoms-key', 'embeddings-key', 'unique', 'foreign-key', 'indexes'] as const;
export type AfterLoadPart = (typeof AFTER_LOAD_PARTS)[number];

/** The sections of seed/postgis/after-load.sql (by their `-- statement: <name>` line). */
const SECTIONS = [...AFTER_LOAD_PARTS, 'embeddings-key-index'] as const;

function afterLoadStatements(names: ObjectNames): Record<(typeof SECTIONS)[number], string> {
  const text = renderSqlFile('postgis', 'after-load.sql', postgisTemplateNames(names), quoteDouble);
  const out: Record<string, string> = {};
  for (const part of text.split(/^-- statement: /m).slice(1)) {
    const nl = part.indexOf('\n');
    out[part.slice(0, nl).trim()] = part.slice(nl + 1).trim();
  }
  for (const p of SECTIONS) if (!out[p]) throw new Error(`after-load.sql: no section ${p}`);
  return out as Record<(typeof SECTIONS)[number], string>;
}

/**
 * The after-load parts not (or not wholly) in the catalog, in AFTER_LOAD_PARTS order: one query. The
 * foreign key is one from the embeddings to the atoms (as foreignKeyStatement looks for it), validated:
 * one left NOT VALID counts as missing, nothing checked that the embeddings' rows satisfy it.
 */
export async function missingAfterLoad(c: pg.ClientBase, names: ObjectNames): Promise<AfterLoadPart[]> {
  const tpl = postgisTemplateNames(names);
  const has = (table: string, type: string, validated = '') =>
    `EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass(${table}) AND contype = '${type}'${validated})`;
  const r = await c.query(
    `SELECT ARRAY[${has('$1', 'p')}, ${has('$2', 'p')}, ${has('$1', 'u')}, ${has('$2', 'f', ' AND convalidated AND confrelid = to_regclass($1)')},
       to_regclass($3) IS NOT NULL AND to_regclass($4) IS NOT NULL] AS have`,
    [
      quoteDouble(names.atomsTable),
      quoteDouble(names.embeddingsTable),
      quoteDouble(tpl.ix_embeddings_atom!),
      quoteDouble(tpl.ix_embeddings_tenant!),
    ],
  );
  const have = r.rows[0].have as boolean[];
  return AFTER_LOAD_PARTS.filter((_, i) => !have[i]);
}

/**
 * VALIDATE for a foreign key from the embeddings to the atoms left NOT VALID (by hand: atombench adds
 * it validated), else the section's ADD: adding one more beside it would leave it unvalidated.
 */
async function foreignKeyStatement(c: pg.ClientBase, names: ObjectNames, add: string): Promise<string> {
  const r = await c.query(
    `SELECT conname FROM pg_constraint WHERE conrelid = to_regclass($1) AND confrelid = to_regclass($2)
       AND contype = 'f' AND NOT convalidated ORDER BY conname LIMIT 1`,
    [quoteDouble(names.embeddingsTable), quoteDouble(names.atomsTable)],
  );
  const name = (r.rows[0] as { conname: string } | undefined)?.conname;
  return name === undefined
    ? add
    : `ALTER TABLE ${quoteDouble(names.embeddingsTable)} VALIDATE CONSTRAINT ${quoteDouble(name)}`;
}

/**
 * After the load, on two connections at once, in two chains that end together. `c`: VACUUM (ANALYZE) of
 * the atoms, their primary key and UNIQUE ContentHash, then the embeddings' secondary indexes; `other`:
 * VACUUM (ANALYZE) of the embeddings, their key index, then their spatial index (GiST unless
 * index.postgis says otherwise; the longest build). At 1M on 2 cores (server log) `c` ran
 * 1.2 + 0.8 + 1.6 + 2.1 s and `other` 0.8 + 0.8 + 4.5 s: with the key index on `c`, as before, `c`
 * ended ~1.2 s after `other` and that core idled. CREATE INDEX holds SHARE, so builds on the
 * embeddings run side by side (each waits for the embeddings' VACUUM to end); the spatial index is
 * dropped first, while nothing else holds the embeddings (DROP INDEX takes ACCESS EXCLUSIVE).
 *
 * Then the embeddings' key index becomes their primary key and the foreign key is added: it needs the
 * atoms' key, and its SHARE ROW EXCLUSIVE (VALIDATE's SHARE UPDATE EXCLUSIVE too) conflicts with the
 * SHARE of every build on the embeddings. Atoms-only work beside it gained nothing (UNIQUE ContentHash
 * as CREATE UNIQUE INDEX beside VALIDATE of the key added NOT VALID: 1M, 3 alternating seeds each, load
 * ~3.5, 8.23 against 8.21 s on average: the build leaves the GiST's shadow and both slow down sharing
 * the cores); reads do not conflict with it, so `readStored` (the run's verification) runs beside it.
 *
 * Each key is skipped when it exists. VACUUM first, over the bare heaps: statistics for the planner,
 * hint bits and the visibility map set now (the index builds then read hinted pages, and the first
 * measured queries do not pay for writing them), and no index to scan. The DDL is recorded: prepare
 * compares it with the scenario's.
 */
export async function buildIndex(
  c: pg.ClientBase,
  plan: SchemaPlan,
  other: pg.ClientBase = c,
  readStored?: (c: pg.ClientBase, other: pg.ClientBase) => Promise<StoredFingerprint>,
): Promise<IndexBuildOutcome> {
  const names = plan.names;
  const ids = postgisIds(names);
  const sql = afterLoadStatements(names);
  const started = performance.now();
  const ddl = indexDdlFor(names, plan.index.postgis);
  const missing = new Set(await missingAfterLoad(c, names));
  const keysAndIndexes = async () => {
    await c.query(`VACUUM (ANALYZE) ${ids.atoms}`);
    if (missing.has('atoms-key')) await c.query(sql['atoms-key']);
    if (missing.has('unique')) await c.query(sql.unique);
    await c.query(sql.indexes);
  };
  const spatial = async () => {
    await other.query(`DROP INDEX IF EXISTS ${ids.spatialIndex}`);
    await other.query(`VACUUM (ANALYZE) ${ids.embeddings}`);
    if (missing.has('embeddings-key')) await other.query(sql['embeddings-key-index']);
    await other.query(ddl);
  };
  // Both run to the end before an error is thrown: no statement is left running on either connection.
  const done = await Promise.allSettled(
    other === c ? [keysAndIndexes().then(spatial)] : [keysAndIndexes(), spatial()],
  );
  for (const d of done) if (d.status === 'rejected') throw d.reason;
  if (missing.has('embeddings-key')) await c.query(sql['embeddings-key']);
  // The foreign key's validation (~1 s at 1M, alone) and the stored fingerprint's reads (ACCESS SHARE:
  // no conflict; the rows are final) side by side. The key's statement is queued on `c` first (pg runs
  // a client's queries in order), so it never lands inside the fingerprint's read-only transaction; the
  // bucket scan starts on `other` at once. Both end before an error is thrown.
  const fkStatement = missing.has('foreign-key')
    ? await foreignKeyStatement(c, names, sql['foreign-key'])
    : undefined;
  const [fk, stored] = await Promise.allSettled([
    fkStatement === undefined ? undefined : c.query(fkStatement),
    readStored?.(c, other),
  ]);
  if (fk.status === 'rejected') throw fk.reason;
  if (stored.status === 'rejected') throw stored.reason;
  // COPY wrote the ids explicitly: the identity sequences move past them (MAX is a key lookup now), so
  // ingested atoms get ids above the dataset's.
  for (const [table, column] of [
    [names.atomsTable, names.atomIdColumn],
    [names.embeddingsTable, names.embeddingIdColumn],
  ] as const)
    await c.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT MAX(${quoteDouble(column)}) FROM ${quoteDouble(table)}), 1))`,
      [quoteDouble(table), column],
    );
  const left = await missingAfterLoad(c, names);
  if (left.length)
    throw new RuntimeFailure(
      `the index build ended without ${left.join(', ')} (seed/postgis/after-load.sql)`,
    );
  // The meta rows of a name mapping are scoped by its atoms table (schema.ts).
  for (const [k, v] of [
    ['indexBuilt', '1'],
    ['indexDdl', ddl],
  ])
    await c.query(metaSql(ids).set, [names.atomsTable, k, v]);
  return { durationMs: performance.now() - started, ddl, stored: stored.value };
}
