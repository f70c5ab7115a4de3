import type { AtomRecord } from '../../dataset/types.ts';
import type { ObjectNames } from '../../scenario/names.ts';
import { INGEST_SOURCE_TYPE } from '../ownership.ts';
import { quoteDouble as q } from '../sql-template.ts';

/**
 * Every SQL statement of the embedded engine's workload. The R*Tree ({{rtree}}) is the primary
 * filter: a bounding-box window on it returns candidates, then the exact planar distance test
 * (X, Y only: SQL Server's STDistance / STIntersects ignore Z) keeps the rows output, exactly the
 * `STIntersects(@q.STBuffer(@r)) = 1 ... ORDER BY STDistance(@q)` pattern of Hartonomous.
 */
export interface SqliteIdentifiers {
  atoms: string;
  embeddings: string;
  atomId: string;
  embeddingId: string;
  rtree: string;
  /** The R*Tree's node shadow table (`<rtree>_node`). */
  rtreeNode: string;
  metrics: string;
}

export function sqliteIdentifiers(names: ObjectNames): SqliteIdentifiers {
  return {
    atoms: q(names.atomsTable),
    embeddings: q(names.embeddingsTable),
    atomId: q(names.atomIdColumn),
    embeddingId: q(names.embeddingIdColumn),
    rtree: q(`${names.embeddingsTable}_rtree`),
    rtreeNode: q(`${names.embeddingsTable}_rtree_node`),
    metrics: q(names.metricsTable),
  };
}

/** Template identifiers for seed/sqlite/*.sql. */
export function sqliteTemplateNames(names: ObjectNames): Record<string, string> {
  return {
    atomsTable: names.atomsTable,
    embeddingsTable: names.embeddingsTable,
    atomIdColumn: names.atomIdColumn,
    embeddingIdColumn: names.embeddingIdColumn,
    metricsTable: names.metricsTable,
    rtree: `${names.embeddingsTable}_rtree`,
    ix_embeddings_atom: `IX_${names.embeddingsTable}_AtomId`,
    ix_embeddings_tenant: `IX_${names.embeddingsTable}_Tenant`,
  };
}

const WINDOW = 'r.minX <= @qx + @r AND r.maxX >= @qx - @r AND r.minY <= @qy + @r AND r.maxY >= @qy - @r';
const D2 = '((e.X - @qx) * (e.X - @qx) + (e.Y - @qy) * (e.Y - @qy))';

export function spatialSql(n: SqliteIdentifiers) {
  const from = `FROM ${n.rtree} AS r JOIN ${n.embeddings} AS e ON e.${n.embeddingId} = r.id`;
  return {
    /** Candidate pool: within radius, nearest first, top @pool. */
    pool: `SELECT e.${n.atomId} AS atomId, e.X AS x, e.Y AS y, e.Z AS z, ${D2} AS d2 ${from}
      WHERE ${WINDOW} AND ${D2} <= @r * @r ORDER BY d2 LIMIT @pool`,
    /** kNN inside a window: the engine widens @r until k rows lie within it (R*Tree has no kNN). */
    knnWithin: `SELECT e.${n.atomId} AS atomId, ${D2} AS d2 ${from}
      WHERE ${WINDOW} AND ${D2} <= @r * @r ORDER BY d2 LIMIT @k`,
    /** kNN without the index, when the window has grown past the data's extent. */
    knnScan: `SELECT e.${n.atomId} AS atomId, ${D2} AS d2 FROM ${n.embeddings} AS e ORDER BY d2 LIMIT @k`,
    /** Dedup probe: any atom within @r (TOP 1 without ORDER BY, as Hartonomous runs it). */
    dedup: `SELECT e.${n.atomId} AS atomId ${from} WHERE ${WINDOW} AND ${D2} <= @r * @r LIMIT 1`,
    /** One walk step: of the pool around the current point, the one nearest the goal. */
    walkStep: `SELECT x, y, z FROM (
        SELECT e.X AS x, e.Y AS y, e.Z AS z, ${D2} AS d2 ${from}
        WHERE ${WINDOW} AND ${D2} <= @r * @r ORDER BY d2 LIMIT @pool)
      ORDER BY (x - @gx) * (x - @gx) + (y - @gy) * (y - @gy) LIMIT 1`,
    /** Candidate rows of the primary filter alone, for sampled queries (primary filter efficiency). */
    candidates: `SELECT COUNT(*) AS n FROM ${n.rtree} AS r WHERE ${WINDOW}`,
    /** Rows passing the exact test (no TOP), for the same sampled queries. */
    output: `SELECT COUNT(*) AS n ${from} WHERE ${WINDOW} AND ${D2} <= @r * @r`,
    extent: `SELECT MIN(X) AS minX, MAX(X) AS maxX, MIN(Y) AS minY, MAX(Y) AS maxY FROM ${n.embeddings}`,
  };
}

export function ingestSql(n: SqliteIdentifiers) {
  return {
    atom: `INSERT INTO ${n.atoms} (TenantId, Modality, Subtype, ContentHash, ContentType, SourceType, SourceUri,
        CanonicalText, Metadata, ReferenceCount)
      VALUES (@tenantId, @modality, @subtype, @contentHash, @contentType, @sourceType, @sourceUri,
        @canonicalText, @metadata, @referenceCount)
      ON CONFLICT (ContentHash) DO UPDATE SET ReferenceCount = ReferenceCount + 1
      RETURNING ${n.atomId} AS atomId, ReferenceCount AS refs`,
    embedding: `INSERT INTO ${n.embeddings} (${n.atomId}, TenantId, ModelId, EmbeddingType, Dimension, X, Y, Z,
        SpatialBucketX, SpatialBucketY, SpatialBucketZ, HilbertValue)
      VALUES (@atomId, @tenantId, @modelId, @embeddingType, @dimension, @x, @y, @z, @bx, @by, @bz, @hilbert)`,
    rtree: `INSERT INTO ${n.rtree} (id, minX, maxX, minY, maxY) VALUES (@id, @x, @x, @y, @y)`,
  };
}

export function seedSql(n: SqliteIdentifiers) {
  const ingested = `${n.atomId} IN (SELECT ${n.atomId} FROM ${n.atoms} WHERE ${n.atomId} > @limit AND SourceType = '${INGEST_SOURCE_TYPE}')`;
  return {
    atom: `INSERT INTO ${n.atoms} (${n.atomId}, TenantId, Modality, Subtype, ContentHash, ContentType, SourceType,
        SourceUri, CanonicalText, Metadata, ReferenceCount)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    embedding: `INSERT INTO ${n.embeddings} (${n.embeddingId}, ${n.atomId}, TenantId, ModelId, EmbeddingType, Dimension,
        X, Y, Z, SpatialBucketX, SpatialBucketY, SpatialBucketZ, HilbertValue)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    seededRows: `SELECT COUNT(*) AS n FROM ${n.embeddings} WHERE ${n.atomId} <= @limit`,
    maxSeeded: `SELECT COALESCE(MAX(${n.atomId}), 0) AS n FROM ${n.atoms} WHERE SourceType = 'atombench'`,
    // Only what a run ingested: above the dataset's ids and marked as ingested (engines/ownership.ts).
    resetRtree: `DELETE FROM ${n.rtree} WHERE id IN (SELECT ${n.embeddingId} FROM ${n.embeddings} WHERE ${ingested})`,
    resetEmbeddings: `DELETE FROM ${n.embeddings} WHERE ${ingested}`,
    resetAtoms: `DELETE FROM ${n.atoms} WHERE ${n.atomId} > @limit AND SourceType = '${INGEST_SOURCE_TYPE}'`,
    /** The R*Tree's node blobs: the spatial index's own storage. */
    rtreeBytes: `SELECT COALESCE(SUM(length(data)), 0) AS n FROM ${n.rtreeNode}`,
  };
}

/** Positional parameters of seedSql().atom for one generated row. */
export function seedAtomParams(r: AtomRecord): unknown[] {
  return [
    r.atomId,
    r.tenantId,
    r.modality,
    r.subtype,
    r.contentHash,
    r.contentType,
    r.sourceType,
    r.sourceUri,
    r.canonicalText,
    r.metadata,
    r.referenceCount,
  ];
}

/** Positional parameters of seedSql().embedding: AtomEmbeddingId = AtomId for seeded rows. */
export function seedEmbeddingParams(r: AtomRecord): unknown[] {
  const p = r.point;
  return [
    r.atomId,
    r.atomId,
    r.tenantId,
    r.modelId,
    r.embeddingType,
    r.dimension,
    p.x,
    p.y,
    p.z,
    r.bucketX,
    r.bucketY,
    r.bucketZ,
    r.hilbertValue,
  ];
}

/**
 * Index maintenance (scenario `maintenance:`), one statement per entry, run in order on the
 * maintenance worker's own connection. statistics: ANALYZE of the two tables (SQLite's UPDATE
 * STATISTICS; sqlite.org/lang_analyze.html). rebuild: the R*Tree emptied and refilled from the
 * embeddings in one IMMEDIATE transaction (an R*Tree has no REINDEX; readers in WAL mode keep seeing
 * the old tree until the COMMIT).
 */
export function sqliteMaintenanceSql(n: SqliteIdentifiers, kind: 'statistics' | 'rebuild'): string[] {
  if (kind === 'statistics') return [`ANALYZE ${n.atoms}`, `ANALYZE ${n.embeddings}`];
  return [
    'BEGIN IMMEDIATE',
    `DELETE FROM ${n.rtree}`,
    `INSERT INTO ${n.rtree} (id, minX, maxX, minY, maxY) SELECT ${n.embeddingId}, X, X, Y, Y FROM ${n.embeddings}`,
    'COMMIT',
  ];
}
