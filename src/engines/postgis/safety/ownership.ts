import type pg from 'pg';
import {
  checkForeignRows,
  declaredShapes,
  foreignRowsSql,
  missingColumns,
  refuseShape,
  type ForeignRows,
} from '../../ownership.ts';
import { quoteDouble } from '../../sql-template.ts';
import type { PrepareOptions } from '../../types.ts';
import type { ObjectNames } from '../../../scenario/names.ts';

/**
 * Ownership by row on PostGIS (engines/ownership.ts): a table of another shape is refused, foreign rows
 * are refused (or, with --force --drop-foreign-rows, deleted after saying so), all inside prepare's
 * transaction and before its first write, so a refusal rolls back nothing because nothing was written.
 */

/** Columns of a table in the search path, lower case; undefined when there is no such table. */
export async function tableColumns(c: pg.ClientBase, table: string): Promise<string[] | undefined> {
  const r = await c.query(
    `SELECT to_regclass($1) IS NOT NULL AS e,
       ARRAY(SELECT lower(attname) FROM pg_attribute
             WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped) AS cols`,
    [quoteDouble(table)],
  );
  return r.rows[0].e ? (r.rows[0].cols as string[]) : undefined;
}

/**
 * Check every table the schema script declares that already exists: its shape, then (atoms and
 * embeddings) the rows atombench did not insert. Returns the tables that exist.
 */
export async function checkTables(
  c: pg.ClientBase,
  names: ObjectNames,
  schemaSql: string,
  opts: PrepareOptions,
  where: string,
): Promise<string[]> {
  const existing: string[] = [];
  for (const [table, expected] of declaredShapes(schemaSql)) {
    const cols = await tableColumns(c, table);
    if (!cols) continue;
    existing.push(table);
    const missing = missingColumns(expected, cols);
    if (missing) refuseShape(where, table, missing);
  }
  if (!existing.includes(names.atomsTable)) return existing;
  const sql = foreignRowsSql(names, 'count(*)::bigint');
  const foreign: ForeignRows[] = [
    { table: names.atomsTable, rows: Number((await c.query(sql.countAtoms)).rows[0].n) },
  ];
  if (existing.includes(names.embeddingsTable))
    foreign.push({
      table: names.embeddingsTable,
      rows: Number((await c.query(sql.countEmbeddings)).rows[0].n),
    });
  if (checkForeignRows(where, foreign, opts) === 'drop') {
    if (existing.includes(names.embeddingsTable)) await c.query(sql.dropEmbeddings);
    await c.query(sql.dropAtoms);
  }
  return existing;
}
