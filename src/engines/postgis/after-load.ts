import type pg from 'pg';
import { RuntimeFailure } from '../../errors.ts';
import type { ObjectNames } from '../../scenario/names.ts';
import { quoteDouble, readSqlFile, renderSql } from '../sql-template.ts';
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
const SECTIONS = [
  ...AFTER_LOAD_PARTS,
  'embeddings-key-index',
  'vacuum-atoms',
  'vacuum-embeddings',
  'drop-spatial-index',
  'unvalidated-foreign-key',
  'validate-foreign-key',
  'sequences',
  'present',
] as const;
type Section = (typeof SECTIONS)[number];

/** after-load.sql's sections as written, read once. */
let rawSections: Record<Section, string> | undefined;

function sections(): Record<Section, string> {
  if (rawSections) return rawSections;
  const raw: Record<string, string> = {};
  for (const part of readSqlFile('postgis', 'after-load.sql')
    .split(/^-- statement: /m)
    .slice(1)) {
    const lines = part.split('\n');
    const name = lines.shift()!.trim();
    // A section ends at its last statement line: the comments after it introduce the next one.
    while (lines.length && /^\s*(--.*)?$/.test(lines[lines.length - 1]!)) lines.pop();
    raw[name] = lines.join('\n').trim();
  }
  for (const p of SECTIONS) if (!raw[p]) throw new Error(`after-load.sql: no section ${p}`);
  return (rawSections = raw as Record<Section, string>);
}

/** after-load.sql's sections, each rendered for `names` (and `more` identifiers) when asked for. */
function afterLoadSql(names: ObjectNames): (s: Section, more?: Record<string, string>) => string {
  const raw = sections();
  const tpl = postgisTemplateNames(names);
  return (s, more = {}) => renderSql(raw[s], { ...tpl, ...more }, quoteDouble);
}

/** The after-load parts not (or not wholly) in the catalog, in AFTER_LOAD_PARTS order: one query. */
export async function missingAfterLoad(c: pg.ClientBase, names: ObjectNames): Promise<AfterLoadPart[]> {
  const tpl = postgisTemplateNames(names);
  const r = await c.query(afterLoadSql(names)('present'), [
    quoteDouble(names.atomsTable),
    quoteDouble(names.embeddingsTable),
    quoteDouble(tpl.ix_embeddings_atom!),
    quoteDouble(tpl.ix_embeddings_tenant!),
  ]);
  const have = r.rows[0].have as boolean[];
  return AFTER_LOAD_PARTS.filter((_, i) => !have[i]);
}

/** VALIDATE of a foreign key to the atoms left NOT VALID, else the section's ADD (after-load.sql). */
async function foreignKeyStatement(
  c: pg.ClientBase,
  names: ObjectNames,
  sql: ReturnType<typeof afterLoadSql>,
): Promise<string> {
  const r = await c.query(sql('unvalidated-foreign-key'), [
    quoteDouble(names.embeddingsTable),
    quoteDouble(names.atomsTable),
  ]);
  const name = (r.rows[0] as { conname: string } | undefined)?.conname;
  return name === undefined ? sql('foreign-key') : sql('validate-foreign-key', { constraint: name });
}

/**
 * After the load, on two connections at once, in two chains balanced to end together (postgis README,
 * "After the load"). `c`: VACUUM (ANALYZE) of the atoms, their primary key and UNIQUE ContentHash, then
 * the embeddings' secondary indexes; `other`: DROP of the spatial index, VACUUM (ANALYZE) of the
 * embeddings, their key index, then the spatial index (the longest build). CREATE INDEX holds SHARE, so the builds on the embeddings
 * run side by side. Then the key index becomes the primary key and the foreign key is added: it
 * conflicts with every build on the embeddings, so it comes last, beside `readStored` (reads only).
 * Each key is skipped when it exists. The DDL is recorded: prepare compares it with the scenario's.
 */
export async function buildIndex(
  c: pg.ClientBase,
  plan: SchemaPlan,
  other: pg.ClientBase = c,
  readStored?: (c: pg.ClientBase, other: pg.ClientBase) => Promise<StoredFingerprint>,
): Promise<IndexBuildOutcome> {
  const names = plan.names;
  const ids = postgisIds(names);
  const sql = afterLoadSql(names);
  const started = performance.now();
  const ddl = indexDdlFor(names, plan.index.postgis);
  const missing = new Set(await missingAfterLoad(c, names));
  const keysAndIndexes = async () => {
    await c.query(sql('vacuum-atoms'));
    if (missing.has('atoms-key')) await c.query(sql('atoms-key'));
    if (missing.has('unique')) await c.query(sql('unique'));
    await c.query(sql('indexes'));
  };
  const spatial = async () => {
    await other.query(sql('drop-spatial-index'));
    await other.query(sql('vacuum-embeddings'));
    if (missing.has('embeddings-key')) await other.query(sql('embeddings-key-index'));
    await other.query(ddl);
  };
  // Both run to the end before an error is thrown: no statement is left running on either connection.
  const done = await Promise.allSettled(
    other === c ? [keysAndIndexes().then(spatial)] : [keysAndIndexes(), spatial()],
  );
  for (const d of done) if (d.status === 'rejected') throw d.reason;
  if (missing.has('embeddings-key')) await c.query(sql('embeddings-key'));
  // The foreign key's validation (~1 s at 1M, alone) and the stored fingerprint's reads (ACCESS SHARE:
  // no conflict; the rows are final) side by side. The key's statement is queued on `c` first (pg runs
  // a client's queries in order), so it never lands inside the fingerprint's read-only transaction; the
  // bucket scan starts on `other` at once. Both end before an error is thrown.
  const fkStatement = missing.has('foreign-key') ? await foreignKeyStatement(c, names, sql) : undefined;
  const [fk, stored] = await Promise.allSettled([
    fkStatement === undefined ? undefined : c.query(fkStatement),
    readStored?.(c, other),
  ]);
  if (fk.status === 'rejected') throw fk.reason;
  if (stored.status === 'rejected') throw stored.reason;
  // The identity sequences move past the ids COPY wrote (after-load.sql).
  await c.query(sql('sequences'), [
    quoteDouble(names.atomsTable),
    names.atomIdColumn,
    quoteDouble(names.embeddingsTable),
    names.embeddingIdColumn,
  ]);
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
