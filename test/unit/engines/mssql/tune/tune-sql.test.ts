import { describe, expect, it } from 'vitest';
import { configFromTessellation } from '../../../../../src/engines/mssql/tune/tune-target.ts';
import {
  PAGE_BYTES,
  rebuildSpatialIndexDdl,
  spatialIndexSize,
  spatialIndexSizeQuery,
} from '../../../../../src/engines/mssql/tune/tune-sql.ts';
import { NAME_PRESETS } from '../../../../../src/scenario/names.ts';

const runbook = NAME_PRESETS.runbook!;
const grid = {
  scheme: 'GEOMETRY_GRID' as const,
  boundingBox: [-0.13, -0.13, 0.13, 0.13] as [number, number, number, number],
  grids: ['HIGH', 'HIGH', 'MEDIUM', 'LOW'] as ['HIGH', 'HIGH', 'MEDIUM', 'LOW'],
  cellsPerObject: 8,
  padIndex: true,
};

describe('rebuild DDL', () => {
  it('CREATE SPATIAL INDEX ... DROP_EXISTING = ON with every option once', () => {
    expect(rebuildSpatialIndexDdl(runbook, grid, { dropExisting: true })).toBe(
      [
        'CREATE SPATIAL INDEX [IX_AtomEmbeddings_SpatialGeometry]',
        '    ON [dbo].[AtomEmbeddings] ([SpatialGeometry])',
        '    USING GEOMETRY_GRID',
        '    WITH (BOUNDING_BOX = (-0.13000000000000000, -0.13000000000000000, 0.13000000000000000, 0.13000000000000000),',
        '          GRIDS = (LEVEL_1 = HIGH, LEVEL_2 = HIGH, LEVEL_3 = MEDIUM, LEVEL_4 = LOW),',
        '          CELLS_PER_OBJECT = 8,',
        '          PAD_INDEX = ON,',
        '          DROP_EXISTING = ON);',
      ].join('\n'),
    );
  });

  it('a plain CREATE when the index does not exist; no GRIDS for GEOMETRY_AUTO_GRID', () => {
    const plain = rebuildSpatialIndexDdl(runbook, { ...grid, padIndex: false }, { dropExisting: false });
    expect(plain).not.toContain('DROP_EXISTING');
    expect(plain).toContain('PAD_INDEX = OFF);');
    const auto = rebuildSpatialIndexDdl(
      runbook,
      { ...grid, scheme: 'GEOMETRY_AUTO_GRID' },
      { dropExisting: true },
    );
    expect(auto).toContain('USING GEOMETRY_AUTO_GRID');
    expect(auto).not.toContain('GRIDS');
    for (const kw of ['ONLINE', 'MAXDOP']) expect(auto).not.toContain(kw);
  });

  it('quotes mapped names and refuses what T-SQL would reject', () => {
    const odd = { ...runbook, spatialIndex: 'IX]x', embeddingsTable: 'T]' };
    expect(rebuildSpatialIndexDdl(odd, grid, { dropExisting: true })).toContain(
      'CREATE SPATIAL INDEX [IX]]x]\n    ON [dbo].[T]]]',
    );
    expect(() =>
      rebuildSpatialIndexDdl(runbook, { ...grid, boundingBox: [1, 0, 1, 1] }, { dropExisting: true }),
    ).toThrow(RangeError);
    expect(() =>
      rebuildSpatialIndexDdl(runbook, { ...grid, cellsPerObject: 8193 }, { dropExisting: true }),
    ).toThrow(RangeError);
    expect(() =>
      rebuildSpatialIndexDdl(
        runbook,
        { ...grid, grids: ['HUGE', 'LOW', 'LOW', 'LOW'] as never },
        {
          dropExisting: true,
        },
      ),
    ).toThrow(/not one of/);
  });
});

describe('index size', () => {
  it('reads the internal table of the spatial index from catalog views, names as parameters', () => {
    const q = spatialIndexSizeQuery(runbook);
    expect(q.text).toContain('t.internal_type = 207');
    expect(q.text).toContain('t.parent_id = @obj AND t.parent_minor_id = @ix');
    expect(q.text).toContain('i.type = 4');
    expect(q.text).toContain('CASE au.type WHEN 2 THEN p.partition_id ELSE p.hobt_id END');
    expect(q.text).not.toContain('dm_db_partition_stats');
    expect(q.params).toEqual([
      { name: 'table', type: 'nvarchar', value: '[dbo].[AtomEmbeddings]' },
      { name: 'index', type: 'sysname', value: 'IX_AtomEmbeddings_SpatialGeometry' },
    ]);
    // every @variable used is declared or bound
    const bound = new Set(['obj', 'ix', ...q.params.map((p) => p.name)]);
    for (const m of q.text.matchAll(/@(\w+)/g)) expect(bound).toContain(m[1]);
  });

  it('turns the row into bytes (bigint sums arrive as strings)', () => {
    expect(
      spatialIndexSize({
        IndexId: 5,
        InternalTables: 1,
        IndexRows: '1000000',
        ReservedPages: '4000',
        UsedPages: 3900,
      }),
    ).toEqual({
      rows: 1_000_000,
      reservedPages: 4000,
      usedPages: 3900,
      reservedBytes: 4000 * PAGE_BYTES,
      usedBytes: 3900 * PAGE_BYTES,
    });
    expect(
      spatialIndexSize({
        IndexId: null,
        InternalTables: 0,
        IndexRows: null,
        ReservedPages: null,
        UsedPages: null,
      }),
    ).toBeUndefined();
    expect(spatialIndexSize(undefined)).toBeUndefined();
  });
});

describe('deployed index', () => {
  it('maps sys.spatial_index_tessellations back to a config (NULL grids for the auto grid)', () => {
    const row = {
      tessellation_scheme: 'GEOMETRY_GRID',
      bounding_box_xmin: -1000,
      bounding_box_ymin: -1000,
      bounding_box_xmax: 1000,
      bounding_box_ymax: 1000,
      level_1_grid_desc: 'LOW',
      level_2_grid_desc: 'MEDIUM',
      level_3_grid_desc: 'HIGH',
      level_4_grid_desc: 'HIGH',
      cells_per_object: 16,
      is_padded: true,
    };
    expect(configFromTessellation(row)).toEqual({
      scheme: 'GEOMETRY_GRID',
      boundingBox: [-1000, -1000, 1000, 1000],
      grids: ['LOW', 'MEDIUM', 'HIGH', 'HIGH'],
      cellsPerObject: 16,
      padIndex: true,
    });
    const auto = configFromTessellation({
      ...row,
      tessellation_scheme: 'GEOMETRY_AUTO_GRID',
      level_1_grid_desc: null,
      is_padded: false,
    });
    expect(auto.scheme).toBe('GEOMETRY_AUTO_GRID');
    expect(auto.padIndex).toBe(false);
  });
});
