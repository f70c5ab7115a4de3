/** A planar point with a Z value. SRID 0 everywhere; spatial indexes and distances ignore Z. */
export interface Point3 {
  x: number;
  y: number;
  z: number;
}

/**
 * One atom and its one embedding, as generated. `index` is 0-based and dense: row i always gets
 * AtomId i + 1, so a resumed seed can start from the count already stored.
 */
export interface AtomRecord {
  index: number;
  atomId: number;
  tenantId: number;
  modality: string;
  subtype: string;
  /** 32 bytes, unique per atom (SHA-256 of the canonical text). */
  contentHash: Buffer;
  contentType: string;
  sourceType: string;
  sourceUri: string;
  canonicalText: string;
  metadata: string;
  referenceCount: number;
  modelId: number;
  embeddingType: string;
  dimension: number;
  point: Point3;
  bucketX: number;
  bucketY: number;
  bucketZ: number;
  hilbertValue: number;
}

/** A slice of the dataset, rows [startIndex, startIndex + records.length). */
export interface SeedBatch {
  startIndex: number;
  records: AtomRecord[];
}

/**
 * A slice of the dataset generated row by row as it is visited: rows [startIndex, startIndex + rows).
 * `each` builds one row at a time, feeds it to the dataset checksum, hands it to `visit` and drops it,
 * so no array of row objects outlives a scavenge (a 10k-row SeedBatch is promoted to the old space
 * before it is encoded: measured as the seed's GC cost). Visit each batch once, in order, before the
 * next one is requested; a row must not be kept after `visit` returns.
 */
export interface RowBatch {
  startIndex: number;
  rows: number;
  each(visit: (record: AtomRecord) => void): void;
}
