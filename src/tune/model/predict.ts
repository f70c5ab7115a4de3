/**
 * Predicts, for a point column and a set of query windows, what a GEOMETRY_GRID configuration would do: the
 * quantities sp_help_spatial_geometry_index reports (SD:docs/relational-databases/system-stored-procedures/
 * spatial-index-stored-procedures-arguments-and-properties.md), computed offline.
 *
 * - Index rows: one per recorded cell; a point records one cell (level 0 when outside the box).
 * - Primary filter: a data row is a candidate when one of its cells equals, contains or lies inside one of the
 *   query window's cells (the overview page: "knowledge of such cell-hierarchy relationships is built into
 *   the query processor"). Each row counts once per query.
 * - Internal filter: a candidate whose cell lies inside an interior (fully covered) window cell is accepted
 *   without the exact test; the others go to the secondary filter.
 * - Output: the rows truly inside the window (exact distance test).
 * - Primary filter efficiency = output / candidates (1 when a query has no candidates at all: nothing read,
 *   nothing missed); internal filter share = internal / candidates. Both are ratios of sums over all queries.
 *
 * A query window is `@q.STBuffer(radius)`, modelled as the exact disc (shapes.ts says why), tessellated with
 * SPATIAL_WINDOW_MAX_CELLS as its limit. Its default is not documented: a test on SQL Server 2012 CTP showed
 * 1024 in the plan, while the 2012 spatial white paper says 512 for geometry
 * (https://www.sqlskills.com/blogs/bobb/new-spatial-query-hint-when-using-indexing/); 1024 is used, UNCONFIRMED.
 */
import type { QueryWindow } from '../../engines/types.ts';
import {
  type BoxBuckets,
  type Occupancy,
  type PointTable,
  bucketByBox,
  countInCell,
  occupancy,
} from './buckets.ts';
import { type GridGeometry, gridGeometry } from './grid.ts';
import { type BoundingBox, type GridConfig } from '../../model/index-config.ts';
import { type CellOrder, type TessellatedCell, pointDepth, tessellate } from './tessellate.ts';

export interface ModelOptions {
  /** SPATIAL_WINDOW_MAX_CELLS used for the query windows; default 1024 (see above). */
  windowMaxCells?: number;
  order?: CellOrder;
}
export const DEFAULT_WINDOW_MAX_CELLS = 1024;

export interface Prediction {
  config: GridConfig;
  objects: number;
  indexRows: number;
  indexRowsPerObject: number;
  /** Rows in the level-0 cell: points outside the bounding box. */
  level0Rows: number;
  /** The level in-box points are recorded at (4, or 1 with CELLS_PER_OBJECT = 1). */
  pointLevel: 1 | 4;
  /** Distinct cells at that level holding data, and the point counts of the fullest ones. */
  distinctDataCells: number;
  fullestCellCounts: number[];
  /** Area of the data's extent (clipped to the box) over the box's area. */
  dataBoxShare: number;
  queries: number;
  /** Query-window cells, summed over all queries. */
  windowCells: number;
  candidateRows: number;
  internalFilterRows: number;
  outputRows: number;
  primaryFilterEfficiency: number;
  internalFilterShare: number;
}

export interface Predictor {
  predict(config: GridConfig): Prediction;
  /** Exact rows output per query window (independent of the index). */
  outputs(): readonly number[];
  readonly table: PointTable;
  readonly windows: readonly QueryWindow[];
  readonly options: Required<ModelOptions>;
}

/**
 * Caches per box (the point buckets) and per box + GRIDS (the filter counts of every window, for points at
 * level 1 and level 4 at once), so a sweep over CELLS_PER_OBJECT costs nothing extra.
 */
export function createPredictor(
  table: PointTable,
  windows: readonly QueryWindow[],
  options: ModelOptions = {},
): Predictor {
  const windowMaxCells = options.windowMaxCells ?? DEFAULT_WINDOW_MAX_CELLS;
  const order = options.order ?? 'row-major';
  const buckets = new Map<string, BoxBuckets>();
  // Only counts are cached: keeping every window's cells for 243 box x GRIDS pairs would take gigabytes.
  const filters = new Map<string, Record<1 | 4, FilterCounts>>();
  const occupancies = new Map<string, Occupancy>();
  let outputs: number[] | undefined;

  const bucketsFor = (box: BoundingBox) => memo(buckets, box.join(','), () => bucketByBox(table, box));
  const getOutputs = () => (outputs ??= exactOutputs(table, windows));

  return {
    table,
    windows,
    options: { windowMaxCells, order },
    outputs: getOutputs,
    predict(config) {
      const geom = gridGeometry(config.boundingBox, config.grids);
      const boxKey = config.boundingBox.join(',');
      const gridKey = `${boxKey}|${config.grids.join(',')}`;
      const b = bucketsFor(config.boundingBox);
      const level = pointDepth(config.cellsPerObject);
      const f = memo(filters, gridKey, () => {
        const counts = { 1: emptyCounts(), 4: emptyCounts() };
        for (const w of windows) {
          const disc = { kind: 'disc', x: w.x, y: w.y, radius: w.radius } as const;
          const cells = tessellate(geom, disc, { limit: windowMaxCells, order });
          addFilterCounts(counts[1], b, geom, cells, 1);
          addFilterCounts(counts[4], b, geom, cells, 4);
        }
        return counts;
      })[level];
      const bits = geom.bits[level - 1]!;
      const occ = memo(occupancies, `${boxKey}|${bits}`, () => occupancy(b, bits));
      const outputRows = getOutputs().reduce((s, n) => s + n, 0);
      return {
        config,
        objects: table.count,
        indexRows: table.count,
        indexRowsPerObject: table.count ? 1 : 0,
        level0Rows: b.outside,
        pointLevel: level,
        distinctDataCells: occ.distinctCells + (b.outside > 0 ? 1 : 0),
        fullestCellCounts: occ.topCounts,
        dataBoxShare: boxShare(table, config.boundingBox),
        queries: windows.length,
        windowCells: f.windowCells,
        candidateRows: f.candidates,
        internalFilterRows: f.internal,
        outputRows,
        primaryFilterEfficiency: f.candidates === 0 ? 1 : outputRows / f.candidates,
        internalFilterShare: f.candidates === 0 ? 0 : f.internal / f.candidates,
      };
    },
  };
}

interface FilterCounts {
  candidates: number;
  internal: number;
  windowCells: number;
  /** Scratch for de-duplicating level-1 cells within one window (see addFilterCounts). */
  stamp: number;
  seen: Uint32Array;
}

const emptyCounts = (): FilterCounts => ({
  candidates: 0,
  internal: 0,
  windowCells: 0,
  stamp: 0,
  seen: new Uint32Array(256),
});

/** Adds one query window's primary and internal filter counts, for points recorded at `level`. */
export function addFilterCounts(
  into: FilterCounts,
  b: BoxBuckets,
  geom: GridGeometry,
  cells: readonly TessellatedCell[],
  level: 1 | 4,
): void {
  into.windowCells += cells.length;
  // Window cells never nest (deepest-cell rule), so a point recorded at level 4 meets at most one of them;
  // a point recorded at level 1 may hold several deeper window cells, hence the set.
  const stamp = ++into.stamp;
  for (const { cell, interior } of cells) {
    if (cell.level === 0) {
      into.candidates += b.outside;
    } else if (cell.level <= level) {
      const n = countInCell(b, geom, cell);
      into.candidates += n;
      if (interior) into.internal += n;
    } else {
      const shift = geom.bits[cell.level - 1]! - geom.bits[level - 1]!;
      const ix = cell.ix >>> shift;
      const iy = cell.iy >>> shift;
      // Level 1 has at most 16 x 16 cells; `seen` holds the stamp of the last window that counted each.
      const key = ix * 16 + iy;
      if (into.seen[key] !== stamp) {
        into.seen[key] = stamp;
        into.candidates += countInCell(b, geom, { level, ix, iy });
      }
    }
  }
}

/** Rows each window truly returns: points within `radius` of the centre (STIntersects with the buffer). */
export function exactOutputs(table: PointTable, windows: readonly QueryWindow[]): number[] {
  const { xs, ys, count } = table;
  return windows.map((w) => {
    const r2 = w.radius * w.radius;
    let n = 0;
    for (let i = 0; i < count; i++) {
      const dx = xs[i]! - w.x;
      const dy = ys[i]! - w.y;
      if (dx * dx + dy * dy <= r2) n++;
    }
    return n;
  });
}

function boxShare(table: PointTable, box: BoundingBox): number {
  const e = table.extent;
  if (!e) return 0;
  const w = Math.max(0, Math.min(e.xmax, box[2]) - Math.max(e.xmin, box[0]));
  const h = Math.max(0, Math.min(e.ymax, box[3]) - Math.max(e.ymin, box[1]));
  return (w * h) / ((box[2] - box[0]) * (box[3] - box[1]));
}

function memo<V>(map: Map<string, V>, key: string, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}
