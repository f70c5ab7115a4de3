/**
 * T-SQL of the measured tune sweep (atombench tune --engine mssql): rebuild the main spatial index with
 * another grid configuration, and read how big the index is. Pure builders, unit-tested; the sweep's
 * target (tune-target.ts) binds and runs them. Reused from elsewhere, not repeated here: the deployed
 * tessellation (catalog.ts tessellationQuery), ownership (catalog.ts existsQuery / ownedObjectsQuery),
 * the IndexBuilt flag (catalog.ts updateMetaQuery) and the primary filter (primary-filter.ts).
 *
 * Rebuild (SD:docs/t-sql/statements/create-spatial-index-transact-sql.md, DROP_EXISTING and example D
 * "Changing an option that is specific to spatial indexes"; SD:docs/relational-databases/spatial/create-modify-and-drop-spatial-indexes.md:
 * "To change options that are specific to a spatial index, such as BOUNDING_BOX or GRID, you can either
 * use a CREATE SPATIAL INDEX statement that specifies DROP_EXISTING = ON, or drop the spatial index and
 * create a new one"). One statement, so a configuration the server rejects leaves the old index in place
 * (a failed statement is rolled back). "The index type cannot be changed by using DROP_EXISTING": the
 * type stays SPATIAL; whether the tessellation scheme (GEOMETRY_AUTO_GRID <-> GEOMETRY_GRID) may change
 * under DROP_EXISTING is UNCONFIRMED, so restoring an AUTO_GRID index is the integration test's business.
 * The build is single-threaded ("CREATE SPATIAL INDEX currently always uses only a single processor")
 * and holds a Sch-M lock on the table ("prevents all user access to the underlying table").
 *
 * Size: a spatial index is stored as an internal table (SD:docs/relational-databases/system-catalog-views/sys-internal-tables-transact-sql.md:
 * internal_type 207 = extended_indexes "such as a spatial index", parent_id = object_id, parent_minor_id
 * = index_id of the index), whose pages are counted like any table's: sys.partitions (rows, approximate)
 * and sys.allocation_units joined on container_id = hobt_id for in-row / row-overflow (type 1, 3) and
 * partition_id for LOB (type 2) (example F of that page; SD:docs/relational-databases/system-catalog-views/sys-allocation-units-transact-sql.md,
 * which needs only public-role metadata visibility, unlike sys.dm_db_partition_stats's VIEW DATABASE
 * STATE). sys.indexes type 4 = Spatial (SD:docs/relational-databases/system-catalog-views/sys-indexes-transact-sql.md).
 * Pages are 8 KB. Right after a rebuild the old pages may still be counted (deferred drop, noted on the
 * sys.allocation_units page), so the target reads the size after the queries, not right after the build.
 */
import type { ObjectNames } from '../../../scenario/names.ts';
import { qualifiedName } from '../sql/identifiers.ts';
import { createSpatialIndexDdl, mainIndexSpec, type IndexConfig } from '../sql/index-ddl.ts';
import { param, type SqlStatement } from '../sql/statement.ts';

export const PAGE_BYTES = 8192;

export interface RebuildOptions {
  /** DROP_EXISTING = ON: the index exists and is replaced in one statement; off: a plain CREATE. */
  dropExisting: boolean;
}

/** CREATE SPATIAL INDEX <main index> with configuration `c` (index-ddl.ts builds and checks it). */
export function rebuildSpatialIndexDdl(names: ObjectNames, c: IndexConfig, o: RebuildOptions): string {
  return createSpatialIndexDdl(names, mainIndexSpec(names, c), o);
}

/** One row: IndexId (NULL when there is no such spatial index), IndexRows, ReservedPages, UsedPages. */
export interface IndexSizeRow {
  IndexId: number | null;
  InternalTables: number;
  IndexRows: number | string | null;
  ReservedPages: number | string | null;
  UsedPages: number | string | null;
}

/** Rows and pages of the spatial index's internal table(s); names travel as parameters. */
export function spatialIndexSizeQuery(names: ObjectNames): SqlStatement {
  return {
    text: `SET NOCOUNT ON;
DECLARE @obj int = OBJECT_ID(@table);
DECLARE @ix int = (SELECT i.index_id FROM sys.indexes AS i WHERE i.object_id = @obj AND i.name = @index AND i.type = 4);
WITH it AS (
  SELECT t.object_id FROM sys.internal_tables AS t
  WHERE t.parent_id = @obj AND t.parent_minor_id = @ix AND t.internal_type = 207
)
SELECT @ix AS IndexId,
       (SELECT COUNT(*) FROM it) AS InternalTables,
       (SELECT SUM(p.rows) FROM sys.partitions AS p JOIN it ON p.object_id = it.object_id
         WHERE p.index_id IN (0, 1)) AS IndexRows,
       (SELECT SUM(au.total_pages) FROM sys.partitions AS p JOIN it ON p.object_id = it.object_id
         JOIN sys.allocation_units AS au
           ON au.container_id = CASE au.type WHEN 2 THEN p.partition_id ELSE p.hobt_id END) AS ReservedPages,
       (SELECT SUM(au.used_pages) FROM sys.partitions AS p JOIN it ON p.object_id = it.object_id
         JOIN sys.allocation_units AS au
           ON au.container_id = CASE au.type WHEN 2 THEN p.partition_id ELSE p.hobt_id END) AS UsedPages;`,
    params: [
      param('table', 'nvarchar', qualifiedName(names.schema, names.embeddingsTable)),
      param('index', 'sysname', names.spatialIndex),
    ],
  };
}

export interface SpatialIndexSize {
  /** Rows of the internal table: one per (object, cell) pair. */
  rows: number;
  reservedPages: number;
  usedPages: number;
  reservedBytes: number;
  usedBytes: number;
}

/** The size from the query's row; undefined when the index or its internal table is not there. */
export function spatialIndexSize(row: IndexSizeRow | undefined): SpatialIndexSize | undefined {
  if (!row || row.IndexId === null || row.IndexId === undefined || Number(row.InternalTables) < 1)
    return undefined;
  const n = (v: number | string | null) => (v === null ? 0 : Number(v));
  const reservedPages = n(row.ReservedPages);
  const usedPages = n(row.UsedPages);
  return {
    rows: n(row.IndexRows),
    reservedPages,
    usedPages,
    reservedBytes: reservedPages * PAGE_BYTES,
    usedBytes: usedPages * PAGE_BYTES,
  };
}
