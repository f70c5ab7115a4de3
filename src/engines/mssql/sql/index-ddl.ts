/**
 * CREATE SPATIAL INDEX from the scenario's index config (SD:docs/t-sql/statements/create-spatial-index-transact-sql.md):
 *   GEOMETRY_GRID:      WITH (BOUNDING_BOX = (xmin, ymin, xmax, ymax), GRIDS = (LEVEL_1 = .., LEVEL_4 = ..),
 *                             CELLS_PER_OBJECT = n, PAD_INDEX = ON|OFF)
 *   GEOMETRY_AUTO_GRID: WITH (BOUNDING_BOX = (...), CELLS_PER_OBJECT = n, PAD_INDEX = ...)   -- GRIDS not allowed
 * BOUNDING_BOX is required for geometry (no default); CELLS_PER_OBJECT 1..8192; every option at most once.
 * The build is single-threaded (MAXDOP is accepted but ignored) and takes Sch-M on the table; ONLINE = ON
 * is an error, so it is never emitted. The table needs a clustered primary key (it has one).
 */
import type { ObjectNames } from '../../../scenario/names.ts';
import {
  GRID_DENSITIES,
  gridIndexProblems,
  SPATIAL_INDEX_SCHEMES,
  type GridIndexConfig,
} from '../../../model/index-config.ts';
import { qualifiedName, quoteName, sqlKeyword, sqlNumber } from './identifiers.ts';
import { secondaryIndexName } from './object-names.ts';

/** The index as SQL Server builds it (src/model/index-config.ts). */
export type IndexConfig = GridIndexConfig;

export interface SpatialIndexSpec {
  name: string;
  column: string;
  config: IndexConfig;
}

/** CREATE SPATIAL INDEX options: DROP_EXISTING = ON replaces an existing index in one statement. */
export interface CreateIndexOptions {
  dropExisting?: boolean;
}

/**
 * Every option once (the page's Remarks: a duplicate is an error); never ONLINE (ON is an error for
 * spatial indexes) or MAXDOP (ignored). GEOMETRY_AUTO_GRID takes no GRIDS clause.
 */
export function createSpatialIndexDdl(
  names: ObjectNames,
  spec: SpatialIndexSpec,
  o: CreateIndexOptions = {},
): string {
  const c = spec.config;
  const scheme = sqlKeyword(c.scheme, SPATIAL_INDEX_SCHEMES);
  const problems = gridIndexProblems(c);
  if (problems.length) throw new RangeError(problems.join('; '));
  const [xmin, ymin, xmax, ymax] = c.boundingBox;
  const options = [`BOUNDING_BOX = (${[xmin, ymin, xmax, ymax].map(sqlNumber).join(', ')})`];
  if (scheme === 'GEOMETRY_GRID') {
    const levels = c.grids.map((g, i) => `LEVEL_${i + 1} = ${sqlKeyword(g, GRID_DENSITIES)}`);
    options.push(`GRIDS = (${levels.join(', ')})`);
  }
  options.push(`CELLS_PER_OBJECT = ${sqlNumber(c.cellsPerObject)}`);
  options.push(`PAD_INDEX = ${c.padIndex ? 'ON' : 'OFF'}`);
  if (o.dropExisting) options.push('DROP_EXISTING = ON');
  return [
    `CREATE SPATIAL INDEX ${quoteName(spec.name)}`,
    `    ON ${qualifiedName(names.schema, names.embeddingsTable)} (${quoteName(spec.column)})`,
    `    USING ${scheme}`,
    `    WITH (${options.join(',\n          ')});`,
  ].join('\n');
}

/** DROP INDEX IF EXISTS (SQL Server 2016+): SD:docs/t-sql/statements/drop-index-transact-sql.md. */
export function dropIndexDdl(names: ObjectNames, indexName: string): string {
  return `DROP INDEX IF EXISTS ${quoteName(indexName)} ON ${qualifiedName(names.schema, names.embeddingsTable)};`;
}

export function mainIndexSpec(names: ObjectNames, index: IndexConfig): SpatialIndexSpec {
  return { name: names.spatialIndex, column: names.geometryColumn, config: index };
}

/**
 * The secondary indexes on the coarse column, so the runbook's ">= 10 spatial indexes" check can be
 * met. Varied like the runbook-era deployment (grids LOW..HIGH, boxes from +-1 to +-1e7, 8-16 cells per
 * object); deterministic in i so two runs build the same set.
 */
export function secondaryIndexSpecs(names: ObjectNames, count: number): SpatialIndexSpec[] {
  const gridSets: IndexConfig['grids'][] = [
    ['LOW', 'LOW', 'LOW', 'LOW'],
    ['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM'],
    ['HIGH', 'HIGH', 'HIGH', 'HIGH'],
    ['LOW', 'LOW', 'MEDIUM', 'HIGH'],
  ];
  const cells = [8, 12, 16];
  const specs: SpatialIndexSpec[] = [];
  for (let i = 0; i < count; i++) {
    const half = 10 ** (i % 8);
    specs.push({
      name: secondaryIndexName(names, i),
      column: names.coarseColumn,
      config: {
        scheme: 'GEOMETRY_GRID',
        boundingBox: [-half, -half, half, half],
        grids: gridSets[i % gridSets.length]!,
        cellsPerObject: cells[i % cells.length]!,
        padIndex: false,
      },
    });
  }
  return specs;
}
