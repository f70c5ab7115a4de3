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
  // The checked buckets drive the join: each is one range seek on the AtomId key, so a sample reads
  // only its own rows (a filter on (id - 1) / ${BUCKET_ROWS} would scan the whole table).
  const inBuckets = `FROM json_each(@buckets) AS b JOIN ${a} AS a
      ON a.${id} BETWEEN b.value * ${BUCKET_ROWS} + 1 AND min((b.value + 1) * ${BUCKET_ROWS}, @atoms)
    LEFT JOIN ${e} AS x ON x.${id} = a.${id}`;
  return {
    // Index-only counts: exact whenever the atoms are dense (lo..hi, no gap) and every embedding names
    // one of them by an integer id: then the join's rows are atoms + embeddings - atoms with one.
    quick: `SELECT (SELECT count(*) FROM ${a}) AS n, (SELECT min(${id}) FROM ${a}) AS lo,
      (SELECT max(${id}) FROM ${a}) AS hi, (SELECT count(*) FROM ${e}) AS emb,
      (SELECT count(DISTINCT ${id}) FROM ${e}) AS named, (SELECT min(${id}) FROM ${e}) AS elo,
      (SELECT max(${id}) FROM ${e}) AS ehi,
      (SELECT count(*) FROM ${e} WHERE typeof(${id}) <> 'integer') AS odd`,
    totals: `SELECT count(*) AS n, min(a.${id}) AS lo, max(a.${id}) AS hi, (SELECT count(*) FROM ${e}) AS emb ${from}`,
    buckets: `SELECT b.value AS bucket, count(*) AS rows, sum(${h}) AS sum ${inBuckets} GROUP BY 1 ORDER BY 1`,
    rows: `SELECT a.${id} AS id, ${h} AS h ${inBuckets}`,
    rtree: quoteDouble(`${names.embeddingsTable}_rtree`),
  };
}

function register(db: Database.Database): void {
  db.function(FN, { deterministic: true, varargs: true }, hashRow);
}

interface Totals {
  n: number;
  lo: number | null;
  hi: number | null;
  emb: number;
}

/** Rows of atoms LEFT JOIN embeddings, min and max id: from the indexes when exact, else the join. */
function totals(db: Database.Database, sql: ReturnType<typeof sqlFor>): Totals {
  const q = db.prepare(sql.quick).get() as Totals & {
    named: number;
    elo: number | null;
    ehi: number | null;
    odd: number;
  };
  const dense = q.lo !== null && q.hi !== null && q.n === q.hi - q.lo + 1;
  const inside = q.emb === 0 || (q.elo !== null && q.ehi !== null && q.elo >= q.lo! && q.ehi <= q.hi!);
  if (dense && inside && q.odd === 0) return { n: q.n + q.emb - q.named, lo: q.lo, hi: q.hi, emb: q.emb };
  return db.prepare(sql.totals).get() as Totals;
}

export function storedFingerprint(
  db: Database.Database,
  names: ObjectNames,
  req: FingerprintRequest,
  hasIndex: boolean,
): StoredFingerprint {
  register(db);
  const sql = sqlFor(names);
  const t = totals(db, sql);
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
