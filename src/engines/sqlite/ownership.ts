import type Database from 'better-sqlite3';
import {
  checkForeignRows,
  declaredShapes,
  foreignRowsSql,
  missingColumns,
  refuseShape,
  type ForeignRows,
} from '../ownership.ts';
import type { PrepareOptions } from '../types.ts';
import { UserError } from '../../errors.ts';
import type { ObjectNames } from '../../scenario/names.ts';

/**
 * Ownership by row on SQLite (engines/ownership.ts), read-only until every check passed: a foreign
 * database (tables, no atombench marker) is refused unless --force, a table of another shape always,
 * foreign rows unless --force --drop-foreign-rows.
 */

/** User tables and views of the file (SQLite's own and the R*Tree's shadow tables excluded). */
export function userTables(db: Database.Database): string[] {
  return (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
      )
      .all() as { name: string }[]
  ).map((r) => r.name);
}

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) =>
    r.name.toLowerCase(),
  );
}

/**
 * Every check before the first write. `owned`: the file carries atombench's marker. Returns the
 * foreign rows to delete (run them in the schema's transaction), or nothing.
 */
export function checkDatabase(
  db: Database.Database,
  names: ObjectNames,
  schemaSql: string,
  opts: PrepareOptions & { owned: boolean },
  where: string,
): (() => void) | undefined {
  const tables = userTables(db);
  if (!opts.owned && tables.length && !opts.force) {
    const shown =
      tables.slice(0, 5).join(', ') + (tables.length > 5 ? `, ... (${tables.length} tables)` : '');
    throw new UserError(
      `${where}: this SQLite database holds table(s) ${shown} and was not created by atombench; refusing to touch it (nothing was changed; use --force on a bench database)`,
    );
  }
  for (const [table, expected] of declaredShapes(schemaSql)) {
    if (!tables.includes(table)) continue;
    const missing = missingColumns(expected, columns(db, table));
    if (missing) refuseShape(where, table, missing);
  }
  if (!tables.includes(names.atomsTable)) return undefined;
  const sql = foreignRowsSql(names);
  const count = (q: string) => (db.prepare(q).get() as { n: number }).n;
  const foreign: ForeignRows[] = [{ table: names.atomsTable, rows: count(sql.countAtoms) }];
  const hasEmbeddings = tables.includes(names.embeddingsTable);
  if (hasEmbeddings) foreign.push({ table: names.embeddingsTable, rows: count(sql.countEmbeddings) });
  if (checkForeignRows(where, foreign, opts) !== 'drop') return undefined;
  return () => {
    if (hasEmbeddings) db.exec(sql.dropEmbeddings);
    db.exec(sql.dropAtoms);
  };
}
