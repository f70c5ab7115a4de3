import { SOURCE_TYPE } from '../dataset/records.ts';
import { UserError } from '../errors.ts';
import type { ObjectNames } from '../scenario/names.ts';
import { quoteDouble } from './sql-template.ts';

/**
 * Engine-neutral pieces of the data-safety contract (DESIGN.md "Data safety"): atombench deletes only
 * rows it inserted, and every refusal happens before the first write.
 *
 * Rows are owned by their marker: seeded atoms carry SourceType 'atombench' (dataset/records.ts),
 * ingested ones 'atombench-ingest' (INGEST_SOURCE_TYPE); an embedding is owned when its atom is. A row
 * with any other SourceType (or none) was put there by someone else, whatever its AtomId.
 */

/** SourceType of the dataset's rows (the generator's) and of rows a run ingests. */
export const SEED_SOURCE_TYPE = SOURCE_TYPE;
export const INGEST_SOURCE_TYPE = 'atombench-ingest';

/** The predicate of an atom atombench inserted (seeded or ingested), on alias `a`. */
export const OWNED_ATOM = `a.SourceType IN ('${SEED_SOURCE_TYPE}', '${INGEST_SOURCE_TYPE}')`;

/**
 * Counting and deleting the rows atombench did not insert, in the SQL PostgreSQL and SQLite share
 * (`count` is how the dialect counts: PostgreSQL's count(*) is cast to bigint for the driver). An
 * anti-join, not NOT IN: a million ids do not fit a hashed subplan in PostgreSQL's default work_mem.
 */
export function foreignRowsSql(names: ObjectNames, count = 'count(*)') {
  const atoms = quoteDouble(names.atomsTable);
  const emb = quoteDouble(names.embeddingsTable);
  const id = quoteDouble(names.atomIdColumn);
  const foreignAtom = `NOT (${OWNED_ATOM}) OR a.SourceType IS NULL`;
  const notOwned = `NOT EXISTS (SELECT 1 FROM ${atoms} AS a WHERE a.${id} = e.${id} AND ${OWNED_ATOM})`;
  return {
    countAtoms: `SELECT ${count} AS n FROM ${atoms} AS a WHERE ${foreignAtom}`,
    countEmbeddings: `SELECT ${count} AS n FROM ${emb} AS e WHERE ${notOwned}`,
    dropEmbeddings: `DELETE FROM ${emb} AS e WHERE ${notOwned}`,
    dropAtoms: `DELETE FROM ${atoms} AS a WHERE ${foreignAtom}`,
  };
}

/** The columns each table of a rendered schema script declares (lower case), by table name. */
export function declaredShapes(sql: string): Map<string, string[]> {
  const shapes = new Map<string, string[]>();
  const re = /CREATE TABLE IF NOT EXISTS\s+("(?:[^"]|"")+"|\w+)\s*\(([\s\S]*?)\n\);/g;
  for (const m of sql.matchAll(re)) {
    const table = unquote(m[1]!);
    const columns: string[] = [];
    for (const line of m[2]!.split('\n')) {
      const t = line.trim();
      if (!t || t.startsWith('--') || /^(PRIMARY|UNIQUE|FOREIGN|CONSTRAINT|CHECK)\b/i.test(t)) continue;
      const ident = /^("(?:[^"]|"")+"|\w+)/.exec(t);
      if (ident) columns.push(unquote(ident[1]!).toLowerCase());
    }
    shapes.set(table, columns);
  }
  return shapes;
}

function unquote(ident: string): string {
  return ident.startsWith('"') ? ident.slice(1, -1).replace(/""/g, '"') : ident;
}

/**
 * The columns a table lacks compared with the shape atombench creates, or undefined when it has them all.
 * Extra columns are allowed (a deployment may have added some); missing ones mean another table.
 */
export function missingColumns(expected: readonly string[], actual: readonly string[]): string[] | undefined {
  const have = new Set(actual.map((c) => c.toLowerCase()));
  const missing = expected.filter((c) => !have.has(c));
  return missing.length ? missing : undefined;
}

/** Refuse a table of another shape (even with --force: atombench cannot load into it). */
export function refuseShape(where: string, table: string, missing: string[]): never {
  throw new UserError(
    `${where}: table ${table} has another shape (no column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}); ` +
      'atombench did not create it and cannot load into it: nothing was changed; point --url at a bench database or drop that table yourself',
  );
}

/** Rows atombench did not insert, per table. */
export interface ForeignRows {
  table: string;
  rows: number;
}

/** What prepare does with foreign rows: refuse unless --force --drop-foreign-rows. */
export function checkForeignRows(
  where: string,
  foreign: readonly ForeignRows[],
  opts: { force: boolean; dropForeignRows?: boolean; notify?: (message: string) => void },
): 'none' | 'drop' {
  const found = foreign.filter((f) => f.rows > 0);
  if (!found.length) return 'none';
  const list = found.map((f) => `${f.table} holds ${f.rows} row(s)`).join(', ');
  if (!(opts.force && opts.dropForeignRows))
    throw new UserError(
      `${where}: ${list} that atombench did not insert; refusing to touch them (nothing was changed). ` +
        'On a bench database, --force --drop-foreign-rows deletes them',
    );
  opts.notify?.(`--drop-foreign-rows: deleting rows atombench did not insert: ${list}`);
  return 'drop';
}
