import type pg from 'pg';
import { BUCKET_ROWS, rowPartExpressions, type StoredFingerprint } from '../../../dataset/fingerprint.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import { quoteDouble, quoteSingle } from '../../sql-template.ts';
import type { FingerprintRequest } from '../../types.ts';

/**
 * The stored-data fingerprint on PostGIS (dataset/fingerprint.ts): each row's bytes built by the server
 * (int8send / int4send / float8send, convert_to(text, 'UTF8') after its octet_length), MD5, the first
 * 40 bits of it, summed per bucket of AtomIds. The rows are read from the tables, not from atombench's
 * own records, so an UPDATE or DELETE shows.
 */
export function fingerprintSql(names: ObjectNames) {
  const a = quoteDouble(names.atomsTable);
  const e = quoteDouble(names.embeddingsTable);
  const id = quoteDouble(names.atomIdColumn);
  const g = quoteDouble(names.geometryColumn);
  const bytes = rowPartExpressions(
    (src) =>
      'id' in src ? `a.${id}` : 'axis' in src ? `ST_${src.axis}(x.${g})` : `${src.table}.${src.column}`,
    (kind, v) =>
      kind === 'text'
        ? `int4send(octet_length(${v})) || convert_to(${v}, 'UTF8')`
        : kind === 'bytes'
          ? v
          : `${kind}send(${v})`,
  ).join(' || ');
  const h = `('x' || left(md5(coalesce(${bytes}, '\\x00'::bytea)), 10))::bit(40)::bigint`;
  const from = `FROM ${a} AS a LEFT JOIN ${e} AS x ON x.${id} = a.${id}`;
  // The checked buckets drive the join: each is one range scan of the AtomId key (the embeddings' side
  // bounded by the same range), so a sample reads only its own rows; a filter on (id - 1) / BUCKET_ROWS
  // scanned both tables whole. DISTINCT: a bucket named twice still counts its rows once.
  const range = (t: string) =>
    `${t}.${id} BETWEEN b.bucket * ${BUCKET_ROWS} + 1 AND LEAST((b.bucket + 1) * ${BUCKET_ROWS}, $1::bigint)`;
  const checked = `(SELECT DISTINCT unnest($2::bigint[]) AS bucket) AS b`;
  const inBuckets = `FROM ${checked} JOIN ${a} AS a ON ${range('a')}
      LEFT JOIN (SELECT x.* FROM ${checked} JOIN ${e} AS x ON ${range('x')}) AS x ON x.${id} = a.${id}`;
  const one = (expr: string, table: string) => `(SELECT ${expr} FROM ${table})`;
  // The embeddings per AtomId in one scan (the AtomId index is in that order): rows, rows with an
  // AtomId, distinct AtomIds named, their range.
  const perAtom = `(SELECT ${id}, count(*) AS k FROM ${e} GROUP BY 1) AS p`;
  return {
    // Counts from the indexes, exact when the atoms' ids are unique (a one-column unique index on
    // AtomId), dense (lo..hi, no gap) and every embedding with an AtomId names one of them: then the
    // join's rows are atoms + linked embeddings - atoms with one. totals() checks; else the join (`totals`).
    quick: `SELECT ${one('count(*)', a)}::bigint AS n, ${one(`min(${id})`, a)} AS lo, ${one(`max(${id})`, a)} AS hi,
        e.emb, e.linked, e.named, e.elo, e.ehi,
        EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute t ON t.attrelid = i.indrelid AND t.attnum = i.indkey[0]
          WHERE i.indrelid = to_regclass(${quoteSingle(a)}) AND i.indisunique AND i.indisvalid
            AND i.indnkeyatts = 1 AND i.indpred IS NULL AND i.indexprs IS NULL
            AND t.attname = ${quoteSingle(names.atomIdColumn)}) AS keyed
      FROM (SELECT coalesce(sum(k), 0)::bigint AS emb, coalesce(sum(k) FILTER (WHERE ${id} IS NOT NULL), 0)::bigint AS linked,
          count(${id})::bigint AS named, min(${id}) AS elo, max(${id}) AS ehi FROM ${perAtom}) AS e`,
    totals: `SELECT count(*)::bigint AS n, min(a.${id}) AS lo, max(a.${id}) AS hi,
        (SELECT count(*) FROM ${e})::bigint AS emb ${from}`,
    buckets: `SELECT b.bucket, count(*)::bigint AS rows, sum(${h})::bigint AS sum
      ${inBuckets} GROUP BY 1 ORDER BY 1`,
    // Most buckets checked (verify full): one parallel scan of each table beats a range scan per bucket.
    bucketsScan: `SELECT (a.${id} - 1) / ${BUCKET_ROWS} AS bucket, count(*)::bigint AS rows, sum(${h})::bigint AS sum
      ${from} WHERE a.${id} BETWEEN 1 AND $1 AND (a.${id} - 1) / ${BUCKET_ROWS} = ANY($2::bigint[]) GROUP BY 1 ORDER BY 1`,
    rows: `SELECT a.${id} AS id, ${h} AS h ${inBuckets}`,
  };
}

interface TotalsRow {
  n: string;
  lo: string | null;
  hi: string | null;
  emb: string;
}

/** Rows of atoms LEFT JOIN embeddings, min and max id: from the indexes when exact, else the join. */
async function totals(c: pg.ClientBase, sql: ReturnType<typeof fingerprintSql>): Promise<TotalsRow> {
  const r = await c.query(sql.quick);
  const q = r.rows[0] as TotalsRow & {
    linked: string;
    named: string;
    elo: string | null;
    ehi: string | null;
    keyed: boolean;
  };
  const [n, lo, hi] = [Number(q.n), Number(q.lo), Number(q.hi)];
  const dense = q.lo !== null && q.hi !== null && n === hi - lo + 1;
  const inside =
    Number(q.linked) === 0 ||
    (q.elo !== null && q.ehi !== null && Number(q.elo) >= lo && Number(q.ehi) <= hi);
  if (q.keyed && dense && inside)
    return { n: String(n + Number(q.linked) - Number(q.named)), lo: q.lo, hi: q.hi, emb: q.emb };
  return (await c.query(sql.totals)).rows[0] as TotalsRow;
}

/** Checking more than 1 / SCAN_SHARE of the rows, the buckets are read by scanning both tables. */
const SCAN_SHARE = 4;

/**
 * `fn`'s statements on `c` with JIT off (SET LOCAL, in a read-only transaction of their own): the
 * buckets' range join is estimated at ~1/9 of the table per bucket, so its cost passes every
 * jit_*_above_cost and PostgreSQL spent ~0.9 s of a 1.3 s sample check compiling it (1M atoms,
 * EXPLAIN ANALYZE "JIT: Timing"); the queries are the harness's bookkeeping, not the measured load.
 */
async function withoutJit<T>(c: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  await c.query('BEGIN READ ONLY');
  try {
    await c.query('SET LOCAL jit = off');
    const out = await fn();
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** The totals and the buckets are two scans: on `other` (a second connection) they run side by side. */
export async function storedFingerprint(
  c: pg.ClientBase,
  names: ObjectNames,
  req: FingerprintRequest,
  other: pg.ClientBase = c,
): Promise<StoredFingerprint> {
  const sql = fingerprintSql(names);
  const buckets = (on: pg.ClientBase) =>
    on.query(SCAN_SHARE * req.buckets.length * BUCKET_ROWS > req.atoms ? sql.bucketsScan : sql.buckets, [
      req.atoms,
      req.buckets,
    ]);
  // Both end before an error is thrown: no statement is left running on either connection.
  const [tr, br] =
    other === c
      ? await withoutJit(c, async () => [await settled(totals(c, sql)), await settled(buckets(c))] as const)
      : await Promise.all([
          settled(withoutJit(c, () => totals(c, sql))),
          settled(withoutJit(other, () => buckets(other))),
        ]);
  if (tr.status === 'rejected') throw tr.reason;
  if (br.status === 'rejected') throw br.reason;
  const [t, b] = [tr.value, br.value];
  return {
    rows: Number(t.n),
    minId: t.lo === null ? null : Number(t.lo),
    maxId: t.hi === null ? null : Number(t.hi),
    embeddingRows: Number(t.emb),
    buckets: (b.rows as { bucket: string; rows: string; sum: string }[]).map((r) => ({
      bucket: Number(r.bucket),
      rows: Number(r.rows),
      sum: Number(r.sum),
    })),
  };
}

const settled = <T>(p: Promise<T>): Promise<PromiseSettledResult<T>> =>
  p.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );

export async function storedRowHashes(
  c: pg.ClientBase,
  names: ObjectNames,
  req: FingerprintRequest,
): Promise<Map<number, number[]>> {
  const r = await withoutJit(c, () => c.query(fingerprintSql(names).rows, [req.atoms, req.buckets]));
  const out = new Map<number, number[]>();
  for (const row of r.rows as { id: string; h: string }[]) {
    const id = Number(row.id);
    const list = out.get(id) ?? [];
    list.push(Number(row.h));
    out.set(id, list);
  }
  return out;
}
