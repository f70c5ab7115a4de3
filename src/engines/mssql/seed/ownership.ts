/**
 * Ownership by row on SQL Server (engines/ownership.ts): rows of the atoms and embeddings tables that
 * atombench did not insert (an atom whose SourceType is not atombench's marker, an embedding whose atom
 * is not atombench's) are refused before the first write, or deleted with --force --drop-foreign-rows
 * after saying so. The embeddings are counted with NOT EXISTS (an anti semi join) and deleted before
 * their atoms (the foreign key's ON DELETE CASCADE would take them anyway).
 */
import type sql from 'mssql';
import type { ObjectNames } from '../../../scenario/names.ts';
import { checkForeignRows, INGEST_SOURCE_TYPE, SEED_SOURCE_TYPE } from '../../ownership.ts';
import type { PrepareOptions } from '../../types.ts';
import { qualifiedName, quoteName, sqlString } from '../sql/identifiers.ts';
import { exec, rows, type SqlStatement } from '../sql/statement.ts';

function parts(names: ObjectNames) {
  const atoms = qualifiedName(names.schema, names.atomsTable);
  const emb = qualifiedName(names.schema, names.embeddingsTable);
  const id = quoteName(names.atomIdColumn);
  const owned = `a.SourceType IN (${sqlString(SEED_SOURCE_TYPE)}, ${sqlString(INGEST_SOURCE_TYPE)})`;
  const foreignAtom = `(a.SourceType IS NULL OR NOT ${owned})`;
  const notOwned = `NOT EXISTS (SELECT 1 FROM ${atoms} AS a WHERE a.${id} = e.${id} AND ${owned})`;
  return { atoms, emb, foreignAtom, notOwned };
}

export function foreignRowsQuery(names: ObjectNames): SqlStatement {
  const p = parts(names);
  return {
    text: `SELECT (SELECT COUNT_BIG(*) FROM ${p.atoms} AS a WHERE ${p.foreignAtom}) AS Atoms,
       (SELECT COUNT_BIG(*) FROM ${p.emb} AS e WHERE ${p.notOwned}) AS Embeddings;`,
    params: [],
  };
}

export function dropForeignRowsQuery(names: ObjectNames): SqlStatement {
  const p = parts(names);
  return {
    text: `SET XACT_ABORT ON;
BEGIN TRANSACTION;
DELETE e FROM ${p.emb} AS e WHERE ${p.notOwned};
DELETE a FROM ${p.atoms} AS a WHERE ${p.foreignAtom};
COMMIT TRANSACTION;`,
    params: [],
  };
}

/** Refuse foreign rows, or delete them (--force --drop-foreign-rows). Call only when both tables exist. */
export async function checkForeignRowsMssql(
  pool: sql.ConnectionPool,
  names: ObjectNames,
  opts: PrepareOptions,
  where: string,
): Promise<void> {
  const r = rows<{ Atoms: string | number; Embeddings: string | number }>(await exec(pool, foreignRowsQuery(names)))[0];
  const foreign = [
    { table: qualifiedName(names.schema, names.atomsTable), rows: Number(r?.Atoms ?? 0) },
    { table: qualifiedName(names.schema, names.embeddingsTable), rows: Number(r?.Embeddings ?? 0) },
  ];
  if (checkForeignRows(where, foreign, opts) === 'drop') await exec(pool, dropForeignRowsQuery(names));
}
