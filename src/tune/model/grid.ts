/**
 * The grid hierarchy of a SQL Server GEOMETRY_GRID spatial index, as an offline model.
 *
 * Source: SD:docs/relational-databases/spatial/spatial-indexes-overview.md ("Decomposing Indexed Space into
 * a Grid Hierarchy", "Grid Density", "The Bounding Box") and SD:docs/t-sql/statements/create-spatial-index-transact-sql.md.
 * - Four levels; the level-1 grid fills the bounding box; every level-L cell holds a complete grid at L+1.
 * - LOW = 4x4, MEDIUM = 8x8, HIGH = 16x16 cells per level.
 * - Space outside the bounding box is one cell numbered 0 (here: level 0).
 *
 * Cells are addressed by global integer indices at their level (`ix` counted from xmin, `iy` from ymin), so
 * every grid is a power-of-two subdivision of the box: 4, 8 and 16 are 2^2, 2^3 and 2^4, and level L has
 * 2^bits[L-1] cells per side in the whole box. The same arithmetic locates a point at any level, which is what
 * lets predict.ts bucket a million points once per box and reuse the buckets for all 81 GRIDS combinations.
 */
import type { BoundingBox, GridDensity, Grids } from '../../model/index-config.ts';

/** Cells per side for each keyword (overview page, "Grid Density" table). */
export const CELLS_PER_SIDE: Readonly<Record<GridDensity, number>> = { LOW: 4, MEDIUM: 8, HIGH: 16 };
const BITS_PER_SIDE: Readonly<Record<GridDensity, number>> = { LOW: 2, MEDIUM: 3, HIGH: 4 };

export type Level = 0 | 1 | 2 | 3 | 4;
/** One cell; level 0 is the outside of the box (ix = iy = 0). */
export interface Cell {
  level: Level;
  ix: number;
  iy: number;
}

export interface Rect {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export interface GridGeometry {
  box: BoundingBox;
  grids: Grids;
  /** Cells per side of one level's grid inside its parent: sides[L-1] for level L. */
  sides: readonly [number, number, number, number];
  /** log2 of the cells per side of the whole box at level L: bits[L-1] (cumulative). */
  bits: readonly [number, number, number, number];
  /** Cells per side of the whole box at level L: across[L-1] = 2^bits[L-1]. */
  across: readonly [number, number, number, number];
}

/** The finest resolution any configuration can have: HIGH x4 = 16^4 = 2^16 cells per side. */
export const MAX_BITS = 16;
const QUANTA = 2 ** MAX_BITS;

export function gridGeometry(box: BoundingBox, grids: Grids): GridGeometry {
  if (!(box[2] > box[0]) || !(box[3] > box[1])) throw new RangeError(`bad bounding box ${box.join(',')}`);
  const sides = grids.map((g) => CELLS_PER_SIDE[g]) as unknown as GridGeometry['sides'];
  let acc = 0;
  const bits = grids.map((g) => (acc += BITS_PER_SIDE[g])) as unknown as GridGeometry['bits'];
  const across = bits.map((b) => 2 ** b) as unknown as GridGeometry['across'];
  return { box, grids, sides, bits, across };
}

/** Cells per side of the whole box at `level` (1..4); 1 for level 0. */
export function cellsAcross(geom: GridGeometry, level: Level): number {
  return level === 0 ? 1 : geom.across[level - 1]!;
}

export function cellSize(geom: GridGeometry, level: 1 | 2 | 3 | 4): { width: number; height: number } {
  const n = cellsAcross(geom, level);
  return { width: (geom.box[2] - geom.box[0]) / n, height: (geom.box[3] - geom.box[1]) / n };
}

/** x in box units: 0 at xmin, 1 at xmax. The one formula every locating path uses, so they agree bit for bit. */
export function normX(box: BoundingBox, x: number): number {
  return (x - box[0]) / (box[2] - box[0]);
}
export function normY(box: BoundingBox, y: number): number {
  return (y - box[1]) / (box[3] - box[1]);
}

/**
 * A normalized coordinate (0..1) as a 16-bit cell index at the finest resolution. Any level's index is this
 * shifted right, exactly: floor(u * 2^16) >> k === floor(u * 2^(16-k)), because scaling by 2^k is exact.
 * Cells are half-open [lo, hi) except the last one, which keeps the box's max edge (the box is closed): so a
 * point on a shared cell edge goes to the cell above/right of it. SQL Server may record such a point in both
 * cells it touches (UNCONFIRMED); with real-valued data this is a measure-zero case.
 */
export function quantize(u: number): number {
  return Math.min(Math.floor(u * QUANTA), QUANTA - 1);
}

/** Whether a point is inside the closed bounding box (else it lives in the level-0 cell). */
export function inBox(box: BoundingBox, x: number, y: number): boolean {
  const u = normX(box, x);
  const v = normY(box, y);
  return u >= 0 && u <= 1 && v >= 0 && v <= 1;
}

/** The cell holding a point at `level` (1..4), or the level-0 cell when the point is outside the box. */
export function locatePoint(geom: GridGeometry, x: number, y: number, level: 1 | 2 | 3 | 4 = 4): Cell {
  if (!inBox(geom.box, x, y)) return { level: 0, ix: 0, iy: 0 };
  const shift = MAX_BITS - geom.bits[level - 1]!;
  return {
    level,
    ix: quantize(normX(geom.box, x)) >>> shift,
    iy: quantize(normY(geom.box, y)) >>> shift,
  };
}

/** The ancestor of `cell` at `level` (<= cell.level). Level 0 has no ancestors inside the box. */
export function ancestorAt(geom: GridGeometry, cell: Cell, level: Level): Cell {
  if (level > cell.level) throw new RangeError(`level ${level} is below cell level ${cell.level}`);
  if (level === 0 || cell.level === 0) return { level: 0, ix: 0, iy: 0 };
  const shift = geom.bits[cell.level - 1]! - geom.bits[level - 1]!;
  return { level, ix: cell.ix >>> shift, iy: cell.iy >>> shift };
}

/** True when `a` is `b` or one of its ancestors (the overview's "1.1.1.1 also belongs to 1.1.1, 1.1 and 1"). */
export function isAncestorOrSelf(geom: GridGeometry, a: Cell, b: Cell): boolean {
  if (a.level === 0 || b.level === 0) return a.level === b.level;
  if (a.level > b.level) return false;
  const anc = ancestorAt(geom, b, a.level);
  return anc.ix === a.ix && anc.iy === a.iy;
}

/** The closed rectangle a cell covers; level 0 has none (it is everything outside the box). */
export function cellRect(geom: GridGeometry, cell: Cell): Rect {
  if (cell.level === 0) throw new RangeError('the level-0 cell has no rectangle');
  const [xmin, ymin, xmax, ymax] = geom.box;
  const n = cellsAcross(geom, cell.level);
  return {
    xmin: xmin + (cell.ix / n) * (xmax - xmin),
    xmax: xmin + ((cell.ix + 1) / n) * (xmax - xmin),
    ymin: ymin + (cell.iy / n) * (ymax - ymin),
    ymax: ymin + ((cell.iy + 1) / n) * (ymax - ymin),
  };
}

/** A number unique per (level, ix, iy) within one geometry: indices are < 2^16, so it stays below 2^53. */
export function cellKey(cell: Cell): number {
  return (cell.level * QUANTA + cell.ix) * QUANTA + cell.iy;
}

/**
 * The cell's path in the overview page's illustration numbering: at each level the cells of the parent's grid
 * are numbered 1..n^2 row by row, starting with the upper-left cell. SQL Server really numbers cells along a
 * Hilbert-curve variant (same page); this numbering exists so tests and reports can quote the page.
 */
export function cellPath(geom: GridGeometry, cell: Cell): number[] {
  const path: number[] = [];
  for (let level = 1; level <= cell.level; level++) {
    const c = ancestorAt(geom, cell, level as Level);
    const n = geom.sides[level - 1]!;
    const col = c.ix % n;
    const rowFromTop = n - 1 - (c.iy % n);
    path.push(rowFromTop * n + col + 1);
  }
  return path;
}

export function formatCellPath(geom: GridGeometry, cell: Cell): string {
  return cell.level === 0 ? '0' : cellPath(geom, cell).join('.');
}

/** Inverse of cellPath: [] is the level-0 cell. */
export function cellFromPath(geom: GridGeometry, path: readonly number[]): Cell {
  if (path.length > 4) throw new RangeError('a path has at most 4 levels');
  let ix = 0;
  let iy = 0;
  path.forEach((num, i) => {
    const n = geom.sides[i]!;
    if (!Number.isInteger(num) || num < 1 || num > n * n)
      throw new RangeError(`cell number ${num} not in 1..${n * n}`);
    const col = (num - 1) % n;
    const rowFromTop = Math.floor((num - 1) / n);
    ix = ix * n + col;
    iy = iy * n + (n - 1 - rowFromTop);
  });
  return { level: path.length as Level, ix, iy };
}
