import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ancestorAt,
  cellFromPath,
  cellPath,
  cellRect,
  cellSize,
  formatCellPath,
  gridGeometry,
  isAncestorOrSelf,
  locatePoint,
} from '../../../../src/tune/model/grid.ts';
import { type Grids, GRID_DENSITIES } from '../../../../src/model/index-config.ts';

const MEDIUM4: Grids = ['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM'];

describe('grid geometry', () => {
  it.each([
    [
      ['LOW', 'LOW', 'LOW', 'LOW'],
      [4, 4, 4, 4],
      [4, 16, 64, 256],
    ],
    [MEDIUM4, [8, 8, 8, 8], [8, 64, 512, 4096]],
    [
      ['HIGH', 'HIGH', 'HIGH', 'HIGH'],
      [16, 16, 16, 16],
      [16, 256, 4096, 65536],
    ],
    [
      ['LOW', 'LOW', 'MEDIUM', 'HIGH'],
      [4, 4, 8, 16],
      [4, 16, 128, 2048],
    ],
  ] as const)('%j has %j cells per side per level and %j across the box', (grids, sides, across) => {
    const g = gridGeometry([-1, -1, 1, 1], grids);
    expect(g.sides).toEqual(sides);
    expect(g.across).toEqual(across);
  });

  it('gives the level sizes of the Hartonomous main index (+-1000, MEDIUM x4)', () => {
    const g = gridGeometry([-1000, -1000, 1000, 1000], MEDIUM4);
    expect(cellSize(g, 1).width).toBe(250);
    expect(cellSize(g, 4).width).toBeCloseTo(0.48828125, 12);
  });

  it('rejects an empty box', () => {
    expect(() => gridGeometry([1, 0, 1, 2], MEDIUM4)).toThrow(RangeError);
  });
});

describe('locating points', () => {
  const g = gridGeometry([0, 0, 256, 256], ['LOW', 'LOW', 'LOW', 'LOW']);

  it('numbers cells row-wise from the upper-left, as the overview page illustrates', () => {
    expect(formatCellPath(g, locatePoint(g, 1, 255, 1))).toBe('1');
    expect(formatCellPath(g, locatePoint(g, 255, 255, 1))).toBe('4');
    expect(formatCellPath(g, locatePoint(g, 1, 1, 1))).toBe('13');
    expect(formatCellPath(g, locatePoint(g, 255, 1, 1))).toBe('16');
    expect(formatCellPath(g, locatePoint(g, 0.5, 255.5))).toBe('1.1.1.1');
  });

  it('puts a point outside the box in level 0, and one on its edge inside', () => {
    expect(locatePoint(g, -0.001, 10).level).toBe(0);
    expect(locatePoint(g, 10, 256.001).level).toBe(0);
    expect(locatePoint(g, 256, 0).level).toBe(4);
  });

  it('an object in 1.1.1.1 also belongs to 1.1.1, 1.1 and 1 (deepest-cell rule)', () => {
    const leaf = cellFromPath(g, [1, 1, 1, 1]);
    for (const path of [[1], [1, 1], [1, 1, 1], [1, 1, 1, 1]])
      expect(isAncestorOrSelf(g, cellFromPath(g, path), leaf)).toBe(true);
    expect(isAncestorOrSelf(g, cellFromPath(g, [2]), leaf)).toBe(false);
    expect(isAncestorOrSelf(g, leaf, cellFromPath(g, [1]))).toBe(false);
  });

  const grids = fc.tuple(
    ...Array.from({ length: 4 }, () => fc.constantFrom(...GRID_DENSITIES)),
  ) as unknown as fc.Arbitrary<Grids>;
  const u = fc.double({ min: 0, max: 1, noNaN: true });

  it('locating at a level equals the ancestor of the level-4 cell, and the cell contains the point', () => {
    fc.assert(
      fc.property(
        grids,
        u,
        u,
        fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<1 | 2 | 3 | 4>,
        (gr, a, b, level) => {
          const geom = gridGeometry([-3, 5, 7, 9], gr);
          const x = -3 + 10 * a;
          const y = 5 + 4 * b;
          const cell = locatePoint(geom, x, y, level);
          expect(cell).toEqual(ancestorAt(geom, locatePoint(geom, x, y, 4), level));
          const r = cellRect(geom, cell);
          const slack = 1e-12;
          expect(x).toBeGreaterThanOrEqual(r.xmin - slack);
          expect(x).toBeLessThanOrEqual(r.xmax + slack);
          expect(y).toBeGreaterThanOrEqual(r.ymin - slack);
          expect(y).toBeLessThanOrEqual(r.ymax + slack);
          expect(cellFromPath(geom, cellPath(geom, cell))).toEqual(cell);
        },
      ),
      { numRuns: 500 },
    );
  });
});
