/**
 * Build the spatial indexes after the load: the main index from the scenario's index config, then
 * index.secondaryIndexes on the coarse column. Each is dropped first if present (the table is
 * atombench's, checked by prepare), so a changed grid config takes effect. The build is
 * single-threaded in SQL Server and holds Sch-M on the table; its wall time is the reported build time
 * (the main index only; the secondary ones are timed apart).
 */
import type sql from 'mssql';
import type { ObjectNames } from '../../../scenario/names.ts';
import type { IndexBuildOutcome } from '../../types.ts';
import { isPermissionError } from '../error-class.ts';
import {
  configFromTessellation,
  spatialIndexBytesQuery,
  tessellationQuery,
  updateMetaQuery,
  type TessellationRow,
} from '../sql/catalog.ts';
import {
  createSpatialIndexDdl,
  dropIndexDdl,
  mainIndexSpec,
  secondaryIndexSpecs,
  type IndexConfig,
  type SpatialIndexSpec,
} from '../sql/index-ddl.ts';
import { exec, rows } from '../sql/statement.ts';

export interface IndexBuildResult extends IndexBuildOutcome {
  secondaryDurationMs: number;
  secondaryCount: number;
}

async function build(pool: sql.ConnectionPool, names: ObjectNames, spec: SpatialIndexSpec): Promise<number> {
  await exec(pool, { text: dropIndexDdl(names, spec.name), params: [] });
  const started = performance.now();
  await exec(pool, { text: createSpatialIndexDdl(names, spec), params: [] });
  return performance.now() - started;
}

export async function buildSpatialIndexes(
  pool: sql.ConnectionPool,
  names: ObjectNames,
  index: IndexConfig & { secondaryIndexes: number },
): Promise<IndexBuildResult> {
  const main = mainIndexSpec(names, index);
  await exec(pool, updateMetaQuery(names.schema, { IndexBuilt: false }));
  const durationMs = await build(pool, names, main);
  let secondaryDurationMs = 0;
  const secondary = secondaryIndexSpecs(names, index.secondaryIndexes);
  for (const spec of secondary) secondaryDurationMs += await build(pool, names, spec);
  await exec(pool, updateMetaQuery(names.schema, { IndexBuilt: true }));
  return {
    durationMs,
    ddl: createSpatialIndexDdl(names, main),
    secondaryDurationMs,
    secondaryCount: secondary.length,
  };
}

/** The DDL of the index as it is deployed (attach mode), or undefined if it does not exist. */
export async function deployedIndexDdl(
  pool: sql.ConnectionPool,
  names: ObjectNames,
): Promise<string | undefined> {
  const t = rows<TessellationRow>(await exec(pool, tessellationQuery(names, names.spatialIndex)))[0];
  if (!t) return undefined;
  const config = configFromTessellation(t);
  return `-- as deployed (sys.spatial_index_tessellations)\n${createSpatialIndexDdl(names, mainIndexSpec(names, config))}`;
}

/**
 * Bytes of the main spatial index's internal table (catalog.ts spatialIndexBytesQuery); undefined when
 * the index does not exist, or the login may not read sys.dm_db_partition_stats (VIEW DATABASE STATE;
 * SQL Server 2022: VIEW DATABASE PERFORMANCE STATE): then the size is "n/a", the run goes on.
 */
export async function spatialIndexBytes(
  pool: sql.ConnectionPool,
  names: ObjectNames,
): Promise<number | undefined> {
  try {
    const b = rows<{ Bytes: number | string | null }>(await exec(pool, spatialIndexBytesQuery(names)))[0]?.Bytes;
    return b == null ? undefined : Number(b);
  } catch (e) {
    if (isPermissionError(e)) return undefined;
    throw e;
  }
}
