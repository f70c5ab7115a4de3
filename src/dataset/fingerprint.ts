/**
 * The stored-data fingerprint: what the database says it holds, compared with what the generator made.
 *
 * Each row (an atom joined to its embedding) is encoded as bytes the database can build itself, hashed
 * with MD5, and the first 40 bits of the hash are the row's hash. Rows are grouped into buckets of
 * BUCKET_ROWS consecutive AtomIds; the database returns per bucket its row count and the sum of its rows'
 * hashes (an aggregate over the stored rows, computed server-side), and the same is computed here from
 * the generator. A changed, deleted or added row changes its bucket. `sample` checks every
 * SAMPLE_EVERY-th bucket (fast at 1M rows), `full` every bucket; the counts (rows, min and max id) are
 * always over every row.
 *
 * A row's parts, their encoding and its hash: fingerprint-row.ts (re-exported here).
 */
import { createHash } from 'node:crypto';
import type { DatasetConfig } from './distributions.ts';
import { createRecordFactory } from './records.ts';
import { rowHash, storedRowOf } from './fingerprint-row.ts';

export {
  hash40,
  ROW_PARTS,
  rowBytes,
  rowHash,
  rowPartExpressions,
  storedRowFromParts,
  storedRowOf,
  type RowPart,
  type RowPartKind,
  type RowPartSource,
  type StoredRow,
} from './fingerprint-row.ts';

export const FINGERPRINT_FORMAT = 'atombench/stored-fingerprint@1';
export const BUCKET_ROWS = 1024;
export const SAMPLE_EVERY = 16;

export type VerifyMode = 'full' | 'sample' | 'off';
export const VERIFY_MODES: readonly VerifyMode[] = ['full', 'sample', 'off'];

/** Bucket of an AtomId (1-based ids). */
export const bucketOf = (atomId: number): number => Math.floor((atomId - 1) / BUCKET_ROWS);

export interface BucketSum {
  bucket: number;
  rows: number;
  /** Sum of the rows' 40-bit hashes (< 2^51 for a full bucket: exact in a double). */
  sum: number;
}

/** What the database reports about the stored dataset rows (AtomId 1..N). */
export interface StoredFingerprint {
  /** Rows with AtomId in 1..N (atoms joined to embeddings; an atom without one counts once). */
  rows: number;
  minId: number | null;
  maxId: number | null;
  /** Per checked bucket: count and hash sum, from the database. */
  buckets: BucketSum[];
  /** Entries of the spatial index, where the engine can count them, and the embedding rows beside it. */
  indexEntries?: number;
  embeddingRows?: number;
}

/** Which buckets a mode checks, for N rows. */
export function checkedBuckets(atoms: number, mode: Exclude<VerifyMode, 'off'>): number[] {
  const last = bucketOf(atoms);
  const out: number[] = [];
  for (let b = 0; b <= last; b += mode === 'full' ? 1 : SAMPLE_EVERY) out.push(b);
  return out;
}

/** The generator's bucket sums for the checked buckets. */
export function generatedBuckets(cfg: DatasetConfig, buckets: readonly number[]): BucketSum[] {
  const make = createRecordFactory(cfg);
  return buckets.map((bucket) => {
    let sum = 0;
    let rows = 0;
    const end = Math.min(cfg.atoms, (bucket + 1) * BUCKET_ROWS);
    for (let i = bucket * BUCKET_ROWS; i < end; i++) {
      sum += rowHash(storedRowOf(make(i)));
      rows++;
    }
    return { bucket, rows, sum };
  });
}

/** Per-row hashes of the generator for some buckets (to count the rows that differ). */
export function generatedRowHashes(cfg: DatasetConfig, buckets: readonly number[]): Map<number, number> {
  const make = createRecordFactory(cfg);
  const out = new Map<number, number>();
  for (const bucket of buckets) {
    const end = Math.min(cfg.atoms, (bucket + 1) * BUCKET_ROWS);
    for (let i = bucket * BUCKET_ROWS; i < end; i++) out.set(i + 1, rowHash(storedRowOf(make(i))));
  }
  return out;
}

/** The buckets whose count or sum differ (a bucket missing on one side differs). */
export function differingBuckets(stored: readonly BucketSum[], generated: readonly BucketSum[]): number[] {
  const s = new Map(stored.map((b) => [b.bucket, b]));
  return generated
    .filter((g) => {
      const x = s.get(g.bucket);
      return !x || x.rows !== g.rows || x.sum !== g.sum;
    })
    .map((g) => g.bucket);
}

/** Rows of some buckets that differ: changed, missing or extra (by AtomId). */
export function differingRows(
  stored: ReadonlyMap<number, number[]>,
  generated: ReadonlyMap<number, number>,
): number {
  let n = 0;
  for (const [id, h] of generated) {
    const got = stored.get(id);
    if (!got || got.length !== 1 || got[0] !== h) n += Math.max(1, got ? got.length : 1);
  }
  for (const [id, hs] of stored) if (!generated.has(id)) n += hs.length;
  return n;
}

/** A hex digest of the database's report: what result.json carries as the stored dataset's hash. */
export function storedContentHash(fp: StoredFingerprint, mode: VerifyMode): string {
  const h = createHash('sha256').update(
    `${FINGERPRINT_FORMAT}\n${mode}\n${fp.rows},${fp.minId},${fp.maxId}\n`,
  );
  for (const b of fp.buckets) h.update(`${b.bucket}:${b.rows}:${b.sum}\n`);
  return h.digest('hex');
}
