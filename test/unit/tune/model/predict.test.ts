/**
 * The bucket method of predict.ts against brute force: tessellate every point and every window, match cells
 * by ancestry, and test every point against every window exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketByBox, collectPoints, occupancy, pointTable } from '../../../../src/tune/model/buckets.ts';
import { gridGeometry, isAncestorOrSelf } from '../../../../src/tune/model/grid.ts';
import {
  type BoundingBox,
  type GridConfig,
  GRID_DENSITIES,
  type Grids,
} from '../../../../src/model/index-config.ts';
import { createPredictor } from '../../../../src/tune/model/predict.ts';
import { type QueryWindow } from '../../../../src/engines/types.ts';
import { shapeContains } from '../../../../src/tune/model/shapes.ts';
import { type CellOrder, tessellate, tessellatePoint } from '../../../../src/tune/model/tessellate.ts';

interface XY {
  x: number;
  y: number;
}

function bruteForce(
  points: XY[],
  windows: QueryWindow[],
  config: GridConfig,
  windowMaxCells: number,
  order: CellOrder,
) {
  const geom = gridGeometry(config.boundingBox, config.grids);
  const pointCells = points.map((p) => tessellatePoint(geom, p.x, p.y, config.cellsPerObject));
  let candidates = 0;
  let internal = 0;
  let output = 0;
  for (const w of windows) {
    const disc = { kind: 'disc' as const, x: w.x, y: w.y, radius: w.radius };
    const wcells = tessellate(geom, disc, { limit: windowMaxCells, order });
    points.forEach((p, i) => {
      const cells = pointCells[i]!.map((c) => c.cell);
      expect(cells).toHaveLength(1);
      const pc = cells[0]!;
      const hit = wcells.some(
        (w) => isAncestorOrSelf(geom, w.cell, pc) || isAncestorOrSelf(geom, pc, w.cell),
      );
      const inner = wcells.some((w) => w.interior && isAncestorOrSelf(geom, w.cell, pc));
      const inside = shapeContains(disc, p.x, p.y);
      if (hit) candidates++;
      if (inner) internal++;
      if (inside) output++;
      // No true result may be lost by the primary filter, and the internal filter accepts only true results.
      if (inside) expect(hit).toBe(true);
      if (inner) expect(inside).toBe(true);
    });
  }
  return { candidates, internal, output };
}

const BOX: BoundingBox = [-1, -1, 1, 1];
// Coordinates on grid lines of every configuration (multiples of 1/32 of the box) as well as arbitrary ones.
const coord = fc.oneof(
  fc.double({ min: -1.3, max: 1.3, noNaN: true }),
  fc.integer({ min: -40, max: 40 }).map((k) => k / 32),
);
const point = fc.record({ x: coord, y: coord });
const window = fc.record({
  x: coord,
  y: coord,
  radius: fc.oneof(fc.double({ min: 0, max: 1.5, noNaN: true }), fc.constant(0.25)),
});
const density = fc.constantFrom(...GRID_DENSITIES);
const grids = fc.tuple(density, density, density, density) as fc.Arbitrary<Grids>;

describe('predict: bucket method = brute force', () => {
  it('gives the same candidate, internal-filter and output counts, and the invariants hold', () => {
    fc.assert(
      fc.property(
        fc.array(point, { maxLength: 40 }),
        fc.array(window, { minLength: 1, maxLength: 4 }),
        grids,
        fc.constantFrom(1, 2, 8, 16),
        fc.constantFrom(1, 4, 16, 64, 1024),
        fc.constantFrom<CellOrder>('row-major', 'hilbert'),
        (points, windows, g, cellsPerObject, windowMaxCells, order) => {
          const config: GridConfig = { boundingBox: BOX, grids: g, cellsPerObject };
          const predictor = createPredictor(collectPoints(points), windows, { windowMaxCells, order });
          const p = predictor.predict(config);
          const brute = bruteForce(points, windows, config, windowMaxCells, order);
          expect(p.candidateRows).toBe(brute.candidates);
          expect(p.internalFilterRows).toBe(brute.internal);
          expect(p.outputRows).toBe(brute.output);
          expect(p.candidateRows).toBeGreaterThanOrEqual(p.outputRows);
          expect(p.internalFilterRows).toBeLessThanOrEqual(p.outputRows);
          expect(p.primaryFilterEfficiency).toBeGreaterThanOrEqual(0);
          expect(p.primaryFilterEfficiency).toBeLessThanOrEqual(1);
          expect(p.internalFilterShare).toBeGreaterThanOrEqual(0);
          expect(p.internalFilterShare).toBeLessThanOrEqual(1);
          expect(p.indexRows).toBe(points.length);
          expect(p.level0Rows).toBe(points.filter((q) => Math.abs(q.x) > 1 || Math.abs(q.y) > 1).length);
          expect(p.dataBoxShare).toBeGreaterThanOrEqual(0);
          expect(p.dataBoxShare).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts distinct deepest cells like brute force', () => {
    fc.assert(
      fc.property(fc.array(point, { maxLength: 60 }), grids, (points, g) => {
        const geom = gridGeometry(BOX, g);
        const keys = new Set(points.map((p) => JSON.stringify(tessellatePoint(geom, p.x, p.y, 16)[0]!.cell)));
        const p = createPredictor(collectPoints(points), []).predict({
          boundingBox: BOX,
          grids: g,
          cellsPerObject: 16,
        });
        expect(p.distinctDataCells).toBe(keys.size);
        expect(p.fullestCellCounts.reduce((s, n) => s + n, 0)).toBeLessThanOrEqual(points.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('predict: shapes of the answer', () => {
  it('a window covering all data reads every point and accepts them all in the internal filter', () => {
    const points = [
      { x: 0.01, y: 0.02 },
      { x: -0.03, y: 0.05 },
      { x: 0.1, y: -0.1 },
    ];
    const p = createPredictor(collectPoints(points), [{ x: 0, y: 0, radius: 10 }]).predict({
      boundingBox: [-1000, -1000, 1000, 1000],
      grids: ['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM'],
      cellsPerObject: 16,
    });
    expect(p).toMatchObject({
      candidateRows: 3,
      outputRows: 3,
      internalFilterRows: 3,
      primaryFilterEfficiency: 1,
    });
    expect(p.distinctDataCells).toBeLessThanOrEqual(4);
  });

  it('a small window inside a coarse cell reads the whole cell', () => {
    // Leaf cells of MEDIUM x4 in the +-1000 box are 2000/4096 = 0.49 wide: the blob's points share a cell.
    const points = Array.from({ length: 100 }, (_, i) => ({
      x: 0.001 * (i % 10) + 0.05,
      y: 0.001 * Math.floor(i / 10) + 0.05,
    }));
    const p = createPredictor(collectPoints(points), [{ x: 0.05, y: 0.05, radius: 0.0015 }]).predict({
      boundingBox: [-1000, -1000, 1000, 1000],
      grids: ['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM'],
      cellsPerObject: 16,
    });
    expect(p.candidateRows).toBe(100);
    // The centre point and its neighbours at (0.051, 0.05), (0.05, 0.051) and (0.051, 0.051).
    expect(p.outputRows).toBe(4);
    expect(p.primaryFilterEfficiency).toBeCloseTo(0.04);
  });

  it('puts points outside the box in level 0, where every window that leaves the box reads them', () => {
    const points = [
      { x: 5, y: 5 },
      { x: 0, y: 0 },
    ];
    const config: GridConfig = {
      boundingBox: [-1, -1, 1, 1],
      grids: ['LOW', 'LOW', 'LOW', 'LOW'],
      cellsPerObject: 16,
    };
    const p = createPredictor(collectPoints(points), [{ x: 0.9, y: 0.9, radius: 0.5 }]).predict(config);
    expect(p.level0Rows).toBe(1);
    expect(p.candidateRows).toBe(1);
    expect(p.outputRows).toBe(0);
  });
});

describe('buckets', () => {
  it('occupancy lists the fullest cells first', () => {
    const xs = Float64Array.from([0.1, 0.1, 0.1, 0.6, 0.6, -0.6]);
    const ys = Float64Array.from([0.1, 0.1, 0.1, 0.6, 0.6, -0.6]);
    const b = bucketByBox(pointTable(xs, ys), [-1, -1, 1, 1]);
    expect(occupancy(b, 2)).toEqual({ distinctCells: 3, topCounts: [3, 2, 1] });
    expect(occupancy(b, 2, 1).topCounts).toEqual([3]);
  });
});
