/**
 * The stored-data fingerprint read from SQL Server (sql/fingerprint.ts builds the statements). Counts
 * come back as bigint, which tedious hands over as strings: every value stays below 2^53 (a bucket's hash
 * sum is < 2^51), so Number() is exact.
 */
import type sql from 'mssql';
import type { StoredFingerprint } from '../../../dataset/fingerprint.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import type { FingerprintRequest } from '../../types.ts';
import { fingerprintBucketsQuery, fingerprintTotalsQuery, rowHashesQuery } from '../sql/fingerprint.ts';
import { exec, rows } from '../sql/statement.ts';

type Num = string | number;
const nullable = (v: Num | null): number | null => (v === null ? null : Number(v));

export async function storedFingerprint(
  pool: sql.ConnectionPool,
  names: ObjectNames,
  req: FingerprintRequest,
): Promise<StoredFingerprint> {
  const t = rows<{ n: Num; lo: Num | null; hi: Num | null; emb: Num }>(
    await exec(pool, fingerprintTotalsQuery(names)),
  )[0]!;
  const b = rows<{ bucket: Num; rows: Num; sum: Num }>(await exec(pool, fingerprintBucketsQuery(names, req)));
  return {
    rows: Number(t.n),
    minId: nullable(t.lo),
    maxId: nullable(t.hi),
    embeddingRows: Number(t.emb),
    buckets: b.map((r) => ({ bucket: Number(r.bucket), rows: Number(r.rows), sum: Number(r.sum) })),
  };
}

export async function storedRowHashes(
  pool: sql.ConnectionPool,
  names: ObjectNames,
  req: FingerprintRequest,
): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  for (const r of rows<{ id: Num; h: Num }>(await exec(pool, rowHashesQuery(names, req)))) {
    const id = Number(r.id);
    out.set(id, [...(out.get(id) ?? []), Number(r.h)]);
  }
  return out;
}
