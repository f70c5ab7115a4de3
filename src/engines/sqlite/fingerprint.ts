import type Database from 'better-sqlite3';
import { BUCKET_ROWS, rowHash, type StoredFingerprint, type StoredRow } from '../../dataset/fingerprint.ts';
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
const COLUMNS = [
  'a.{id}',
  'a.TenantId',
  'a.ReferenceCount',
  'a.ContentHash',
  'a.Modality',
  'a.Subtype',
  'a.ContentType',
  'a.SourceType',
  'a.SourceUri',
  'a.CanonicalText',
  'a.Metadata',
  'x.ModelId',
  'x.EmbeddingType',
  'x.Dimension',
  'x.X',
  'x.Y',
  'x.Z',
  'x.SpatialBucketX',
  'x.SpatialBucketY',
  'x.SpatialBucketZ',
  'x.HilbertValue',
];

const num = (v: unknown): number | null =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function hashRow(...v: unknown[]): number {
  const row: StoredRow = {
    atomId: num(v[0]) ?? 0,
    tenantId: num(v[1]),
    referenceCount: num(v[2]),
    contentHash: Buffer.isBuffer(v[3]) ? v[3] : null,
    modality: str(v[4]),
    subtype: str(v[5]),
    contentType: str(v[6]),
    sourceType: str(v[7]),
    sourceUri: str(v[8]),
    canonicalText: str(v[9]),
    metadata: str(v[10]),
    modelId: num(v[11]),
    embeddingType: str(v[12]),
    dimension: num(v[13]),
    x: num(v[14]),
    y: num(v[15]),
    z: num(v[16]),
    bucketX: num(v[17]),
    bucketY: num(v[18]),
    bucketZ: num(v[19]),
    hilbertValue: num(v[20]),
  };
  return rowHash(row);
}

function sqlFor(names: ObjectNames) {
  const a = quoteDouble(names.atomsTable);
  const e = quoteDouble(names.embeddingsTable);
  const id = quoteDouble(names.atomIdColumn);
  const h = `${FN}(${COLUMNS.map((c) => c.replace('{id}', id)).join(', ')})`;
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
