/**
 * The data side of the model, built for a million points: a point always tessellates to exactly one cell
 * (tessellate.ts's tessellatePoint), so instead of tessellating each point for each configuration the points
 * are bucketed once per bounding box and every configuration reads the buckets.
 *
 * How: every GRIDS combination is a power-of-two subdivision of the box (grid.ts), so every cell of every
 * configuration is a node of one quadtree of depth 16 over the box. Each in-box point gets the Morton
 * (Z-order) code of its 16-bit cell; sorted, the points of any cell of any configuration are one contiguous
 * run of codes, found with two binary searches.
 */
import { type Cell, type GridGeometry, type Rect, MAX_BITS, normX, normY, quantize } from './grid.ts';
import { type BoundingBox } from '../../model/index-config.ts';

export interface XY {
  x: number;
  y: number;
}

/** The data points' planar coordinates (Z is ignored by spatial indexes), packed. */
export interface PointTable {
  xs: Float64Array;
  ys: Float64Array;
  count: number;
  /** Min/max of the coordinates, null when empty. */
  extent: Rect | null;
}

export function collectPoints(points: Iterable<XY>): PointTable {
  let xs = new Float64Array(1024);
  let ys = new Float64Array(1024);
  let count = 0;
  for (const p of points) {
    if (count === xs.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      xs = grow(xs);
      ys = grow(ys);
    }
    xs[count] = p.x;
    ys[count] = p.y;
    count++;
  }
  return pointTable(xs.subarray(0, count), ys.subarray(0, count));
}

export function pointTable(xs: Float64Array, ys: Float64Array): PointTable {
  if (xs.length !== ys.length) throw new RangeError('xs and ys differ in length');
  let xmin = Infinity;
  let ymin = Infinity;
  let xmax = -Infinity;
  let ymax = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (x < xmin) xmin = x;
    if (x > xmax) xmax = x;
    if (y < ymin) ymin = y;
    if (y > ymax) ymax = y;
  }
  const extent = xs.length ? { xmin, ymin, xmax, ymax } : null;
  return { xs, ys, count: xs.length, extent };
}

export interface BoxBuckets {
  box: BoundingBox;
  /** Points inside the closed box, and outside it (the level-0 cell). */
  inBox: number;
  outside: number;
  /** Sorted Morton codes of the in-box points' 16-bit cells. */
  codes: Uint32Array;
  /**
   * starts[p] = index of the first code whose top bits (all but `lowBits`) are >= p. With about one prefix
   * per point (at most 2^20), large cells are found with no search and small ones with a search inside one
   * prefix's run: one or two probes per window cell instead of ~40 cache-missing ones into a 4 MB array.
   */
  starts: Uint32Array;
  lowBits: number;
  /** 2^lowBits - 1; lowBits >= 12, so the mask fits a 32-bit integer operation. */
  lowMask: number;
  /** The in-box points' extent in 16-bit cell units, for cheap rejection of empty cells. */
  qxMin: number;
  qxMax: number;
  qyMin: number;
  qyMax: number;
}

export function bucketByBox(table: PointTable, box: BoundingBox): BoxBuckets {
  const codes = new Uint32Array(table.count);
  let n = 0;
  let qxMin = Infinity;
  let qxMax = -Infinity;
  let qyMin = Infinity;
  let qyMax = -Infinity;
  for (let i = 0; i < table.count; i++) {
    const u = normX(box, table.xs[i]!);
    const v = normY(box, table.ys[i]!);
    if (!(u >= 0 && u <= 1 && v >= 0 && v <= 1)) continue;
    const qx = quantize(u);
    const qy = quantize(v);
    if (qx < qxMin) qxMin = qx;
    if (qx > qxMax) qxMax = qx;
    if (qy < qyMin) qyMin = qy;
    if (qy > qyMax) qyMax = qy;
    codes[n++] = mortonCode(qx, qy);
  }
  const sorted = codes.slice(0, n).sort();
  const prefixBits = Math.min(20, Math.max(4, Math.ceil(Math.log2(n + 1))));
  const lowBits = 2 * MAX_BITS - prefixBits;
  const prefixes = 2 ** prefixBits;
  const starts = new Uint32Array(prefixes + 1);
  let j = 0;
  for (let p = 0; p <= prefixes; p++) {
    while (j < n && sorted[j]! >>> lowBits < p) j++;
    starts[p] = j;
  }
  return {
    box,
    inBox: n,
    outside: table.count - n,
    codes: sorted,
    starts,
    lowBits,
    lowMask: 2 ** lowBits - 1,
    qxMin,
    qxMax,
    qyMin,
    qyMax,
  };
}

const CODE_END = 2 ** (2 * MAX_BITS);

/** Interleaves two 16-bit integers, x in the even bits. */
export function mortonCode(qx: number, qy: number): number {
  return (spread(qx) | (spread(qy) << 1)) >>> 0;
}

function spread(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v;
}

/** Points whose cell is `cell` or inside it (level 1..4; the level-0 count is `outside`). */
export function countInCell(b: BoxBuckets, geom: GridGeometry, cell: Cell): number {
  if (cell.level === 0) return b.outside;
  if (b.inBox === 0) return 0;
  const shift = MAX_BITS - geom.bits[cell.level - 1]!;
  const x0 = cell.ix << shift;
  const y0 = cell.iy << shift;
  const size = 1 << shift;
  if (x0 > b.qxMax || x0 + size - 1 < b.qxMin || y0 > b.qyMax || y0 + size - 1 < b.qyMin) return 0;
  const start = mortonCode(x0, y0);
  const end = start + size * size;
  return lowerBound(b, end) - lowerBound(b, start);
}

/** Index of the first code >= value. */
function lowerBound(b: BoxBuckets, value: number): number {
  if (value >= CODE_END) return b.codes.length;
  const p = value >>> b.lowBits;
  let lo = b.starts[p]!;
  if ((value & b.lowMask) === 0) return lo;
  let hi = b.starts[p + 1]!;
  const a = b.codes;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Occupancy {
  /** Distinct cells holding at least one in-box point. */
  distinctCells: number;
  /** Point counts of the fullest cells, largest first. */
  topCounts: number[];
}

/** How the in-box points spread over the cells of a level with 2^bits cells per side. */
export function occupancy(b: BoxBuckets, bits: number, top = 5): Occupancy {
  const shift = 2 * (MAX_BITS - bits);
  const counts: number[] = [];
  let distinctCells = 0;
  let prev = -1;
  let run = 0;
  const flush = () => {
    if (run > 0) {
      distinctCells++;
      insertTop(counts, run, top);
    }
  };
  for (let i = 0; i < b.codes.length; i++) {
    const id = b.codes[i]! >>> shift; // shift <= 28: bits >= 2 at any level
    if (id !== prev) {
      flush();
      prev = id;
      run = 0;
    }
    run++;
  }
  flush();
  return { distinctCells, topCounts: counts };
}

function insertTop(counts: number[], value: number, top: number): void {
  if (counts.length === top && value <= counts[top - 1]!) return;
  let i = counts.length;
  while (i > 0 && counts[i - 1]! < value) i--;
  counts.splice(i, 0, value);
  if (counts.length > top) counts.pop();
}
