/**
 * The dataset checksum: SHA-256 over every row, in index order, each row in a fixed-order binary
 * encoding of all its columns. Two runs with the same checksum measured the same data.
 *
 * Encoding (little-endian; strings are a uint32 UTF-8 byte length then the bytes; buffers likewise):
 *   index f64, atomId f64, tenantId i32, modality, subtype, contentHash, contentType, sourceType,
 *   sourceUri, canonicalText, metadata, referenceCount f64, modelId i32, embeddingType, dimension i32,
 *   x f64, y f64, z f64, bucketX i32, bucketY i32, bucketZ i32, hilbertValue f64.
 * The hash starts with CHECKSUM_FORMAT; change it whenever this encoding changes.
 */
import { createHash, type Hash } from 'node:crypto';
import type { AtomRecord, SeedBatch } from './types.ts';
import type { DatasetConfig } from './distributions.ts';
import { copyShortAscii } from './ascii.ts';
import { createRecordFactory, type RecordFactory } from './records.ts';

export const CHECKSUM_FORMAT = 'atombench/dataset-checksum@1\n';

/** Rows are encoded into one reusable buffer and hashed in chunks of about this many bytes. */
const CHUNK_BYTES = 1 << 16;
/** Bytes of a row besides its strings, with room to spare (numbers, length prefixes, the 32-byte hash). */
const FIXED_ROW_BYTES = 256;
/** Distinct category strings cached by writeCategory (generated data has about a dozen). */
const MAX_CATEGORIES = 256;

/**
 * Rows in the checksum's encoding, written into a reusable buffer and handed to `sink` in chunks of
 * about CHUNK_BYTES (the hash, or a buffer collected off the main thread). It does not check the rows'
 * order: its users do.
 */
export class ChecksumRowEncoder {
  private buffer: Buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private used = 0;
  private readonly categories = new Map<string, Buffer>();
  private readonly sink: (bytes: Buffer) => void;

  /** `sink` gets each chunk as a view of the encoder's buffer: it must consume or copy it before returning. */
  constructor(sink: (bytes: Buffer) => void) {
    this.sink = sink;
  }

  flush(): void {
    if (this.used > 0) this.sink(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  write(r: AtomRecord): void {
    const textLength =
      r.modality.length +
      r.subtype.length +
      r.contentType.length +
      r.sourceType.length +
      r.sourceUri.length +
      r.canonicalText.length +
      r.metadata.length +
      r.embeddingType.length;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const worst = FIXED_ROW_BYTES + r.contentHash.length + 3 * textLength;
    if (this.used + worst > this.buffer.length) {
      this.flush();
      if (worst > this.buffer.length) this.buffer = Buffer.allocUnsafeSlow(worst);
    }
    const b = this.buffer;
    let o = this.used;
    o = b.writeDoubleLE(r.index, o);
    o = b.writeDoubleLE(r.atomId, o);
    o = b.writeInt32LE(r.tenantId, o);
    o = this.writeCategory(b, o, r.modality);
    o = this.writeCategory(b, o, r.subtype);
    o = b.writeUInt32LE(r.contentHash.length, o);
    o += r.contentHash.copy(b, o);
    o = this.writeCategory(b, o, r.contentType);
    o = this.writeCategory(b, o, r.sourceType);
    o = writeString(b, o, r.sourceUri);
    o = writeString(b, o, r.canonicalText);
    o = writeString(b, o, r.metadata);
    o = b.writeDoubleLE(r.referenceCount, o);
    o = b.writeInt32LE(r.modelId, o);
    o = this.writeCategory(b, o, r.embeddingType);
    o = b.writeInt32LE(r.dimension, o);
    o = b.writeDoubleLE(r.point.x, o);
    o = b.writeDoubleLE(r.point.y, o);
    o = b.writeDoubleLE(r.point.z, o);
    o = b.writeInt32LE(r.bucketX, o);
    o = b.writeInt32LE(r.bucketY, o);
    o = b.writeInt32LE(r.bucketZ, o);
    o = b.writeDoubleLE(r.hilbertValue, o);
    this.used = o;
  }

  /**
   * Columns with a handful of distinct values (modality, subtype, ...) are encoded once and copied: about
   * a third of the per-row string bytes, for a Map lookup each.
   */
  private writeCategory(b: Buffer, offset: number, s: string): number {
    let encoded = this.categories.get(s);
    if (!encoded) {
      if (this.categories.size >= MAX_CATEGORIES) return writeString(b, offset, s);
      encoded = Buffer.alloc(4 + Buffer.byteLength(s, 'utf8'));
      writeString(encoded, 0, s);
      this.categories.set(s, encoded);
    }
    return offset + encoded.copy(b, offset);
  }
}

/**
 * Rows in the checksum's encoding collected into one buffer, for a thread that generates rows apart
 * from the Checksummer (Checksummer.updateEncoded hashes them, in order). Its buffers are never Node's
 * shared pool, so their ArrayBuffers can be transferred; one given back is written into again.
 */
export class EncodedChecksumRows {
  private out: Buffer = Buffer.alloc(0);
  private bytes = 0;
  private readonly encoder = new ChecksumRowEncoder((chunk) => this.append(chunk));

  /** Write the next rows into `memory` (a buffer taken earlier, given back) instead of a new one. */
  reuse(memory: ArrayBuffer): void {
    if (this.bytes === 0 && memory.byteLength > this.out.length) this.out = Buffer.from(memory);
  }

  write(r: AtomRecord): void {
    this.encoder.write(r);
  }

  /** The rows written since the last take (a view of the start of its own ArrayBuffer); starts over. */
  take(): Buffer {
    this.encoder.flush();
    const rows = this.out.subarray(0, this.bytes);
    this.out = Buffer.alloc(0);
    this.bytes = 0;
    return rows;
  }

  private append(chunk: Buffer): void {
    if (this.bytes + chunk.length > this.out.length) {
      const next = Buffer.allocUnsafeSlow(
        Math.max(2 * this.out.length, this.bytes + chunk.length, CHUNK_BYTES),
      );
      this.out.copy(next, 0, 0, this.bytes);
      this.out = next;
    }
    this.bytes += chunk.copy(this.out, this.bytes);
  }
}

/**
 * Incremental checksum fed batch by batch, in order, so a seed computes it while inserting. A resumed
 * seed first calls feedGenerated(startIndex) to hash the rows already stored (generated, not read back).
 */
export class Checksummer {
  private readonly hash: Hash = createHash('sha256');
  private readonly encoder = new ChecksumRowEncoder((bytes) => this.hash.update(bytes));
  private nextIndex = 0;
  private factory: RecordFactory | undefined;
  private digested = false;

  private readonly config: DatasetConfig;

  constructor(config: DatasetConfig) {
    this.config = config;
    this.hash.update(CHECKSUM_FORMAT);
  }

  /** Rows hashed so far (= the index the next batch must start at). */
  get rowsHashed(): number {
    return this.nextIndex;
  }

  /** Hashes a batch; it must start where the previous one ended. */
  update(batch: SeedBatch): void {
    this.expect(batch.startIndex, 'batch starts at');
    for (const record of batch.records) this.updateRecord(record);
  }

  /** Hashes one row; it must be the next one. */
  updateRecord(record: AtomRecord): void {
    this.open();
    this.expect(record.index, 'got');
    this.encoder.write(record);
    this.nextIndex++;
  }

  /**
   * Hashes rows [startIndex, startIndex + rows) encoded elsewhere (EncodedChecksumRows.take): the same
   * digest as feeding their records; startIndex must be the next row.
   */
  updateEncoded(startIndex: number, rows: number, bytes: Uint8Array): void {
    this.open();
    this.expect(startIndex, 'encoded rows start at');
    this.encoder.flush();
    this.hash.update(bytes);
    this.nextIndex += rows;
  }

  /** Generates and hashes rows up to (not including) `endIndex`: the prefix a resumed seed skipped. */
  feedGenerated(endIndex: number): void {
    this.factory ??= createRecordFactory(this.config);
    while (this.nextIndex < endIndex) this.updateRecord(this.factory(this.nextIndex));
  }

  /** SHA-256 hex of the whole dataset; throws unless exactly `atoms` rows were fed. */
  digest(): string {
    if (this.nextIndex !== this.config.atoms) {
      throw new Error(`checksum: ${this.nextIndex} rows hashed, the dataset has ${this.config.atoms}`);
    }
    this.encoder.flush();
    this.digested = true;
    return this.hash.digest('hex');
  }

  private open(): void {
    if (this.digested) throw new Error('checksum: already digested');
  }

  private expect(index: number, what: string): void {
    if (index !== this.nextIndex)
      throw new Error(`checksum: ${what} row ${index}, expected row ${this.nextIndex}`);
  }
}

function writeString(b: Buffer, offset: number, s: string): number {
  const start = offset + 4;
  if (copyShortAscii(b, start, s)) {
    b.writeUInt32LE(s.length, offset);
    return start + s.length;
  }
  const n = b.write(s, start, 'utf8');
  b.writeUInt32LE(n, offset);
  return start + n;
}
