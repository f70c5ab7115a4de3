import type Database from 'better-sqlite3';
import {
  BUCKET_ROWS,
  rowHash,
  rowPartExpressions,
  storedRowFromParts,
  type StoredFingerprint,
} from '../../dataset/fingerprint.ts';
import type { ObjectNames } from '../../scenario/names.ts';
import { quoteDouble } from '../sql-template.ts';
import type { FingerprintRequest } from '../types.ts';

/**
 * The stored-data fingerprint on SQLite (dataset/fingerprint.ts): a SQL aggregate over the stored rows,
 * grouped by bucket, whose per-row hash is an application-defined SQL function (SQLite has no MD5;
 * better-sqlite3 registers it on this connection). A value of the wrong type in a column (SQLite lets an
 * UPDATE store text in an INTEGER column) hashes like a NULL: it differs from the generator's. The
 * R*Tree's entries are counted beside the embedding rows: a stale index shows.
 */
const FN = 'atombench_rowhash';

/** The row's values in ROW_PARTS order, hashed as dataset/fingerprint-row.ts does. */
const hashRow = (...v: unknown[]): number => rowHash(storedRowFromParts(v));

function sqlFor(names: ObjectNames) {
  const a = quoteDouble(names.atomsTable);
  const e = quoteDouble(names.embeddingsTable);
  const id = quoteDouble(names.atomIdColumn);
  const cols = rowPartExpressions(
    (src) => ('id' in src ? `a.${id}` : 'axis' in src ? `x.${src.axis}` : `${src.table}.${src.column}`),
    (_kind, v) => v,
  );
  const h = `${FN}(${cols.join(', ')})`;
  const from = `FROM ${a} AS a LEFT JOIN ${e} AS x ON x.${id} = a.${id}`;
  const inBuckets = `a.${id} BETWEEN 1 AND @atoms AND (a.${id} - 1) / ${BUCKET_ROWS} IN (SELECT value FROM json_each(@buckets))`;
  return {
    totals: `SELECT count(*) AS n, min(a.${id}) AS lo, max(a.${id}) AS hi, (SELECT count(*) FROM ${e}) AS emb ${from}`,
    buckets: `SELECT (a.${id} - 1) / ${BUCKET_ROWS} AS bucket, count(*) AS rows, sum(${h}) AS sum ${from}
      WHERE ${inBuckets} GROUP BY 1 ORDER BY 1`,
    rows: `SELECT a.${id} AS id, ${h} AS h ${from} WHERE ${inBuckets}`,
    rtree: quoteDouble(`${names.embeddingsTable}_rtree`),
  };
}

function register(db: Database.Database): void {
  db.function(FN, { deterministic: true, varargs: true }, hashRow);
}

export function storedFingerprint(
  db: Database.Database,
  names: ObjectNames,
  req: FingerprintRequest,
  hasIndex: boolean,
): StoredFingerprint {
  register(db);
  const sql = sqlFor(names);
  const t = db.prepare(sql.totals).get() as { n: number; lo: number | null; hi: number | null; emb: number };
  const params = { atoms: req.atoms, buckets: JSON.stringify(req.buckets) };
  const buckets = db.prepare(sql.buckets).all(params) as { bucket: number; rows: number; sum: number }[];
  const out: StoredFingerprint = {
    rows: t.n,
    minId: t.lo,
    maxId: t.hi,
    embeddingRows: t.emb,
    buckets: buckets.map((b) => ({ bucket: b.bucket, rows: b.rows, sum: b.sum })),
  };
  if (hasIndex)
    out.indexEntries = (db.prepare(`SELECT count(*) AS n FROM ${sql.rtree}`).get() as { n: number }).n;
  return out;
}

export function storedRowHashes(
  db: Database.Database,
  names: ObjectNames,
  req: FingerprintRequest,
): Map<number, number[]> {
  register(db);
  const rows = db
    .prepare(sqlFor(names).rows)
    .all({ atoms: req.atoms, buckets: JSON.stringify(req.buckets) }) as { id: number; h: number }[];
  const out = new Map<number, number[]>();
  for (const r of rows) out.set(r.id, [...(out.get(r.id) ?? []), r.h]);
  return out;
}
