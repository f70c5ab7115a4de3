/**
 * Catalog queries: does an object exist, what does atombench own, what does the meta row say. All
 * names travel as parameters here (catalog views compare names as values), none is spliced.
 *   OBJECT_ID(N'[schema].[name]', type): SD:docs/t-sql/functions/object-id-transact-sql.md ('U' table, 'SQ' service queue)
 *   sys.services / sys.service_contracts / sys.service_message_types: name columns, one row per object.
 *   sys.spatial_index_tessellations: SD:docs/relational-databases/system-catalog-views/sys-spatial-index-tessellations-transact-sql.md
 *   sys.internal_tables: learn.microsoft.com/sql/relational-databases/system-catalog-views/sys-internal-tables-transact-sql
 *     (internal_type 207 = extended_indexes "such as a spatial index"; parent_id = its object_id,
 *     parent_minor_id = its index_id)
 *   sys.dm_db_partition_stats: learn.microsoft.com/sql/relational-databases/system-dynamic-management-views/sys-dm-db-partition-stats-transact-sql
 *     (used_page_count = in-row + LOB + row-overflow pages in use, IAM and non-leaf pages included;
 *     a page is 8 KB)
 */
import type { ObjectNames } from '../../../scenario/names.ts';
import { qualifiedName } from './identifiers.ts';
import { META_TABLE, OBJECTS_TABLE } from './object-names.ts';
import { param, type SqlStatement } from './statement.ts';
import type { IndexConfig } from './index-ddl.ts';
import type { ObjectKind } from './template.ts';

/** SELECT CAST(1/0 AS bit) AS Present for one object of a kind. */
export function existsQuery(kind: ObjectKind, schema: string, name: string): SqlStatement {
  switch (kind) {
    case 'table':
      return {
        text: "SELECT CAST(CASE WHEN OBJECT_ID(@qname, N'U') IS NULL THEN 0 ELSE 1 END AS bit) AS Present;",
        params: [param('qname', 'nvarchar', qualifiedName(schema, name))],
      };
    case 'queue':
      return {
        text: "SELECT CAST(CASE WHEN OBJECT_ID(@qname, N'SQ') IS NULL THEN 0 ELSE 1 END AS bit) AS Present;",
        params: [param('qname', 'nvarchar', qualifiedName(schema, name))],
      };
    case 'procedure':
      return {
        text: "SELECT CAST(CASE WHEN OBJECT_ID(@qname, N'P') IS NULL THEN 0 ELSE 1 END AS bit) AS Present;",
        params: [param('qname', 'nvarchar', qualifiedName(schema, name))],
      };
    case 'service':
      return catalogByName('sys.services', name);
    case 'contract':
      return catalogByName('sys.service_contracts', name);
    case 'messageType':
      return catalogByName('sys.service_message_types', name);
  }
}

function catalogByName(view: string, name: string): SqlStatement {
  return {
    text: `SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM ${view} WHERE name = @name) THEN 1 ELSE 0 END AS bit) AS Present;`,
    params: [param('name', 'nvarchar', name)],
  };
}

/** The database the connection is in (database_id 1-4 are master, tempdb, model, msdb). */
export const CURRENT_DATABASE_SQL = 'SELECT DB_ID() AS DatabaseId, DB_NAME() AS DatabaseName;';

/** Non-system user tables and service queues: zero of both means atombench found the database empty. */
export const USER_OBJECT_COUNT_SQL = `SELECT
  (SELECT COUNT(*) FROM sys.tables WHERE is_ms_shipped = 0) AS UserTables,
  (SELECT COUNT(*) FROM sys.service_queues WHERE is_ms_shipped = 0) AS UserQueues;`;

export function ownedObjectsQuery(schema: string): SqlStatement {
  return { text: `SELECT Kind, Name FROM ${qualifiedName(schema, OBJECTS_TABLE)};`, params: [] };
}

export function recordOwnedSql(schema: string): string {
  return `INSERT INTO ${qualifiedName(schema, OBJECTS_TABLE)} (Kind, Name) VALUES (@ownKind, @ownName);`;
}

export function forgetOwnedQuery(schema: string, kind: ObjectKind, name: string): SqlStatement {
  return {
    text: `DELETE FROM ${qualifiedName(schema, OBJECTS_TABLE)} WHERE Kind = @kind AND Name = @name;`,
    params: [param('kind', 'nvarchar', kind), param('name', 'nvarchar', name)],
  };
}

export interface MetaRow {
  OwnsDatabase: boolean;
  DatasetKey: string | null;
  PendingDatasetKey: string | null;
  SeededRows: number | string;
  IndexBuilt: boolean;
}

export function readMetaQuery(schema: string): SqlStatement {
  return {
    text: `SELECT OwnsDatabase, DatasetKey, PendingDatasetKey, SeededRows, IndexBuilt FROM ${qualifiedName(schema, META_TABLE)} WHERE MetaId = 1;`,
    params: [],
  };
}

export function insertMetaQuery(schema: string, ownsDatabase: boolean): SqlStatement {
  return {
    text: `INSERT INTO ${qualifiedName(schema, META_TABLE)} (MetaId, SchemaVersion, OwnsDatabase) VALUES (1, 1, @owns);`,
    params: [param('owns', 'bit', ownsDatabase)],
  };
}

type MetaField = 'DatasetKey' | 'PendingDatasetKey' | 'SeededRows' | 'IndexBuilt';
const META_TYPES = {
  DatasetKey: 'nvarchar',
  PendingDatasetKey: 'nvarchar',
  SeededRows: 'bigint',
  IndexBuilt: 'bit',
} as const;

/** UPDATE the meta row; field names come from a fixed list, values are parameters. */
export function updateMetaQuery(
  schema: string,
  fields: Partial<Record<MetaField, string | number | boolean | null>>,
): SqlStatement {
  const entries = Object.entries(fields) as [MetaField, string | number | boolean | null][];
  return {
    text: `UPDATE ${qualifiedName(schema, META_TABLE)} SET ${entries.map(([k]) => `${k} = @${k}`).join(', ')}, UpdatedAt = SYSUTCDATETIME() WHERE MetaId = 1;`,
    params: entries.map(([k, v]) => param(k, META_TYPES[k], v)),
  };
}

/** Does the index exist on the embeddings table (any type)? */
export function indexExistsQuery(names: ObjectNames, indexName: string): SqlStatement {
  return {
    text: 'SELECT CAST(CASE WHEN EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(@table) AND name = @index) THEN 1 ELSE 0 END AS bit) AS Present;',
    params: [
      param('table', 'nvarchar', qualifiedName(names.schema, names.embeddingsTable)),
      param('index', 'sysname', indexName),
    ],
  };
}

/** The deployed tessellation of a spatial index (attach mode's fingerprint shows what is really there). */
export function tessellationQuery(names: ObjectNames, indexName: string): SqlStatement {
  return {
    text: `SELECT t.tessellation_scheme, t.bounding_box_xmin, t.bounding_box_ymin, t.bounding_box_xmax, t.bounding_box_ymax,
       t.level_1_grid_desc, t.level_2_grid_desc, t.level_3_grid_desc, t.level_4_grid_desc, t.cells_per_object,
       i.is_padded
FROM sys.spatial_index_tessellations AS t
JOIN sys.indexes AS i ON i.object_id = t.object_id AND i.index_id = t.index_id
WHERE t.object_id = OBJECT_ID(@table) AND i.name = @index;`,
    params: [
      param('table', 'nvarchar', qualifiedName(names.schema, names.embeddingsTable)),
      param('index', 'sysname', indexName),
    ],
  };
}

/**
 * Bytes of the main spatial index as stored: a spatial index lives in an internal table of its own
 * (sys.internal_tables internal_type 207, EXTENDED_INDEXES, parented by the base table's object_id and
 * the index's index_id); its pages in use over every partition of that table (its clustered index and
 * any other), times 8192. NULL when the index does not exist: SUM over no rows.
 */
export function spatialIndexBytesQuery(names: ObjectNames): SqlStatement {
  return {
    text: `SELECT CAST(SUM(ps.used_page_count) AS bigint) * 8192 AS Bytes
FROM sys.indexes AS i
JOIN sys.internal_tables AS it
  ON it.parent_id = i.object_id AND it.parent_minor_id = i.index_id AND it.internal_type = 207
JOIN sys.dm_db_partition_stats AS ps ON ps.object_id = it.object_id
WHERE i.object_id = OBJECT_ID(@table) AND i.name = @index;`,
    params: [
      param('table', 'nvarchar', qualifiedName(names.schema, names.embeddingsTable)),
      param('index', 'sysname', names.spatialIndex),
    ],
  };
}

/** Approximate row count of a table from sys.partitions (cheap; attach mode's "seeded rows"). */
export function rowCountQuery(schema: string, table: string): SqlStatement {
  return {
    text: 'SELECT COALESCE(SUM(p.rows), 0) AS n FROM sys.partitions AS p WHERE p.object_id = OBJECT_ID(@table) AND p.index_id IN (0, 1);',
    params: [param('table', 'nvarchar', qualifiedName(schema, table))],
  };
}

/** A row of tessellationQuery: sys.spatial_index_tessellations of one index. */
export interface TessellationRow {
  tessellation_scheme: string;
  bounding_box_xmin: number;
  bounding_box_ymin: number;
  bounding_box_xmax: number;
  bounding_box_ymax: number;
  level_1_grid_desc: string | null;
  level_2_grid_desc: string | null;
  level_3_grid_desc: string | null;
  level_4_grid_desc: string | null;
  cells_per_object: number;
  is_padded: boolean;
}

/** The deployed index as an IndexConfig (what rebuildSpatialIndexDdl needs to recreate it). */
export function configFromTessellation(t: TessellationRow): IndexConfig {
  const grid = (g: string | null): 'LOW' | 'MEDIUM' | 'HIGH' => (g === 'LOW' || g === 'HIGH' ? g : 'MEDIUM');
  return {
    scheme: t.tessellation_scheme === 'GEOMETRY_AUTO_GRID' ? 'GEOMETRY_AUTO_GRID' : 'GEOMETRY_GRID',
    boundingBox: [
      Number(t.bounding_box_xmin),
      Number(t.bounding_box_ymin),
      Number(t.bounding_box_xmax),
      Number(t.bounding_box_ymax),
    ],
    grids: [
      grid(t.level_1_grid_desc),
      grid(t.level_2_grid_desc),
      grid(t.level_3_grid_desc),
      grid(t.level_4_grid_desc),
    ],
    cellsPerObject: Number(t.cells_per_object),
    padIndex: t.is_padded === true,
  };
}
