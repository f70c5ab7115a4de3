/**
 * One row of the stored-data fingerprint (dataset/fingerprint.ts): its parts in order, how each is
 * encoded, and its 40-bit hash. ROW_PARTS is the one list every engine builds its SQL from (PostGIS's
 * int8send / float8send, SQLite's hash function, SQL Server's CAST AS binary), so the order cannot drift.
 *
 * Encoding (big-endian, as PostgreSQL's int8send / int4send / float8send; a string is its UTF-8 byte
 * length as int4, then the bytes; the content hash its 32 bytes). A row with a NULL part (in SQL: a NULL
 * column makes the concatenation NULL) hashes as the single byte 0x00.
 */
import * as crypto from 'node:crypto';
import type { AtomRecord } from './types.ts';

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

export type RowPartKind = 'int4' | 'int8' | 'bytes' | 'text' | 'float8';

/**
 * Where the database holds a part: the atom id column (named by the mapping), a column of the atoms (a)
 * or embeddings (x) table, or a coordinate of the embedding's geometry.
 */
export type RowPartSource = { id: true } | { table: 'a' | 'x'; column: string } | { axis: 'X' | 'Y' | 'Z' };

export interface RowPart {
  field: keyof StoredRow;
  kind: RowPartKind;
  source: RowPartSource;
}

const a = (column: string) => ({ table: 'a', column }) as const;
const x = (column: string) => ({ table: 'x', column }) as const;

export const ROW_PARTS: readonly RowPart[] = [
  { field: 'atomId', kind: 'int8', source: { id: true } },
  { field: 'tenantId', kind: 'int4', source: a('TenantId') },
  { field: 'referenceCount', kind: 'int8', source: a('ReferenceCount') },
  { field: 'contentHash', kind: 'bytes', source: a('ContentHash') },
  { field: 'modality', kind: 'text', source: a('Modality') },
  { field: 'subtype', kind: 'text', source: a('Subtype') },
  { field: 'contentType', kind: 'text', source: a('ContentType') },
  { field: 'sourceType', kind: 'text', source: a('SourceType') },
  { field: 'sourceUri', kind: 'text', source: a('SourceUri') },
  { field: 'canonicalText', kind: 'text', source: a('CanonicalText') },
  { field: 'metadata', kind: 'text', source: a('Metadata') },
  { field: 'modelId', kind: 'int4', source: x('ModelId') },
  { field: 'embeddingType', kind: 'text', source: x('EmbeddingType') },
  { field: 'dimension', kind: 'int4', source: x('Dimension') },
  { field: 'x', kind: 'float8', source: { axis: 'X' } },
  { field: 'y', kind: 'float8', source: { axis: 'Y' } },
  { field: 'z', kind: 'float8', source: { axis: 'Z' } },
  { field: 'bucketX', kind: 'int4', source: x('SpatialBucketX') },
  { field: 'bucketY', kind: 'int4', source: x('SpatialBucketY') },
  { field: 'bucketZ', kind: 'int4', source: x('SpatialBucketZ') },
  { field: 'hilbertValue', kind: 'int8', source: x('HilbertValue') },
];

/** Each part as the engine's SQL expression, in ROW_PARTS order (the engine says how to read a source). */
export function rowPartExpressions(
  read: (source: RowPartSource) => string,
  encode: (kind: RowPartKind, expr: string) => string,
): string[] {
  return ROW_PARTS.map((p) => encode(p.kind, read(p.source)));
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

/** A value as the part's type holds it; anything else (SQLite lets text into an INTEGER column) is NULL. */
function partValue(kind: RowPartKind, v: unknown): unknown {
  if (kind === 'text') return typeof v === 'string' ? v : null;
  if (kind === 'bytes') return Buffer.isBuffer(v) ? v : null;
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;
}

/** A StoredRow from values in ROW_PARTS order. */
export function storedRowFromParts(values: readonly unknown[]): StoredRow {
  const row: Record<string, unknown> = {};
  ROW_PARTS.forEach((p, i) => (row[p.field] = partValue(p.kind, values[i])));
  row.atomId ??= 0;
  return row as unknown as StoredRow;
}

/** Upper bound of a part's bytes, or -1 when the value is NULL or not of the part's type. */
function partSize(kind: RowPartKind, v: unknown): number {
  switch (kind) {
    case 'int4':
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= -0x80000000 && v <= 0x7fffffff ? 4 : -1;
    case 'int8':
      return typeof v === 'number' && Number.isSafeInteger(v) ? 8 : -1;
    case 'float8':
      return typeof v === 'number' ? 8 : -1;
    case 'text':
      return typeof v === 'string' ? 4 + 3 * v.length : -1; // UTF-8: at most 3 bytes a UTF-16 unit
    case 'bytes':
      return Buffer.isBuffer(v) ? v.length : -1;
  }
}

const TWO_32 = 4294967296;

/** Write a part (checked by partSize) at `at`; returns the offset after it. */
function writePart(b: Buffer, at: number, kind: RowPartKind, v: unknown): number {
  switch (kind) {
    case 'int4':
      return b.writeInt32BE(v as number, at);
    case 'int8': {
      const n = v as number;
      const hi = Math.floor(n / TWO_32); // two's complement: signed high word, unsigned low word
      return b.writeUInt32BE(n - hi * TWO_32, b.writeInt32BE(hi, at));
    }
    case 'float8':
      return b.writeDoubleBE(v as number, at);
    case 'text': {
      const n = b.write(v as string, at + 4, 'utf8');
      b.writeInt32BE(n, at);
      return at + 4 + n;
    }
    case 'bytes':
      return at + (v as Buffer).copy(b, at);
  }
}

/**
 * The row's bytes (see the encoding above), or undefined when a part is NULL. One buffer written in
 * place (a Buffer per part cost several times more: the sample check after a 1M seed hashes 64k rows).
 */
export function rowBytes(r: StoredRow): Buffer | undefined {
  let size = 0;
  for (const p of ROW_PARTS) {
    const n = partSize(p.kind, r[p.field]);
    if (n < 0) return undefined;
    size += n;
  }
  const b = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of ROW_PARTS) at = writePart(b, at, p.kind, r[p.field]);
  return b.subarray(0, at);
}

/** The first 40 bits of MD5 of the bytes, as a number (0x00 for a row with a NULL column). */
export function hash40(bytes: Buffer | undefined): number {
  return md5(bytes ?? NULL_ROW).readUIntBE(0, 5);
}

const NULL_ROW = Buffer.from([0]);

// crypto.hash (one-shot, Node >= 20.12) is cheaper than createHash().update().digest() per row.
const md5: (b: Buffer) => Buffer =
  typeof crypto.hash === 'function'
    ? (b) => crypto.hash('md5', b, 'buffer') as unknown as Buffer
    : (b) => crypto.createHash('md5').update(b).digest();

export const rowHash = (r: StoredRow): number => hash40(rowBytes(r));
