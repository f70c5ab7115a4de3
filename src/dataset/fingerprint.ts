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
 * Row encoding (big-endian, as PostgreSQL's int8send / int4send / float8send; a string is its UTF-8
 * byte length as int4, then the bytes):
 *   atomId int8, tenantId int4, referenceCount int8, contentHash (32 bytes), modality, subtype,
 *   contentType, sourceType, sourceUri, canonicalText, metadata, modelId int4, embeddingType,
 *   dimension int4, x float8, y float8, z float8, bucketX int4, bucketY int4, bucketZ int4,
 *   hilbertValue int8.
 * A row whose encoding is NULL in SQL (a NULL column) hashes as the single byte 0x00.
 */
import * as crypto from 'node:crypto';
import type { AtomRecord } from './types.ts';
import type { DatasetConfig } from './distributions.ts';
import { createRecordFactory } from './records.ts';

export const FINGERPRINT_FORMAT = 'atombench/stored-fingerprint@1';
export const BUCKET_ROWS = 1024;
export const SAMPLE_EVERY = 16;

export type VerifyMode = 'full' | 'sample' | 'off';
export const VERIFY_MODES: readonly VerifyMode[] = ['full', 'sample', 'off'];

/** The row's columns as the database returns them (numbers, strings, the hash bytes; null if missing). */
export interface StoredRow {
  atomId: number;
  tenantId: number | null;
  referenceCount: number | null;
  contentHash: Buffer | null;
  modality: string | null;
  subtype: string | null;
  contentType: string | null;
  sourceType: string | null;
  sourceUri: string | null;
  canonicalText: string | null;
  metadata: string | null;
  modelId: number | null;
  embeddingType: string | null;
  dimension: number | null;
  x: number | null;
  y: number | null;
  z: number | null;
  bucketX: number | null;
  bucketY: number | null;
  bucketZ: number | null;
  hilbertValue: number | null;
}

export function storedRowOf(r: AtomRecord): StoredRow {
  return {
    atomId: r.atomId,
    tenantId: r.tenantId,
    referenceCount: r.referenceCount,
    contentHash: r.contentHash,
    modality: r.modality,
    subtype: r.subtype,
    contentType: r.contentType,
    sourceType: r.sourceType,
    sourceUri: r.sourceUri,
    canonicalText: r.canonicalText,
    metadata: r.metadata,
    modelId: r.modelId,
    embeddingType: r.embeddingType,
    dimension: r.dimension,
    x: r.point.x,
    y: r.point.y,
    z: r.point.z,
    bucketX: r.bucketX,
    bucketY: r.bucketY,
    bucketZ: r.bucketZ,
    hilbertValue: r.hilbertValue,
  };
}

const isInt = (v: number | null, bytes: 4 | 8): v is number =>
  v !== null && Number.isSafeInteger(v) && (bytes === 8 || (v >= -0x80000000 && v <= 0x7fffffff));

/** Bytes of a row besides its strings and the hash: 3 int8, 6 int4, 3 float8. */
const FIXED_BYTES = 8 * 3 + 4 * 6 + 8 * 3;

/**
 * The row's bytes (see the encoding above), or undefined when a column is NULL. Written into one buffer
 * sized up front: this runs once per checked row on both sides (the SQLite hash function, the generator).
 */
export function rowBytes(r: StoredRow): Buffer | undefined {
  const strings = [
    r.modality,
    r.subtype,
    r.contentType,
    r.sourceType,
    r.sourceUri,
    r.canonicalText,
    r.metadata,
  ];
  if (
    !isInt(r.atomId, 8) ||
    !isInt(r.tenantId, 4) ||
    !isInt(r.referenceCount, 8) ||
    r.contentHash === null ||
    !isInt(r.modelId, 4) ||
    r.embeddingType === null ||
    !isInt(r.dimension, 4) ||
    r.x === null ||
    r.y === null ||
    r.z === null ||
    !isInt(r.bucketX, 4) ||
    !isInt(r.bucketY, 4) ||
    !isInt(r.bucketZ, 4) ||
    !isInt(r.hilbertValue, 8)
  )
    return undefined;
  let size = FIXED_BYTES + r.contentHash.length + 4 + Buffer.byteLength(r.embeddingType);
  for (const t of strings) {
    if (t === null) return undefined;
    size += 4 + Buffer.byteLength(t);
  }
  const b = Buffer.allocUnsafe(size);
  let o = 0;
  const str = (t: string): void => {
    const n = b.write(t, o + 4, 'utf8');
    b.writeInt32BE(n, o);
    o += 4 + n;
  };
  o = b.writeBigInt64BE(BigInt(r.atomId), o);
  o = b.writeInt32BE(r.tenantId, o);
  o = b.writeBigInt64BE(BigInt(r.referenceCount), o);
  o += r.contentHash.copy(b, o);
  for (const t of strings) str(t!);
  o = b.writeInt32BE(r.modelId, o);
  str(r.embeddingType);
  o = b.writeInt32BE(r.dimension, o);
  o = b.writeDoubleBE(r.x, o);
  o = b.writeDoubleBE(r.y, o);
  o = b.writeDoubleBE(r.z, o);
  o = b.writeInt32BE(r.bucketX, o);
  o = b.writeInt32BE(r.bucketY, o);
  o = b.writeInt32BE(r.bucketZ, o);
  b.writeBigInt64BE(BigInt(r.hilbertValue), o);
  return b;
}

const ZERO = Buffer.from([0]);

// crypto.hash (one-shot, Node >= 20.12) skips the Hash object createHash builds per call; package.json
// allows any Node 20, so fall back to createHash.
const md5: (bytes: Buffer) => Buffer =
  typeof crypto.hash === 'function'
    ? (bytes) => crypto.hash('md5', bytes, 'buffer')
    : (bytes) => crypto.createHash('md5').update(bytes).digest();

/** The first 40 bits of MD5 of the bytes, as a number (0x00 for a row with a NULL column). */
export function hash40(bytes: Buffer | undefined): number {
  return md5(bytes ?? ZERO).readUIntBE(0, 5);
}

export const rowHash = (r: StoredRow): number => hash40(rowBytes(r));

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
  const h = crypto
    .createHash('sha256')
    .update(`${FINGERPRINT_FORMAT}\n${mode}\n${fp.rows},${fp.minId},${fp.maxId}\n`);
  for (const b of fp.buckets) h.update(`${b.bucket}:${b.rows}:${b.sum}\n`);
  return h.digest('hex');
}
