/**
 * The objects the tessellation model understands, and the one question tessellate.ts asks of them: within a
 * horizontal band of the grid, which x-range does the object touch, and which x-range does it fully cover?
 * Answering per row band (instead of per cell) keeps a 1024-cell query window cheap: the touched and covered
 * columns of a band come from two intervals, with no per-cell test.
 *
 * - point: zero area. tessellate.ts places it with grid.ts's locatePoint (half-open cells), not with spans.
 * - rect: an axis-aligned rectangle.
 * - disc: what `@q.STBuffer(r)` is meant to be. SQL Server's STBuffer returns a polygon that approximates
 *   the circle (its vertex count is not documented here); this model uses the exact disc, so cells that the
 *   real polygon's chords just miss, or just cover, may differ at the rim. The effect on candidate counts is
 *   at most the data in one ring of boundary cells.
 * - polygon: convex, either winding (used to reproduce the overview page's octagon and diamond examples).
 *
 * All tests are closed: an object touching a cell only along its edge touches it (SQL Server's "border"
 * cell attribute, 0, suggests it records such cells too; UNCONFIRMED).
 */
import type { Rect } from './grid.ts';

export type Vertices = readonly (readonly [number, number])[];

export type Shape =
  | { kind: 'point'; x: number; y: number }
  | { kind: 'rect'; xmin: number; ymin: number; xmax: number; ymax: number }
  | { kind: 'disc'; x: number; y: number; radius: number }
  | { kind: 'polygon'; vertices: Vertices };

/** A closed x-interval [lo, hi]. */
export type Span = readonly [number, number];

export function shapeBounds(s: Shape): Rect {
  switch (s.kind) {
    case 'point':
      return { xmin: s.x, ymin: s.y, xmax: s.x, ymax: s.y };
    case 'rect':
      return { xmin: s.xmin, ymin: s.ymin, xmax: s.xmax, ymax: s.ymax };
    case 'disc':
      return { xmin: s.x - s.radius, ymin: s.y - s.radius, xmax: s.x + s.radius, ymax: s.y + s.radius };
    case 'polygon': {
      const xs = s.vertices.map((v) => v[0]);
      const ys = s.vertices.map((v) => v[1]);
      return { xmin: Math.min(...xs), ymin: Math.min(...ys), xmax: Math.max(...xs), ymax: Math.max(...ys) };
    }
  }
}

/** The x-range of the object within the band y0 <= y <= y1, or null when it does not reach the band. */
export function touchSpan(s: Shape, y0: number, y1: number): Span | null {
  switch (s.kind) {
    case 'point':
      return s.y >= y0 && s.y <= y1 ? [s.x, s.x] : null;
    case 'rect':
      return s.ymax >= y0 && s.ymin <= y1 ? [s.xmin, s.xmax] : null;
    case 'disc': {
      // Widest chord in the band: at the centre's y if inside the band, else at the nearer band edge.
      const dy = s.y < y0 ? y0 - s.y : s.y > y1 ? s.y - y1 : 0;
      if (dy > s.radius) return null;
      const half = Math.sqrt(s.radius * s.radius - dy * dy);
      return [s.x - half, s.x + half];
    }
    case 'polygon':
      return polygonBandExtent(s.vertices, y0, y1);
  }
}

/**
 * The x-range over which a cell spanning the whole band is fully inside the object, or null. For a convex
 * object a rectangle is covered when its four corners are, so this is the intersection of the object's chords
 * at the band's two edges.
 */
export function coverSpan(s: Shape, y0: number, y1: number): Span | null {
  switch (s.kind) {
    case 'point':
      return null;
    case 'rect':
      return s.ymin <= y0 && s.ymax >= y1 ? [s.xmin, s.xmax] : null;
    case 'disc': {
      const dy = Math.max(Math.abs(s.y - y0), Math.abs(s.y - y1));
      if (dy > s.radius) return null;
      const half = Math.sqrt(s.radius * s.radius - dy * dy);
      return [s.x - half, s.x + half];
    }
    case 'polygon': {
      const a = polygonChord(s.vertices, y0);
      const b = polygonChord(s.vertices, y1);
      if (!a || !b) return null;
      const lo = Math.max(a[0], b[0]);
      const hi = Math.min(a[1], b[1]);
      return lo <= hi ? [lo, hi] : null;
    }
  }
}

/** Whether a point is inside or on the object: the exact test (the secondary filter, STIntersects). */
export function shapeContains(s: Shape, x: number, y: number): boolean {
  switch (s.kind) {
    case 'point':
      return x === s.x && y === s.y;
    case 'rect':
      return x >= s.xmin && x <= s.xmax && y >= s.ymin && y <= s.ymax;
    case 'disc': {
      const dx = x - s.x;
      const dy = y - s.y;
      return dx * dx + dy * dy <= s.radius * s.radius;
    }
    case 'polygon': {
      const chord = polygonChord(s.vertices, y);
      return chord !== null && x >= chord[0] && x <= chord[1];
    }
  }
}

/** The chord of a convex polygon on the line at height y (closed), or null. */
function polygonChord(vs: Vertices, y: number): Span | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < vs.length; i++) {
    const [ax, ay] = vs[i]!;
    const [bx, by] = vs[(i + 1) % vs.length]!;
    if ((ay < y && by < y) || (ay > y && by > y)) continue;
    if (ay === by) {
      // Horizontal edge on the line: both ends are on the chord.
      lo = Math.min(lo, ax, bx);
      hi = Math.max(hi, ax, bx);
      continue;
    }
    const x = ax + ((y - ay) / (by - ay)) * (bx - ax);
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return lo <= hi ? [lo, hi] : null;
}

/** The x-extent of a convex polygon clipped to the band y0..y1: its vertices inside plus its crossings of the edges. */
function polygonBandExtent(vs: Vertices, y0: number, y1: number): Span | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const [x, y] of vs) {
    if (y >= y0 && y <= y1) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
  }
  for (const y of [y0, y1]) {
    const c = polygonChord(vs, y);
    if (c) {
      lo = Math.min(lo, c[0]);
      hi = Math.max(hi, c[1]);
    }
  }
  return lo <= hi ? [lo, hi] : null;
}
