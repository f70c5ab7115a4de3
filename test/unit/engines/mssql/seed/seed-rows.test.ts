import { describe, expect, it } from 'vitest';
import type { AtomRecord } from '../../../../../src/dataset/types.ts';
import { NAME_PRESETS, resolveNames } from '../../../../../src/scenario/names.ts';
import { decodePoint } from '../../../../../src/engines/mssql/seed/geometry-encoding.ts';
import {
  embeddingBulkTable,
  insertAtomsFromStageSql,
  insertEmbeddingsFromStageSql,
  STAGE_TABLE,
  stageTable,
  stageTableDdl,
} from '../../../../../src/engines/mssql/seed/seed-rows.ts';

const rec = (i: number): AtomRecord => ({
  index: i,
  atomId: i + 1,
  tenantId: 0,
  modality: 'text',
  subtype: 'token',
  contentHash: Buffer.alloc(32, i + 1),
  contentType: 'text/plain',
  sourceType: 'atombench',
  sourceUri: `atombench://dataset/42/${i}`,
  canonicalText: `atom-42-${i}`,
  metadata: '{}',
  referenceCount: 1,
  modelId: 1,
  embeddingType: 'semantic',
  dimension: 256,
  point: { x: 0.012345 * (i + 1), y: -0.0456, z: 0.0789 },
  bucketX: 10,
  bucketY: 20,
  bucketZ: 30,
  hilbertValue: 123456,
});

const runbook = NAME_PRESETS.runbook!;

describe('seed batch shapes', () => {
  it('the staging table: atoms only in native mode, floats too in staging mode', () => {
    const native = stageTableDdl('native');
    expect(native).toContain(
      `IF OBJECT_ID(N'tempdb..${STAGE_TABLE}') IS NOT NULL DROP TABLE ${STAGE_TABLE};`,
    );
    expect(native).toContain('AtomId bigint NOT NULL PRIMARY KEY');
    expect(native).toContain('ContentHash binary(32) NOT NULL');
    expect(native).not.toContain(' X float');
    expect(stageTableDdl('staging')).toContain(
      '    X float NOT NULL,\n    Y float NOT NULL,\n    Z float NOT NULL',
    );
  });

  it('stage rows follow the column order', () => {
    const t = stageTable([rec(0), rec(1)], 'native');
    expect(t.columns.map((c) => c.name)).toEqual([
      'AtomId',
      'TenantId',
      'Modality',
      'Subtype',
      'ContentHash',
      'ContentType',
      'SourceType',
      'SourceUri',
      'CanonicalText',
      'Metadata',
      'ReferenceCount',
    ]);
    expect(t.rows[1]![0]).toBe(2);
    expect(t.rows[1]![4]).toEqual(Buffer.alloc(32, 2));
    expect(t.name).toBe(STAGE_TABLE);
    expect(t.temporary).toBe(true);
    expect(t.create).toBe(false);
    expect(stageTable([rec(0)], 'staging').columns).toHaveLength(21);
  });

  it('native embeddings: geometry columns as varbinary(max) with MS-SSCLRT bytes', () => {
    const t = embeddingBulkTable(runbook, [rec(0), rec(1)]);
    expect(t.path).toBe('[dbo].[AtomEmbeddings]');
    const names = t.columns.map((c) => c.name);
    expect(names).toEqual([
      'AtomId',
      'TenantId',
      'ModelId',
      'EmbeddingType',
      'Dimension',
      'SpatialGeometry',
      'SpatialCoarse',
      'SpatialBucketX',
      'SpatialBucketY',
      'SpatialBucketZ',
      'HilbertValue',
    ]);
    const g = t.rows[1]![5] as Buffer;
    expect(decodePoint(g)).toEqual({ srid: 0, x: 0.02469, y: -0.0456, z: 0.0789 });
    const coarse = decodePoint(t.rows[1]![6] as Buffer);
    expect(coarse).toEqual({ srid: 0, x: 0.025, y: -0.046 });
    expect((t.columns[5] as unknown as { length: number }).length).toBe(65535);
  });

  it('mapped names with ] are doubled for tedious, the table path quoted', () => {
    const n = resolveNames('runbook', { embeddingsTable: 'E]x', geometryColumn: 'G]' });
    const t = embeddingBulkTable(n, [rec(0)]);
    expect(t.path).toBe('[dbo].[E]]x]');
    expect(t.columns[5]!.name).toBe('G]]');
  });

  it('atoms are copied with their ids (IDENTITY_INSERT), embeddings built on the server in staging mode', () => {
    const a = insertAtomsFromStageSql(runbook);
    expect(a).toMatch(
      /^SET IDENTITY_INSERT \[dbo\]\.\[Atoms\] ON;\nINSERT INTO \[dbo\]\.\[Atoms\] \(\[AtomId\], TenantId,/,
    );
    expect(a).toContain(`FROM ${STAGE_TABLE} ORDER BY AtomId;\nSET IDENTITY_INSERT [dbo].[Atoms] OFF;`);
    const e = insertEmbeddingsFromStageSql(runbook);
    expect(e).toContain('geometry::Point(X, Y, 0), geometry::Point(ROUND(X, 3), ROUND(Y, 3), 0)');
    expect(e).toContain('INSERT INTO [dbo].[AtomEmbeddings] ([AtomId], TenantId');
  });
});
