import { describe, expect, it } from 'vitest';
import { NAME_PRESETS } from '../../../../../src/scenario/names.ts';
import {
  dedupQuery,
  knnQuery,
  poolQuery,
  queryWindow,
  spatialIdents,
  walkStepQuery,
} from '../../../../../src/engines/mssql/sql/dialect.ts';
import {
  ingestJsonRow,
  ingestQuery,
  resetIngestedQuery,
} from '../../../../../src/engines/mssql/sql/dialect-ingest.ts';
import { decodePoint } from '../../../../../src/engines/mssql/seed/geometry-encoding.ts';
import { atomRecord } from '../../../../fixtures/atom-record.ts';

const runbook = NAME_PRESETS.runbook!;
const head = NAME_PRESETS.head!;
const ids = spatialIdents(runbook);
const q = { x: 0.01, y: -0.02, z: 0.03 };

describe('spatial statements (the queries Hartonomous runs)', () => {
  it('candidate pool: TOP (@pool), index hint, STIntersects(@q.STBuffer(@radius)) = 1, ORDER BY STDistance', () => {
    const s = poolQuery(ids, true, q, 10, 1000);
    expect(s.text).toBe(
      [
        'DECLARE @q geometry = geometry::Point(@x, @y, 0);',
        'SELECT TOP (@pool) e.[AtomEmbeddingId], e.[AtomId], e.[SpatialGeometry].STDistance(@q) AS Distance',
        'FROM [dbo].[AtomEmbeddings] AS e WITH (INDEX([IX_AtomEmbeddings_SpatialGeometry]))',
        'WHERE e.[SpatialGeometry].STIntersects(@q.STBuffer(@radius)) = 1',
        'ORDER BY e.[SpatialGeometry].STDistance(@q);',
      ].join('\n'),
    );
    expect(s.params).toEqual([
      { name: 'x', type: 'float', value: 0.01 },
      { name: 'y', type: 'float', value: -0.02 },
      { name: 'radius', type: 'float', value: 10 },
      { name: 'pool', type: 'bigint', value: 1000 },
    ]);
  });

  it('without the hint the optimizer chooses', () => {
    expect(poolQuery(ids, false, q, 10, 500).text).toContain('FROM [dbo].[AtomEmbeddings] AS e\nWHERE');
    expect(dedupQuery(ids, false, q, 0.5).text).not.toContain('WITH (INDEX');
    expect(walkStepQuery(ids, false, q, q, 0.5, 100).text).not.toContain('WITH (INDEX');
  });

  it('kNN in the nearest-neighbour shape, no hint', () => {
    const s = knnQuery(ids, q, 10);
    expect(s.text).toContain('SELECT TOP (@k) ');
    expect(s.text).toContain('WHERE e.[SpatialGeometry].STDistance(@q) IS NOT NULL');
    expect(s.text).toContain('ORDER BY e.[SpatialGeometry].STDistance(@q);');
    expect(s.text).not.toContain('INDEX(');
    expect(s.params.map((p) => p.name)).toEqual(['x', 'y', 'k']);
  });

  it('dedup: TOP (1) with STDistance(@q) <= @threshold and the hint', () => {
    const s = dedupQuery(ids, true, q, 0.25);
    expect(s.text).toContain('SELECT TOP (1) e.[AtomEmbeddingId], e.[AtomId]');
    expect(s.text).toContain('WITH (INDEX([IX_AtomEmbeddings_SpatialGeometry]))');
    expect(s.text).toContain('WHERE e.[SpatialGeometry].STDistance(@q) <= @threshold;');
    expect(s.params.find((p) => p.name === 'threshold')).toEqual({
      name: 'threshold',
      type: 'float',
      value: 0.25,
    });
  });

  it('walk step: the pool nearest @cur within the radius, then the one nearest @goal', () => {
    const s = walkStepQuery(ids, true, q, { x: 1, y: 1, z: 0 }, 0.5, 100);
    expect(s.text).toContain('DECLARE @goal geometry = geometry::Point(@gx, @gy, 0);');
    expect(s.text).toContain('SELECT TOP (1) c.Id, c.X, c.Y, c.GoalDistance');
    expect(s.text).toContain('e.[SpatialGeometry].STX AS X, e.[SpatialGeometry].STY AS Y');
    expect(s.text).toContain(
      'FROM [dbo].[AtomEmbeddings] AS e WITH (INDEX([IX_AtomEmbeddings_SpatialGeometry]))',
    );
    expect(s.text).toContain('WHERE e.[SpatialGeometry].STIntersects(@cur.STBuffer(@radius)) = 1');
    expect(s.text).toMatch(
      /ORDER BY e\.\[SpatialGeometry\]\.STDistance\(@cur\)\n\) AS c\nORDER BY c\.GoalDistance;$/,
    );
    expect(s.params.map((p) => `${p.name}=${p.value}`)).toEqual([
      'x=0.01',
      'y=-0.02',
      'gx=1',
      'gy=1',
      'radius=0.5',
      'pool=100',
    ]);
  });

  it('HEAD names map the table, column and index', () => {
    const s = poolQuery(spatialIdents(head), true, q, 10, 10);
    expect(s.text).toContain('FROM [dbo].[AtomEmbedding] AS e WITH (INDEX([SIX_AtomEmbedding_SpatialKey]))');
    expect(s.text).toContain('e.[SpatialKey].STIntersects');
  });

  it('values are never in the text', () => {
    const s = poolQuery(ids, true, { x: 123.456, y: 789.012, z: 0 }, 31.7, 4242);
    for (const v of ['123.456', '789.012', '31.7', '4242']) expect(s.text).not.toContain(v);
  });

  it('query window of each operation', () => {
    expect(queryWindow({ op: 'spatial.pool', q, radius: 10 })).toEqual({ q, radius: 10 });
    expect(queryWindow({ op: 'spatial.dedup', q, threshold: 0.3 })).toEqual({ q, radius: 0.3 });
    expect(queryWindow({ op: 'spatial.knn', q })).toBeUndefined();
  });
});

const rec = atomRecord;

describe('ingest batch', () => {
  it('MERGE on ContentHash with HOLDLOCK, embeddings only for inserted atoms, one transaction', () => {
    const s = ingestQuery(runbook, 'native', [rec(1), rec(2)]);
    expect(s.text).toContain(
      'MERGE [dbo].[Atoms] WITH (HOLDLOCK) AS t\nUSING @src AS s ON t.ContentHash = s.ContentHash',
    );
    expect(s.text).toContain('WHEN NOT MATCHED BY TARGET THEN');
    expect(s.text).toContain('OUTPUT inserted.[AtomId], inserted.ContentHash, $action INTO @merged');
    expect(s.text).toContain("WHERE m.MergeAction = N'INSERT';");
    expect(s.text).toContain('CONVERT(geometry, s.Geom)');
    expect(s.text).toContain('FROM OPENJSON(@rows) WITH (');
    expect(s.text).toMatch(
      /SET XACT_ABORT ON;[\s\S]*BEGIN TRANSACTION;[\s\S]*MERGE[\s\S]*COMMIT TRANSACTION;/,
    );
    expect(s.params).toHaveLength(1);
    expect(s.params[0]!.type).toBe('nvarcharMax');
    const rows = JSON.parse(s.params[0]!.value as string) as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    expect(rows[0]!.hash).toBe('01'.repeat(32));
    expect(decodePoint(Buffer.from(rows[1]!.geom as string, 'hex'))).toEqual({
      srid: 0,
      x: 0.2,
      y: -0.2,
      z: 0.3,
    });
    expect(s.text).not.toContain("it's");
  });

  it('staging mode builds the point on the server and sends no bytes', () => {
    const s = ingestQuery(runbook, 'staging', [rec(1)]);
    expect(s.text).toContain('geometry::Point(s.X, s.Y, 0)');
    expect(ingestJsonRow(rec(1), 'staging').geom).toBeUndefined();
  });

  it('every OPENJSON column is read into @src (19 columns)', () => {
    const s = ingestQuery(runbook, 'native', [rec(1)]).text;
    const withClause = /OPENJSON\(@rows\) WITH \(([\s\S]*?)\) AS j;/.exec(s)![1]!;
    const declared = withClause.split(',').map((c) => c.trim().split(' ')[0]);
    const json = Object.keys(ingestJsonRow(rec(1), 'native'));
    expect([...declared].sort()).toEqual([...json].sort());
    const selectList = /INSERT INTO @src\nSELECT ([\s\S]*?)\nFROM OPENJSON/.exec(s)![1]!;
    expect(selectList.split(/,(?![^(]*\))/).length).toBe(19);
  });

  it('reset removes the ingested atoms (AtomId > n, ingest marker) and reseeds only when the identity moved past n', () => {
    const s = resetIngestedQuery(runbook, 100000);
    expect(s.text).toContain(
      "DELETE FROM [dbo].[Atoms] WHERE [AtomId] > @n AND SourceType = N'atombench-ingest';",
    );
    expect(s.text).toContain("DBCC CHECKIDENT (N'[dbo].[Atoms]', RESEED, 100000) WITH NO_INFOMSGS;");
    expect(s.text).toContain('CAST(last_value AS bigint) > @n');
    expect(s.params).toEqual([
      { name: 'n', type: 'bigint', value: 100000 },
      { name: 'atoms', type: 'nvarchar', value: '[dbo].[Atoms]' },
    ]);
  });
});
