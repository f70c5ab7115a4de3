import { copyShortAscii } from '../../../dataset/ascii.ts';
import type { AtomRecord, RowBatch } from '../../../dataset/types.ts';

/**
 * Rows of a seed batch in COPY's binary format, for the columns of seedSql().copyAtoms /
 * copyEmbeddings in that order. No number is printed and no hash is hex-encoded: integers go as their
 * big-endian bytes, ContentHash as its 32 raw bytes and the point as 29 bytes of EWKB (the geometry
 * type's binary input, geometry_recv, reads WKB), so both the client and the server skip the text
 * conversions. https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.4
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const TWO_32 = 4294967296;
/** Distinct category strings cached per encoder (generated data has about a dozen). */
const MAX_CATEGORIES = 256;
const categories = new Map<string, Buffer>();

/**
 * A growing buffer with the few writes COPY binary needs. Its memory is never Node's shared pool (a
 * generator thread transfers the ArrayBuffer: generator-threads.ts).
 */
class Writer {
  buf: Buffer;
  at = 0;
  /** `memory`: an ArrayBuffer given back for reuse, written into when it holds `bytes`. */
  constructor(bytes: number, memory?: ArrayBuffer) {
    this.buf = memory && memory.byteLength >= bytes ? Buffer.from(memory) : Buffer.allocUnsafeSlow(bytes);
  }
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
  int16(v: number): void {
    this.room(2);
    this.at = this.buf.writeInt16BE(v, this.at);
  }
  int32Field(v: number): void {
    this.room(8);
    this.at = this.buf.writeInt32BE(4, this.at);
    this.at = this.buf.writeInt32BE(v, this.at);
  }
  /** int8 from a safe integer: high word (signed) then low word (unsigned), two's complement. */
  int64Field(v: number): void {
    this.room(12);
    const hi = Math.floor(v / TWO_32);
    this.at = this.buf.writeInt32BE(8, this.at);
    this.at = this.buf.writeInt32BE(hi, this.at);
    this.at = this.buf.writeUInt32BE(v - hi * TWO_32, this.at);
  }
  textField(s: string | null | undefined): void {
    if (s === null || s === undefined) return this.nullField();
    const length = s.length;
    this.room(4 + length * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
    const b = this.buf;
    const start = this.at + 4;
    if (copyShortAscii(b, start, s)) {
      b.writeInt32BE(length, this.at);
      this.at = start + length;
      return;
    }
    const n = b.write(s, start, 'utf8');
    b.writeInt32BE(n, this.at);
    this.at = start + n;
  }
  /** A column with a handful of distinct values (modality, subtype, ...): encoded once, then copied. */
  categoryField(s: string | null | undefined, cache: Map<string, Buffer>): void {
    if (s === null || s === undefined) return this.nullField();
    let field = cache.get(s);
    if (!field) {
      if (cache.size >= MAX_CATEGORIES) return this.textField(s);
      const bytes = Buffer.from(s, 'utf8');
      field = Buffer.allocUnsafe(4 + bytes.length);
      field.writeInt32BE(bytes.length, 0);
      bytes.copy(field, 4);
      cache.set(s, field);
    }
    this.room(field.length);
    this.at += field.copy(this.buf, this.at);
  }
  bytesField(b: Buffer): void {
    this.room(4 + b.length);
    this.at = this.buf.writeInt32BE(b.length, this.at);
    this.at += b.copy(this.buf, this.at);
  }
  /** geometry POINT Z, SRID 0, as little-endian EWKB: byte order 1, type 0x80000001, x, y, z. */
  pointZField(x: number, y: number, z: number): void {
    this.room(33);
    this.at = this.buf.writeInt32BE(29, this.at);
    this.at = this.buf.writeUInt8(1, this.at);
    this.at = this.buf.writeUInt32LE(0x80000001, this.at);
    this.at = this.buf.writeDoubleLE(x, this.at);
    this.at = this.buf.writeDoubleLE(y, this.at);
    this.at = this.buf.writeDoubleLE(z, this.at);
  }
  nullField(): void {
    this.room(4);
    this.at = this.buf.writeInt32BE(-1, this.at);
  }
  header(): void {
    this.room(19);
    this.at += SIGNATURE.copy(this.buf, this.at);
    this.at = this.buf.writeInt32BE(0, this.at); // flags: no OIDs
    this.at = this.buf.writeInt32BE(0, this.at); // no header extension
  }
  done(): Buffer {
    this.int16(-1); // file trailer
    return this.buf.subarray(0, this.at);
  }
}

/** Bytes per tuple reserved up front (the writers grow when a row is longer). */
const ATOM_TUPLE_BYTES = 240;
const EMBEDDING_TUPLE_BYTES = 140;

function atomTuple(w: Writer, r: AtomRecord): void {
  w.int16(11);
  w.int64Field(r.atomId);
  w.int32Field(r.tenantId);
  w.categoryField(r.modality, categories);
  w.categoryField(r.subtype, categories);
  w.bytesField(r.contentHash);
  w.categoryField(r.contentType, categories);
  w.categoryField(r.sourceType, categories);
  w.textField(r.sourceUri);
  w.textField(r.canonicalText);
  w.textField(r.metadata);
  w.int64Field(r.referenceCount);
}

function embeddingTuple(w: Writer, r: AtomRecord): void {
  w.int16(11);
  // The embedding's id is the atom's: one embedding per seeded atom, and a resumed seed stays dense.
  w.int64Field(r.atomId);
  w.int64Field(r.atomId);
  w.int32Field(r.tenantId);
  w.int32Field(r.modelId);
  w.categoryField(r.embeddingType, categories);
  w.int32Field(r.dimension);
  w.pointZField(r.point.x, r.point.y, r.point.z);
  w.int32Field(r.bucketX);
  w.int32Field(r.bucketY);
  w.int32Field(r.bucketZ);
  w.int64Field(r.hilbertValue);
}

export function encodeAtomsBinary(records: readonly AtomRecord[]): Buffer {
  const w = new Writer(64 + records.length * ATOM_TUPLE_BYTES);
  w.header();
  for (const r of records) atomTuple(w, r);
  return w.done();
}

export function encodeEmbeddingsBinary(records: readonly AtomRecord[]): Buffer {
  const w = new Writer(64 + records.length * EMBEDDING_TUPLE_BYTES);
  w.header();
  for (const r of records) embeddingTuple(w, r);
  return w.done();
}

/**
 * Both COPY streams of a lazy batch in one pass over its rows: each row is written to both as it is
 * generated, then dropped (the bytes equal encodeAtomsBinary / encodeEmbeddingsBinary of its records).
 * `memory`: ArrayBuffers given back for reuse (a generator thread's), written into when large enough.
 */
export function encodeRowBatchBinary(
  batch: RowBatch,
  memory: { atoms?: ArrayBuffer; embeddings?: ArrayBuffer } = {},
): { atoms: Buffer; embeddings: Buffer } {
  const a = new Writer(64 + batch.rows * ATOM_TUPLE_BYTES, memory.atoms);
  const e = new Writer(64 + batch.rows * EMBEDDING_TUPLE_BYTES, memory.embeddings);
  a.header();
  e.header();
  batch.each((r) => {
    atomTuple(a, r);
    embeddingTuple(e, r);
  });
  return { atoms: a.done(), embeddings: e.done() };
}
