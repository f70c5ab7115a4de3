/**
 * Tessellation of one object into the grid hierarchy, following the rules of
 * SD:docs/relational-databases/spatial/spatial-indexes-overview.md ("Tessellation", "Tessellation Rules",
 * "Covering Rule", "Cells-Per-Object Rule", "Deepest-Cell Rule", "The Bounding Box"):
 *
 * - The level-1 grid fills the bounding box; any part of the object outside it touches the level-0 cell.
 * - Breadth first from level 1, one level at a time.
 * - Covering rule (all levels): a cell the object fully covers is recorded (interior) and not subdivided.
 * - Cells-per-object rule: not enforced on level 1 (its count may exceed the limit); if the level-1 count
 *   reaches the limit, nothing is subdivided. Otherwise, "starting with the lowest-numbered touched cell", each
 *   cell is replaced by its touched children unless that would push the count over the limit, in which case
 *   it is recorded as it is; this continues across the level, then on the next level, while the count is below
 *   the limit.
 * - Deepest-cell rule: only the bottom-most cells are recorded; parents do not count.
 *
 * The same procedure, with SPATIAL_WINDOW_MAX_CELLS as the limit, models how the query window is tessellated
 * (that the window uses the same procedure is an assumption of this model: UNCONFIRMED).
 *
 * Model choices (see the report for the full list):
 * - Order within a level: SQL Server numbers cells along a Hilbert-curve variant whose exact form is not
 *   documented (UNCONFIRMED). The default here is the page's own row-wise numbering from the upper-left cell;
 *   'hilbert' uses a standard Hilbert curve inside each parent. Order only matters when the limit bites: it
 *   decides which cells of a level get subdivided before the count runs out.
 * - The level-0 cell is recorded besides the in-box cells and does not count toward the limit (UNCONFIRMED).
 * - Cells touched only along an edge count as touched (closed tests; SQL Server's "border" cell attribute
 *   suggests it records them too, UNCONFIRMED). The touched test gets an outward slack of 1e-12 box widths so
 *   rounding can add a cell but never lose a true candidate; the interior test is exact, so an object that
 *   matches a cell exactly covers it.
 */
import { type Cell, type GridGeometry, type Level, locatePoint, normX } from './grid.ts';
import { type Shape, coverSpan, shapeBounds, touchSpan } from './shapes.ts';

export type CellOrder = 'row-major' | 'hilbert';

export interface TessellatedCell {
  cell: Cell;
  /** The object fully covers the cell (sp_help's "interior" cells; the rest are "intersecting"). */
  interior: boolean;
}

export interface TessellateOptions {
  /** CELLS_PER_OBJECT for indexed objects, SPATIAL_WINDOW_MAX_CELLS for a query window. */
  limit: number;
  order?: CellOrder;
}

const EPS = 1e-12;
const LEVEL0: TessellatedCell = { cell: { level: 0, ix: 0, iy: 0 }, interior: false };

export function tessellate(geom: GridGeometry, shape: Shape, options: TessellateOptions): TessellatedCell[] {
  const { limit, order = 'row-major' } = options;
  if (!(limit >= 1)) throw new RangeError(`limit must be >= 1, got ${limit}`);
  if (shape.kind === 'point') return tessellatePoint(geom, shape.x, shape.y, limit);

  const out: TessellatedCell[] = [];
  const b = shapeBounds(shape);
  const [xmin, ymin, xmax, ymax] = geom.box;
  if (b.xmin < xmin || b.ymin < ymin || b.xmax > xmax || b.ymax > ymax) out.push(LEVEL0);
  if (b.xmax < xmin || b.xmin > xmax || b.ymax < ymin || b.ymin > ymax) return out;

  const root: Cell = { level: 0, ix: 0, iy: 0 };
  let frontier = touchedChildren(geom, shape, root, order);
  let count = frontier.length;
  if (count >= limit) return out.concat(frontier);

  for (let level = 1; level < 4; level++) {
    const next: TessellatedCell[] = [];
    for (const tc of frontier) {
      if (tc.interior || count >= limit) {
        out.push(tc);
        continue;
      }
      const n = scanChildren(geom, shape, tc.cell);
      if (n === 0 || count - 1 + n > limit) {
        out.push(tc);
        continue;
      }
      count += n - 1;
      for (const child of touchedChildren(geom, shape, tc.cell, order)) next.push(child);
    }
    frontier = next;
    if (frontier.length === 0) break;
  }
  return out.concat(frontier);
}

/**
 * A point touches exactly one cell per level (grid.ts's half-open cells), so the rules reduce to: outside the
 * box -> level 0; level-1 count is 1, so with CELLS_PER_OBJECT = 1 the point stays at level 1; with any larger
 * limit each subdivision replaces one cell by one child and the point goes down to level 4.
 */
export function tessellatePoint(geom: GridGeometry, x: number, y: number, limit: number): TessellatedCell[] {
  const depth = pointDepth(limit);
  const cell = locatePoint(geom, x, y, depth);
  return [{ cell, interior: false }];
}

/** The level at which an in-box point is recorded for a given CELLS_PER_OBJECT. */
export function pointDepth(cellsPerObject: number): 1 | 4 {
  return cellsPerObject <= 1 ? 1 : 4;
}

/** The touched children of `parent` (level 0 = the box itself) in the chosen order, with interior flags. */
export function touchedChildren(
  geom: GridGeometry,
  shape: Shape,
  parent: Cell,
  order: CellOrder,
): TessellatedCell[] {
  const cells: TessellatedCell[] = [];
  const childLevel = (parent.level + 1) as Level;
  scanChildren(geom, shape, parent, (ix, iy, interior) =>
    cells.push({ cell: { level: childLevel, ix, iy }, interior }),
  );
  if (order === 'hilbert') {
    const n = geom.sides[childLevel - 1]!;
    const key = (c: Cell) => hilbertIndex(n, c.ix % n, c.iy % n);
    cells.sort((a, b) => key(a.cell) - key(b.cell));
  }
  return cells;
}

/**
 * Counts (and, with `emit`, lists in row-wise order from the upper-left) the children of `parent` the shape
 * touches. Per child row it asks the shape for one touched and one covered x-interval, so the cost is one
 * call per row plus one per touched cell.
 */
export function scanChildren(
  geom: GridGeometry,
  shape: Shape,
  parent: Cell,
  emit?: (ix: number, iy: number, interior: boolean) => void,
): number {
  if (parent.level >= 4) return 0;
  const childLevel = (parent.level + 1) as Level;
  const n = geom.sides[childLevel - 1]!;
  const across = geom.across[childLevel - 1]!;
  const [, ymin, , ymax] = geom.box;
  const height = ymax - ymin;
  const eh = EPS * height;
  const col0 = parent.ix * n;
  const row0 = parent.iy * n;
  let count = 0;
  for (let iy = row0 + n - 1; iy >= row0; iy--) {
    const y0 = ymin + (iy / across) * height;
    const y1 = ymin + ((iy + 1) / across) * height;
    const touch = touchSpan(shape, y0 - eh, y1 + eh);
    if (!touch) continue;
    // Column i is touched when its closed interval [i, i+1]/across meets [ua, ub].
    const ua = normX(geom.box, touch[0]) - EPS;
    const ub = normX(geom.box, touch[1]) + EPS;
    const lo = Math.max(col0, Math.ceil(ua * across - 1));
    const hi = Math.min(col0 + n - 1, Math.floor(ub * across));
    if (lo > hi) continue;
    count += hi - lo + 1;
    if (!emit) continue;
    // Column i is covered when [i, i+1]/across lies inside [va, vb].
    const cover = coverSpan(shape, y0, y1);
    let clo = Infinity;
    let chi = -Infinity;
    if (cover) {
      clo = Math.ceil(normX(geom.box, cover[0]) * across);
      chi = Math.floor(normX(geom.box, cover[1]) * across) - 1;
    }
    for (let ix = lo; ix <= hi; ix++) emit(ix, iy, ix >= clo && ix <= chi);
  }
  return count;
}

/**
 * Position of local cell (x, y) on a standard Hilbert curve over an n x n grid (n a power of two; the
 * well-known xy2d conversion). Not SQL Server's variant, which is undocumented.
 */
export function hilbertIndex(n: number, x: number, y: number): number {
  let d = 0;
  for (let s = n >> 1; s > 0; s >>= 1) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = n - 1 - x;
        y = n - 1 - y;
      }
      [x, y] = [y, x];
    }
  }
  return d;
}
