import type pg from 'pg';
import { BUCKET_ROWS, rowPartExpressions, type StoredFingerprint } from '../../../dataset/fingerprint.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import { quoteDouble } from '../../sql-template.ts';
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
  const inBuckets = `a.${id} BETWEEN 1 AND $1 AND (a.${id} - 1) / ${BUCKET_ROWS} = ANY($2::bigint[])`;
  return {
    totals: `SELECT count(*)::bigint AS n, min(a.${id}) AS lo, max(a.${id}) AS hi,
        (SELECT count(*) FROM ${e})::bigint AS emb ${from}`,
    buckets: `SELECT (a.${id} - 1) / ${BUCKET_ROWS} AS bucket, count(*)::bigint AS rows, sum(${h})::bigint AS sum
      ${from} WHERE ${inBuckets} GROUP BY 1 ORDER BY 1`,
    rows: `SELECT a.${id} AS id, ${h} AS h ${from} WHERE ${inBuckets}`,
  };
}

/** The totals and the buckets are two scans: on `other` (a second connection) they run side by side. */
export async function storedFingerprint(
  c: pg.ClientBase,
  names: ObjectNames,
  req: FingerprintRequest,
  other: pg.ClientBase = c,
): Promise<StoredFingerprint> {
  const sql = fingerprintSql(names);
  // Both end before an error is thrown: no statement is left running on either connection.
  const [tr, br] = await Promise.allSettled([
    c.query(sql.totals),
    other.query(sql.buckets, [req.atoms, req.buckets]),
  ]);
  if (tr.status === 'rejected') throw tr.reason;
  if (br.status === 'rejected') throw br.reason;
  const [totals, b] = [tr.value, br.value];
  const t = totals.rows[0] as { n: string; lo: string | null; hi: string | null; emb: string };
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

export async function storedRowHashes(
  c: pg.ClientBase,
  names: ObjectNames,
  req: FingerprintRequest,
): Promise<Map<number, number[]>> {
  const r = await c.query(fingerprintSql(names).rows, [req.atoms, req.buckets]);
  const out = new Map<number, number[]>();
  for (const row of r.rows as { id: string; h: string }[]) {
    const id = Number(row.id);
    const list = out.get(id) ?? [];
    list.push(Number(row.h));
    out.set(id, list);
  }
  return out;
}
