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
