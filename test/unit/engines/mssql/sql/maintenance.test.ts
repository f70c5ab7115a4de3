import { describe, expect, it } from 'vitest';
import { maintenanceSql } from '../../../../../src/engines/mssql/sql/dialect-maintenance.ts';
import { postgisIds, postgisMaintenanceSql } from '../../../../../src/engines/postgis/dialect.ts';
import { NAME_PRESETS } from '../../../../../src/scenario/names.ts';

describe('maintenance statements', () => {
  it('SQL Server: UPDATE STATISTICS ... WITH FULLSCAN on both tables; an offline ALTER INDEX ... REBUILD', () => {
    expect(maintenanceSql(NAME_PRESETS.runbook!, 'statistics')).toEqual([
      'UPDATE STATISTICS [dbo].[Atoms] WITH FULLSCAN;',
      'UPDATE STATISTICS [dbo].[AtomEmbeddings] WITH FULLSCAN;',
    ]);
    expect(maintenanceSql(NAME_PRESETS.runbook!, 'rebuild')).toEqual([
      'ALTER INDEX [IX_AtomEmbeddings_SpatialGeometry] ON [dbo].[AtomEmbeddings] REBUILD;',
    ]);
    expect(maintenanceSql(NAME_PRESETS.head!, 'rebuild')).toEqual([
      'ALTER INDEX [SIX_AtomEmbedding_SpatialKey] ON [dbo].[AtomEmbedding] REBUILD;',
    ]);
    expect(maintenanceSql({ ...NAME_PRESETS.runbook!, atomsTable: 'A]b' }, 'statistics')[0]).toBe(
      'UPDATE STATISTICS [dbo].[A]]b] WITH FULLSCAN;',
    );
  });

  it('PostGIS: ANALYZE both tables; REINDEX INDEX CONCURRENTLY, never in a transaction', () => {
    const ids = postgisIds(NAME_PRESETS.runbook!);
    expect(postgisMaintenanceSql(ids, 'statistics')).toEqual(['ANALYZE "Atoms"', 'ANALYZE "AtomEmbeddings"']);
    expect(postgisMaintenanceSql(ids, 'rebuild')).toEqual([
      'REINDEX INDEX CONCURRENTLY "IX_AtomEmbeddings_SpatialGeometry"',
    ]);
  });
});
