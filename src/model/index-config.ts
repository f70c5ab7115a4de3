/**
 * The spatial index configuration, one type for everyone: the scenario's `index` section validates into
 * it, the SQL Server dialect builds CREATE SPATIAL INDEX from it, and the tuner varies it. Limits follow
 * CREATE SPATIAL INDEX (learn.microsoft.com, docs/t-sql/statements/create-spatial-index-transact-sql.md):
 * BOUNDING_BOX is required for geometry and must have xmax > xmin, ymax > ymin; CELLS_PER_OBJECT 1..8192.
 */

export const GRID_DENSITIES = ['LOW', 'MEDIUM', 'HIGH'] as const;
export type GridDensity = (typeof GRID_DENSITIES)[number];
/** GRIDS = (LEVEL_1 .. LEVEL_4). */
export type Grids = readonly [GridDensity, GridDensity, GridDensity, GridDensity];
/** BOUNDING_BOX = (xmin, ymin, xmax, ymax). */
export type BoundingBox = readonly [number, number, number, number];

export const SPATIAL_INDEX_SCHEMES = ['GEOMETRY_GRID', 'GEOMETRY_AUTO_GRID'] as const;
export type SpatialIndexScheme = (typeof SPATIAL_INDEX_SCHEMES)[number];

export const CELLS_PER_OBJECT_MIN = 1;
export const CELLS_PER_OBJECT_MAX = 8192;

/** The three GEOMETRY_GRID settings the tuner varies. */
export interface GridConfig {
  boundingBox: BoundingBox;
  grids: Grids;
  /** CELLS_PER_OBJECT, 1..8192 (default 16 for GEOMETRY_GRID). */
  cellsPerObject: number;
}

/** The spatial index as SQL Server builds it: the grid plus its scheme and PAD_INDEX. */
export interface GridIndexConfig extends GridConfig {
  scheme: SpatialIndexScheme;
  padIndex: boolean;
}

/** What is wrong with a configuration, in CREATE SPATIAL INDEX's terms (empty when it is valid). */
export function gridIndexProblems(c: GridConfig): string[] {
  const out: string[] = [];
  const [xmin, ymin, xmax, ymax] = c.boundingBox;
  if (!(xmax > xmin) || !(ymax > ymin))
    out.push('BOUNDING_BOX: xmax must exceed xmin and ymax must exceed ymin');
  if (
    !Number.isInteger(c.cellsPerObject) ||
    c.cellsPerObject < CELLS_PER_OBJECT_MIN ||
    c.cellsPerObject > CELLS_PER_OBJECT_MAX
  )
    out.push(`CELLS_PER_OBJECT must be an integer in ${CELLS_PER_OBJECT_MIN}..${CELLS_PER_OBJECT_MAX}`);
  return out;
}
