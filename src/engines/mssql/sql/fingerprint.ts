/**
 * The stored-data fingerprint on SQL Server (dataset/fingerprint.ts): each row's bytes are built by the
 * server in the encoding PostgreSQL's int8send / int4send / float8send give, hashed with
 * HASHBYTES('MD5', ...), and the first 40 bits of the hash are summed per bucket of AtomIds. The rows are
 * read from the tables, so an UPDATE or DELETE behind atombench's back shows. Pure: unit-tested.
 *
 * How each part is made (T-SQL):
 * - integers: CAST(int AS binary(4)) / CAST(bigint AS binary(8)) give the value's bytes most significant
 *   first, and CAST(binary(5) AS bigint) reads 5 bytes back the same way, right-aligned
 *   (SD:docs/t-sql/data-types/binary-and-varbinary-transact-sql.md, "Converting binary and varbinary data").
 * - floats: CAST(float AS binary(8)) is the IEEE 754 double, sign and exponent first (CAST(1.1e0 AS
 *   binary(8)) = 0x3FF199999999999A), as float8send.
 * - strings: UTF-8 bytes. A varchar expression in a _UTF8 collation is stored as UTF-8 (SQL Server 2019+,
 *   SD:docs/relational-databases/collations/collation-and-unicode-support.md, "UTF-8 support"), so
 *   CONVERT(varchar(max), CONVERT(nvarchar(max), col) COLLATE Latin1_General_100_BIN2_UTF8) turns any column
 *   (nvarchar, or varchar of another code page, through nvarchar first) into its UTF-8 bytes; its
 *   DATALENGTH as int4 comes before them.
 * - NULL: a NULL column makes the whole + concatenation NULL (CONCAT_NULL_YIELDS_NULL is ON, the only
 *   setting future versions allow: SD:docs/t-sql/statements/set-concat-null-yields-null-transact-sql.md),
 *   and COALESCE(..., 0x00) hashes the single byte 0x00, as dataset/fingerprint.ts does.
 * - HASHBYTES takes varbinary(max) input of any length from SQL Server 2016 on (the 8000-byte limit
 *   applied up to 2014: SD:docs/t-sql/functions/hashbytes-transact-sql.md).
 * - the geometry column's coordinates: .STX, .STY and .Z (NULL for a point without Z: the staging seed path
 *   stores none, so the engine offers no fingerprint there).
 * The checked buckets travel as one JSON array parameter read with OPENJSON
 * (SD:docs/t-sql/functions/openjson-transact-sql.md), as the ingest batch does.
 */
import { BUCKET_ROWS, rowPartExpressions } from '../../../dataset/fingerprint.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import type { FingerprintRequest } from '../../types.ts';
import { qualifiedName, quoteName } from './identifiers.ts';
import { param, type SqlStatement } from './statement.ts';

const UTF8_COLLATION = 'Latin1_General_100_BIN2_UTF8';

/** A string's UTF-8 byte length as int4, then its UTF-8 bytes. */
function utf8(e: string): string {
  const bytes = `CONVERT(varbinary(max), CONVERT(varchar(max), CONVERT(nvarchar(max), ${e}) COLLATE ${UTF8_COLLATION}))`;
  return `CAST(CAST(DATALENGTH(${bytes}) AS int) AS binary(4)) + ${bytes}`;
}

/** The row's bytes in dataset/fingerprint-row.ts's order, as one varbinary(max) expression (NULL if a part is). */
export function rowBytesExpression(names: ObjectNames): string {
  const id = quoteName(names.atomIdColumn);
  const g = quoteName(names.geometryColumn);
  return rowPartExpressions(
    (src) =>
      'id' in src
        ? `a.${id}`
        : 'axis' in src
          ? `x.${g}.${src.axis === 'Z' ? 'Z' : `ST${src.axis}`}`
          : `${src.table}.${src.column}`,
    (kind, v) =>
      kind === 'text'
        ? utf8(v)
        : kind === 'bytes'
          ? `CAST(${v} AS varbinary(32))`
          : `CAST(${v} AS binary(${kind === 'int4' ? 4 : 8}))`,
  ).join('\n      + ');
}

function parts(names: ObjectNames) {
  const a = qualifiedName(names.schema, names.atomsTable);
  const e = qualifiedName(names.schema, names.embeddingsTable);
  const id = quoteName(names.atomIdColumn);
  const from = `FROM ${a} AS a LEFT JOIN ${e} AS x ON x.${id} = a.${id}`;
  const hashed = `CROSS APPLY (SELECT CAST(SUBSTRING(HASHBYTES('MD5', COALESCE(${rowBytesExpression(names)}, 0x00)), 1, 5) AS bigint) AS h) AS r`;
  const inBuckets = `a.${id} BETWEEN 1 AND @atoms
  AND (a.${id} - 1) / ${BUCKET_ROWS} IN (SELECT CAST([value] AS bigint) FROM OPENJSON(@buckets))`;
  return { a, e, id, from, hashed, inBuckets };
}

const requestParams = (req: FingerprintRequest) => [
  param('atoms', 'bigint', req.atoms),
  param('buckets', 'nvarcharMax', JSON.stringify(req.buckets)),
];

/** Rows (atoms joined to embeddings), min and max AtomId, and the embedding rows, over every row. */
export function fingerprintTotalsQuery(names: ObjectNames): SqlStatement {
  const p = parts(names);
  return {
    text: `SELECT t.[n], t.[lo], t.[hi], (SELECT COUNT_BIG(*) FROM ${p.e}) AS [emb]
FROM (SELECT COUNT_BIG(*) AS [n], MIN(a.${p.id}) AS [lo], MAX(a.${p.id}) AS [hi] ${p.from}) AS t;`,
    params: [],
  };
}

/** Per checked bucket: its row count and the sum of its rows' 40-bit hashes. */
export function fingerprintBucketsQuery(names: ObjectNames, req: FingerprintRequest): SqlStatement {
  const p = parts(names);
  return {
    text: `SELECT (a.${p.id} - 1) / ${BUCKET_ROWS} AS [bucket], COUNT_BIG(*) AS [rows], SUM(r.h) AS [sum]
${p.from}
${p.hashed}
WHERE ${p.inBuckets}
GROUP BY (a.${p.id} - 1) / ${BUCKET_ROWS}
ORDER BY [bucket];`,
    params: requestParams(req),
  };
}

/** Each row's 40-bit hash in the checked buckets, by AtomId (to count the rows that differ). */
export function rowHashesQuery(names: ObjectNames, req: FingerprintRequest): SqlStatement {
  const p = parts(names);
  return {
    text: `SELECT a.${p.id} AS [id], r.h AS [h]
${p.from}
${p.hashed}
WHERE ${p.inBuckets};`,
    params: requestParams(req),
  };
}
