/**
 * The ingest batch as Hartonomous runs it: MERGE the atoms on ContentHash, one embedding row per NEW
 * atom (AHartTN/Hartonomous-Sandbox's ingest path). The batch travels as one JSON parameter read with
 * OPENJSON ... WITH (SD:docs/t-sql/functions/openjson-transact-sql.md; needs compatibility level >= 130,
 * which every SQL Server 2019/2022 database created new has; the fingerprint records the level).
 * The whole batch is one transaction (XACT_ABORT ON: any error rolls it back).
 * MERGE ... WITH (HOLDLOCK) so two concurrent batches cannot both insert a hash
 * (SD:docs/t-sql/statements/merge-transact-sql.md); OUTPUT $action tells new atoms from matched ones.
 * With `sync` (a run syncing to Neo4j), one Neo4jSyncRequest message per new atom is sent in the same
 * transaction (queues/sync-dialect.ts ingestSyncSql).
 */
import type { AtomRecord } from '../../../dataset/types.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import { INGEST_SOURCE_TYPE } from '../../ownership.ts';
import { encodePointZ } from '../seed/geometry-encoding.ts';
import { qualifiedName, quoteName, sqlInt, sqlString } from './identifiers.ts';
import type { SeedMode } from '../seed/seed-rows.ts';
import { param, type SqlStatement } from './statement.ts';
import { ingestSyncParams, ingestSyncSql } from '../queues/sync-dialect.ts';

/** One atom as a JSON object (short keys keep the parameter small). Hash and geometry as hex. */
export function ingestJsonRow(r: AtomRecord, mode: SeedMode): Record<string, unknown> {
  const row: Record<string, unknown> = {
    hash: r.contentHash.toString('hex'),
    tenant: r.tenantId,
    modality: r.modality,
    subtype: r.subtype,
    ctype: r.contentType,
    stype: INGEST_SOURCE_TYPE, // the marker resetIngested deletes by (engines/ownership.ts)
    uri: r.sourceUri,
    canon: r.canonicalText,
    meta: r.metadata,
    model: r.modelId,
    etype: r.embeddingType,
    dim: r.dimension,
    x: r.point.x,
    y: r.point.y,
    bucketX: r.bucketX,
    bucketY: r.bucketY,
    bucketZ: r.bucketZ,
    hv: r.hilbertValue,
  };
  if (mode === 'native') row.geom = encodePointZ(r.point.x, r.point.y, r.point.z).toString('hex');
  return row;
}

export function ingestQuery(
  names: ObjectNames,
  mode: SeedMode,
  records: AtomRecord[],
  sync?: { nowMs: number },
): SqlStatement {
  const atoms = qualifiedName(names.schema, names.atomsTable);
  const emb = qualifiedName(names.schema, names.embeddingsTable);
  const atomId = quoteName(names.atomIdColumn);
  // native: the client's POINT Z bytes, converted varbinary -> geometry UDT; staging: built from floats (2-D).
  const geom = mode === 'native' ? 'CONVERT(geometry, s.Geom)' : 'geometry::Point(s.X, s.Y, 0)';
  const text = `SET NOCOUNT ON;
SET XACT_ABORT ON;
DECLARE @src TABLE (
    ContentHash binary(32) NOT NULL PRIMARY KEY, TenantId int NOT NULL, Modality varchar(50) NOT NULL,
    Subtype varchar(50) NULL, ContentType nvarchar(100) NULL, SourceType nvarchar(100) NULL,
    SourceUri nvarchar(2048) NULL, CanonicalText nvarchar(max) NULL, Metadata nvarchar(max) NULL,
    ModelId int NULL, EmbeddingType nvarchar(50) NOT NULL, Dimension int NULL, Geom varbinary(max) NULL,
    X float NOT NULL, Y float NOT NULL, BucketX int NULL, BucketY int NULL, BucketZ int NULL, HilbertValue bigint NULL);
INSERT INTO @src
SELECT CONVERT(binary(32), j.hash, 2), j.tenant, j.modality, j.subtype, j.ctype, j.stype, j.uri, j.canon, j.meta,
       j.model, j.etype, j.dim, CONVERT(varbinary(max), j.geom, 2), j.x, j.y, j.bucketX, j.bucketY, j.bucketZ, j.hv
FROM OPENJSON(@rows) WITH (
    hash char(64) '$.hash', tenant int '$.tenant', modality varchar(50) '$.modality', subtype varchar(50) '$.subtype',
    ctype nvarchar(100) '$.ctype', stype nvarchar(100) '$.stype', uri nvarchar(2048) '$.uri',
    canon nvarchar(max) '$.canon', meta nvarchar(max) '$.meta', model int '$.model', etype nvarchar(50) '$.etype',
    dim int '$.dim', geom varchar(max) '$.geom', x float '$.x', y float '$.y', bucketX int '$.bucketX',
    bucketY int '$.bucketY', bucketZ int '$.bucketZ', hv bigint '$.hv') AS j;
DECLARE @merged TABLE (AtomId bigint NOT NULL, ContentHash binary(32) NOT NULL, MergeAction nvarchar(10) NOT NULL);
BEGIN TRANSACTION;
MERGE ${atoms} WITH (HOLDLOCK) AS t
USING @src AS s ON t.ContentHash = s.ContentHash
WHEN MATCHED THEN UPDATE SET t.ReferenceCount = t.ReferenceCount + 1
WHEN NOT MATCHED BY TARGET THEN
    INSERT (TenantId, Modality, Subtype, ContentHash, ContentType, SourceType, SourceUri, CanonicalText, Metadata, ReferenceCount)
    VALUES (s.TenantId, s.Modality, s.Subtype, s.ContentHash, s.ContentType, s.SourceType, s.SourceUri, s.CanonicalText, s.Metadata, 1)
OUTPUT inserted.${atomId}, inserted.ContentHash, $action INTO @merged (AtomId, ContentHash, MergeAction);
INSERT INTO ${emb} (${atomId}, TenantId, ModelId, EmbeddingType, Dimension, ${quoteName(names.geometryColumn)},
    ${quoteName(names.coarseColumn)}, SpatialBucketX, SpatialBucketY, SpatialBucketZ, HilbertValue)
SELECT m.AtomId, s.TenantId, s.ModelId, s.EmbeddingType, s.Dimension, ${geom},
       geometry::Point(ROUND(s.X, 3), ROUND(s.Y, 3), 0), s.BucketX, s.BucketY, s.BucketZ, s.HilbertValue
FROM @merged AS m JOIN @src AS s ON s.ContentHash = m.ContentHash
WHERE m.MergeAction = N'INSERT';${sync ? `\n${ingestSyncSql(names)}` : ''}
COMMIT TRANSACTION;
SELECT COUNT(*) AS Inserted FROM @merged WHERE MergeAction = N'INSERT';`;
  const json = JSON.stringify(records.map((r) => ingestJsonRow(r, mode)));
  return {
    text,
    params: [param('rows', 'nvarcharMax', json), ...(sync ? ingestSyncParams(sync.nowMs) : [])],
  };
}

/**
 * Remove the atoms a run ingested (AtomId > @n and marked as ingested: never a row atombench did not
 * insert; their embeddings go by ON DELETE CASCADE) and put the
 * identity back at @n, so the next run's ingested atoms get the same ids. DBCC CHECKIDENT ... RESEED
 * (SD:docs/t-sql/database-console-commands/dbcc-checkident-transact-sql.md) takes the table name as a
 * string (the quoted, mapped name as N'...') and the reseed value as a checked integer literal (the page
 * documents no variable there); it runs only when the identity moved past @n, so it never
 * hits the "no rows inserted since creation" case in which the next value is the reseed value itself.
 */
export function resetIngestedQuery(names: ObjectNames, datasetRows: number): SqlStatement {
  const atoms = qualifiedName(names.schema, names.atomsTable);
  return {
    text: `SET NOCOUNT ON;
SET XACT_ABORT ON;
BEGIN TRANSACTION;
DELETE FROM ${atoms} WHERE ${quoteName(names.atomIdColumn)} > @n AND SourceType = ${sqlString(INGEST_SOURCE_TYPE)};
DECLARE @deleted int = @@ROWCOUNT;
COMMIT TRANSACTION;
IF EXISTS (SELECT 1 FROM sys.identity_columns
           WHERE object_id = OBJECT_ID(@atoms) AND CAST(last_value AS bigint) > @n)
    DBCC CHECKIDENT (${sqlString(atoms)}, RESEED, ${sqlInt(datasetRows)}) WITH NO_INFOMSGS;
SELECT @deleted AS Deleted;`,
    params: [param('n', 'bigint', datasetRows), param('atoms', 'nvarchar', atoms)],
  };
}
