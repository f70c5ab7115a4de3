import { describe, expect, it } from 'vitest';
import { NAME_PRESETS } from '../../../../../src/scenario/names.ts';
import { indexSchema } from '../../../../../src/scenario/index-schema.ts';
import {
  createSpatialIndexDdl,
  dropIndexDdl,
  mainIndexSpec,
  secondaryIndexSpecs,
} from '../../../../../src/engines/mssql/sql/index-ddl.ts';

const runbook = NAME_PRESETS.runbook!;
const head = NAME_PRESETS.head!;

describe('CREATE SPATIAL INDEX', () => {
  it('runbook index: GEOMETRY_GRID, +-1000 box, MEDIUM x4, 16 cells, PAD_INDEX', () => {
    const ddl = createSpatialIndexDdl(runbook, mainIndexSpec(runbook, indexSchema.parse({})));
    expect(ddl).toBe(
      [
        'CREATE SPATIAL INDEX [IX_AtomEmbeddings_SpatialGeometry]',
        '    ON [dbo].[AtomEmbeddings] ([SpatialGeometry])',
        '    USING GEOMETRY_GRID',
        '    WITH (BOUNDING_BOX = (-1000, -1000, 1000, 1000),',
        '          GRIDS = (LEVEL_1 = MEDIUM, LEVEL_2 = MEDIUM, LEVEL_3 = MEDIUM, LEVEL_4 = MEDIUM),',
        '          CELLS_PER_OBJECT = 16,',
        '          PAD_INDEX = ON);',
      ].join('\n'),
    );
  });

  it('HEAD index: (-1,-1,1,1), (LOW, LOW, MEDIUM, HIGH)', () => {
    const cfg = indexSchema.parse({
      boundingBox: [-1, -1, 1, 1],
      grids: ['LOW', 'LOW', 'MEDIUM', 'HIGH'],
      padIndex: false,
    });
    const ddl = createSpatialIndexDdl(head, mainIndexSpec(head, cfg));
    expect(ddl).toContain(
      'CREATE SPATIAL INDEX [SIX_AtomEmbedding_SpatialKey]\n    ON [dbo].[AtomEmbedding] ([SpatialKey])',
    );
    expect(ddl).toContain('BOUNDING_BOX = (-1, -1, 1, 1)');
    expect(ddl).toContain('GRIDS = (LEVEL_1 = LOW, LEVEL_2 = LOW, LEVEL_3 = MEDIUM, LEVEL_4 = HIGH)');
    expect(ddl).toContain('PAD_INDEX = OFF');
  });

  it('GEOMETRY_AUTO_GRID takes no GRIDS', () => {
    const cfg = indexSchema.parse({ scheme: 'GEOMETRY_AUTO_GRID', cellsPerObject: 8 });
    const ddl = createSpatialIndexDdl(runbook, mainIndexSpec(runbook, cfg));
    expect(ddl).toContain('USING GEOMETRY_AUTO_GRID');
    expect(ddl).not.toContain('GRIDS');
    expect(ddl).toContain('BOUNDING_BOX = (-1000, -1000, 1000, 1000)');
    expect(ddl).toContain('CELLS_PER_OBJECT = 8');
  });

  it('never emits ONLINE = ON or an option twice', () => {
    const ddl = createSpatialIndexDdl(runbook, mainIndexSpec(runbook, indexSchema.parse({})));
    expect(ddl).not.toContain('ONLINE');
    for (const opt of ['BOUNDING_BOX', 'GRIDS', 'CELLS_PER_OBJECT', 'PAD_INDEX'])
      expect(ddl.split(opt).length).toBe(2);
  });

  it('rejects configs the server would reject', () => {
    const base = indexSchema.parse({});
    expect(() =>
      createSpatialIndexDdl(runbook, mainIndexSpec(runbook, { ...base, boundingBox: [1, 0, 1, 2] })),
    ).toThrow(/BOUNDING_BOX/);
    expect(() =>
      createSpatialIndexDdl(runbook, mainIndexSpec(runbook, { ...base, cellsPerObject: 9000 })),
    ).toThrow(/CELLS_PER_OBJECT/);
    expect(() =>
      createSpatialIndexDdl(
        runbook,
        mainIndexSpec(runbook, { ...base, grids: ['LOW', 'LOW', 'LOW', 'X' as 'LOW'] }),
      ),
    ).toThrow();
  });

  it('secondary indexes on the coarse column, varied and deterministic', () => {
    const specs = secondaryIndexSpecs(runbook, 10);
    expect(specs).toHaveLength(10);
    expect(new Set(specs.map((s) => s.name)).size).toBe(10);
    expect(specs[0]!.name).toBe('IX_AtomEmbeddings_SpatialCoarse_01');
    expect(specs.every((s) => s.column === 'SpatialCoarse')).toBe(true);
    expect(specs.map((s) => s.config.boundingBox[2])).toEqual([1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1, 10]);
    expect(createSpatialIndexDdl(runbook, specs[7]!)).toContain(
      'BOUNDING_BOX = (-10000000, -10000000, 10000000, 10000000)',
    );
    expect(secondaryIndexSpecs(runbook, 0)).toEqual([]);
  });

  it('DROP INDEX IF EXISTS on the embeddings table', () => {
    expect(dropIndexDdl(runbook, 'IX_x')).toBe('DROP INDEX IF EXISTS [IX_x] ON [dbo].[AtomEmbeddings];');
  });
});
