/**
 * Index maintenance as Hartonomous's Act phase and the runbook's "Slow Spatial Queries" fix run it
 * (scenario `maintenance:`), on the engine's maintenance connection (no request timeout: a FULLSCAN or a
 * rebuild of a large index takes as long as it takes).
 * - statistics: UPDATE STATISTICS <table> WITH FULLSCAN on Atoms and AtomEmbeddings
 *   (SD:docs/t-sql/statements/update-statistics-transact-sql.md: FULLSCAN reads every row).
 * - rebuild: ALTER INDEX <spatial index> ON <embeddings> REBUILD (SD:docs/t-sql/statements/alter-index-transact-sql.md),
 *   offline: a spatial index is built with ONLINE = OFF only (create-spatial-index-transact-sql.md,
 *   reference/sqlserver-facts.md), so no ONLINE option is written; the rebuild holds the table's locks
 *   for its duration, which is the interference the windows measure.
 */
import type { ObjectNames } from '../../../scenario/names.ts';
import { qualifiedName, quoteName } from './identifiers.ts';

export function maintenanceSql(names: ObjectNames, kind: 'statistics' | 'rebuild'): string[] {
  const embeddings = qualifiedName(names.schema, names.embeddingsTable);
  if (kind === 'statistics')
    return [
      `UPDATE STATISTICS ${qualifiedName(names.schema, names.atomsTable)} WITH FULLSCAN;`,
      `UPDATE STATISTICS ${embeddings} WITH FULLSCAN;`,
    ];
  return [`ALTER INDEX ${quoteName(names.spatialIndex)} ON ${embeddings} REBUILD;`];
}
