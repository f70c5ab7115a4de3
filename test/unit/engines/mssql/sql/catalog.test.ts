import { describe, expect, it } from 'vitest';
import { NAME_PRESETS } from '../../../../../src/scenario/names.ts';
import { spatialIndexBytesQuery } from '../../../../../src/engines/mssql/sql/catalog.ts';

describe('spatialIndexBytesQuery (the spatial index size of the capacity sweep)', () => {
  it('sums the pages in use of the index internal table (type 207, parented by table and index_id) x 8192', () => {
    const s = spatialIndexBytesQuery(NAME_PRESETS.runbook!);
    expect(s.text).toBe(
      [
        'SELECT CAST(SUM(ps.used_page_count) AS bigint) * 8192 AS Bytes',
        'FROM sys.indexes AS i',
        'JOIN sys.internal_tables AS it',
        '  ON it.parent_id = i.object_id AND it.parent_minor_id = i.index_id AND it.internal_type = 207',
        'JOIN sys.dm_db_partition_stats AS ps ON ps.object_id = it.object_id',
        'WHERE i.object_id = OBJECT_ID(@table) AND i.name = @index;',
      ].join('\n'),
    );
    expect(s.params).toEqual([
      { name: 'table', type: 'nvarchar', value: '[dbo].[AtomEmbeddings]' },
      { name: 'index', type: 'sysname', value: 'IX_AtomEmbeddings_SpatialGeometry' },
    ]);
  });

  it('names the mapped table and index (the head preset)', () => {
    const head = NAME_PRESETS.head!;
    const s = spatialIndexBytesQuery(head);
    expect(s.params[0]!.value).toBe(`[${head.schema}].[${head.embeddingsTable}]`);
    expect(s.params[1]!.value).toBe(head.spatialIndex);
  });
});
