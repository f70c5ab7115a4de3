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
import type { Scenario } from '../../../scenario/schema.ts';
import { qualifiedName, quoteName, sqlKeyword, sqlNumber } from './identifiers.ts';
import { secondaryIndexName } from './object-names.ts';

export type IndexConfig = Pick<
  Scenario['index'],
  'scheme' | 'boundingBox' | 'grids' | 'cellsPerObject' | 'padIndex'
>;

const GRID_SIZES = ['LOW', 'MEDIUM', 'HIGH'] as const;
const SCHEMES = ['GEOMETRY_GRID', 'GEOMETRY_AUTO_GRID'] as const;

export interface SpatialIndexSpec {
  name: string;
  column: string;
  config: IndexConfig;
}

export function createSpatialIndexDdl(names: ObjectNames, spec: SpatialIndexSpec): string {
  const c = spec.config;
  const scheme = sqlKeyword(c.scheme, SCHEMES);
  const [xmin, ymin, xmax, ymax] = c.boundingBox;
  if (!(xmax > xmin) || !(ymax > ymin))
    throw new RangeError('BOUNDING_BOX: xmax must exceed xmin and ymax must exceed ymin');
  if (!Number.isInteger(c.cellsPerObject) || c.cellsPerObject < 1 || c.cellsPerObject > 8192)
    throw new RangeError('CELLS_PER_OBJECT must be an integer in 1..8192');
  const options = [`BOUNDING_BOX = (${[xmin, ymin, xmax, ymax].map(sqlNumber).join(', ')})`];
  if (scheme === 'GEOMETRY_GRID') {
    const levels = c.grids.map((g, i) => `LEVEL_${i + 1} = ${sqlKeyword(g, GRID_SIZES)}`);
    options.push(`GRIDS = (${levels.join(', ')})`);
  }
  options.push(`CELLS_PER_OBJECT = ${sqlNumber(c.cellsPerObject)}`);
  options.push(`PAD_INDEX = ${c.padIndex ? 'ON' : 'OFF'}`);
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
