/**
 * The worked examples of SD:docs/relational-databases/spatial/spatial-indexes-overview.md, reproduced.
 *
 * The page shows them as drawings on 4x4 grids at every level and names cells in its row-wise illustration
 * numbering (1..16 from the upper-left cell), which grid.ts's cellPath uses. The drawings give no
 * coordinates, so each shape here is built to touch exactly the cells the text lists; the comments say how.
 * The box is (0, 0, 256, 256) with LOW at every level, so a level-4 cell is 1 x 1, a level-3 cell 4 x 4,
 * a level-2 cell 16 x 16 and a level-1 cell 64 x 64.
 */
import { describe, expect, it } from 'vitest';
import { formatCellPath, gridGeometry } from '../../../../src/tune/model/grid.ts';
import { type Grids } from '../../../../src/model/index-config.ts';
import type { Shape } from '../../../../src/tune/model/shapes.ts';
import { hilbertIndex, tessellate, tessellatePoint } from '../../../../src/tune/model/tessellate.ts';

const LOW4: Grids = ['LOW', 'LOW', 'LOW', 'LOW'];
const geom = gridGeometry([0, 0, 256, 256], LOW4);
const paths = (shape: Shape, limit: number, order: 'row-major' | 'hilbert' = 'row-major') =>
  tessellate(geom, shape, { limit, order }).map((c) => formatCellPath(geom, c.cell));

/**
 * "Covering Rule" / "Cells-Per-Object Rule": an octagon that fits in level-1 cell 15 is dissected into nine
 * level-2 cells, 15.11 is completely covered, and the lowest-numbered touched cell is 15.6. The nine cells
 * are therefore the 3x3 block 15.6-8, 15.10-12, 15.14-16 around 15.11. Here: a regular octagon centred on
 * cell 15.11 (centre (168, 24)), circumradius 20.8 (1.3 level-2 cells), vertices at 22.5 + 45k degrees. Its
 * extent is +-19.2 from the centre, inside the 3x3 block, and it covers 15.11 but no other level-2 cell.
 */
const octagon: Shape = {
  kind: 'polygon',
  vertices: Array.from({ length: 8 }, (_, k) => {
    const a = ((22.5 + 45 * k) * Math.PI) / 180;
    return [168 + 20.8 * Math.cos(a), 24 + 20.8 * Math.sin(a)] as const;
  }),
};
const OCTAGON_CELLS = ['15.6', '15.7', '15.8', '15.10', '15.11', '15.12', '15.14', '15.15', '15.16'];

/**
 * "Deepest-Cell Rule": a small diamond in cells 4, 4.4, 4.4.10 and 4.4.14 is recorded, with the default limit
 * of 16, as the twelve level-4 cells 4.4.10.13-15, 4.4.14.1-3, 4.4.14.5-7 and 4.4.14.9-11: three columns,
 * one row at the bottom of 4.4.10 and three rows at the top of 4.4.14. Here: cell 4.4.10 is x 244..248,
 * y 244..248 and 4.4.14 the cell below it; the diamond is centred at (245.5, 243) with half-width 1.2 and
 * half-height 1.8, so it spans x 244.3..246.7 (level-4 columns 1-3) and y 241.2..244.8 (the four rows named).
 */
const diamond: Shape = {
  kind: 'polygon',
  vertices: [
    [245.5, 244.8],
    [246.7, 243],
    [245.5, 241.2],
    [244.3, 243],
  ],
};
const DIAMOND_CELLS = [
  ...[13, 14, 15].map((n) => `4.4.10.${n}`),
  ...[1, 2, 3, 5, 6, 7, 9, 10, 11].map((n) => `4.4.14.${n}`),
];

describe('overview page: octagon (covering and cells-per-object rules)', () => {
  it('is dissected into the nine level-2 cells around 15.11 when the limit is 9', () => {
    expect(paths(octagon, 9)).toEqual(OCTAGON_CELLS);
  });

  it('marks 15.11, and only 15.11, as covered (interior)', () => {
    const interior = tessellate(geom, octagon, { limit: 9 }).filter((c) => c.interior);
    expect(interior.map((c) => formatCellPath(geom, c.cell))).toEqual(['15.11']);
  });

  it('starts from the lowest-numbered touched cell, 15.6', () => {
    expect(paths(octagon, 9)[0]).toBe('15.6');
  });

  it.each([1, 2, 8])('records only cell 15 when the limit is %i (<= 8)', (limit) => {
    expect(paths(octagon, limit)).toEqual(['15']);
  });

  it('keeps 15.11 whole at any larger limit, and every cell stays inside the nine', () => {
    // The page's figure stops at level 2; with a limit above 9 the rules go on subdividing the partly
    // covered cells, but the covered cell is never subdivided and nothing leaves the 3x3 block.
    for (const limit of [16, 64, 1024]) {
      const cells = paths(octagon, limit);
      expect(cells).toContain('15.11');
      expect(cells.every((p) => OCTAGON_CELLS.includes(p.split('.').slice(0, 2).join('.')))).toBe(true);
      expect(cells.length).toBeLessThanOrEqual(limit);
    }
  });
});

describe('overview page: small diamond (deepest-cell rule)', () => {
  it('is recorded as the twelve level-4 cells the page lists, with the default limit 16', () => {
    expect([...paths(diamond, 16)].sort()).toEqual([...DIAMOND_CELLS].sort());
  });

  it('is recorded in the same cells whatever the order, since the limit does not bite', () => {
    expect([...paths(diamond, 16, 'hilbert')].sort()).toEqual([...DIAMOND_CELLS].sort());
  });

  it('stays at level 3 (4.4.10 and 4.4.14) when the limit is too small to go down', () => {
    // Level 3 holds 2 cells; 4.4.10 has 3 touched children, so a limit of 4 allows it (2-1+3 = 4),
    // after which 4.4.14 (9 children) would exceed it.
    expect(paths(diamond, 4)).toEqual(['4.4.14', '4.4.10.13', '4.4.10.14', '4.4.10.15']);
    expect(paths(diamond, 3)).toEqual(['4.4.10', '4.4.14']);
  });
});

describe('overview page: bounding box and cell 0', () => {
  it("puts object 'B', completely outside the box, in cell 0 only", () => {
    expect(paths({ kind: 'rect', xmin: 300, ymin: 10, xmax: 320, ymax: 30 }, 16)).toEqual(['0']);
  });

  it("records object 'A', partly outside, in cell 0 and in the cells of its part inside", () => {
    const cells = paths({ kind: 'rect', xmin: -20, ymin: 200, xmax: 40, ymax: 230 }, 16);
    expect(cells[0]).toBe('0');
    expect(cells.slice(1).every((p) => p.startsWith('1.'))).toBe(true);
  });

  it('counts cell 0 apart from the limit (model choice)', () => {
    const cells = tessellate(
      geom,
      { kind: 'rect', xmin: -20, ymin: -20, xmax: 300, ymax: 300 },
      { limit: 1 },
    );
    // The box is covered: 16 interior level-1 cells (level 1 is exempt from the limit) plus cell 0.
    expect(cells).toHaveLength(17);
    expect(cells.filter((c) => c.interior)).toHaveLength(16);
  });
});

describe('overview page: decomposition', () => {
  it('four levels of 4x4 grids make 65,536 level-4 cells', () => {
    expect((2 ** geom.bits[3]) ** 2).toBe(65_536);
  });

  it('a covered level-1 cell is recorded and not tessellated further', () => {
    const cells = tessellate(
      geom,
      { kind: 'rect', xmin: 0, ymin: 192, xmax: 64, ymax: 256 },
      { limit: 1024 },
    );
    const recorded = cells.map((c) => formatCellPath(geom, c.cell));
    expect(cells.filter((c) => c.interior).map((c) => formatCellPath(geom, c.cell))).toEqual(['1']);
    // Its neighbours 2, 5 and 6 touch it along an edge only (closed tests), but nothing below cell 1 is recorded.
    expect(recorded.filter((p) => p.startsWith('1.'))).toEqual([]);
  });
});

describe('points', () => {
  it('go to exactly one level-4 cell with any limit >= 2, and stay at level 1 with limit 1', () => {
    expect(tessellatePoint(geom, 245.5, 242.5, 16).map((c) => formatCellPath(geom, c.cell))).toEqual([
      '4.4.14.6',
    ]);
    expect(tessellatePoint(geom, 245.5, 242.5, 2).map((c) => c.cell.level)).toEqual([4]);
    expect(tessellatePoint(geom, 245.5, 242.5, 1).map((c) => formatCellPath(geom, c.cell))).toEqual(['4']);
    expect(tessellatePoint(geom, -1, 5, 16).map((c) => c.cell.level)).toEqual([0]);
  });

  it('agree with the general procedure for a tiny rectangle around them', () => {
    const got = tessellate(
      geom,
      { kind: 'rect', xmin: 245.4, ymin: 242.4, xmax: 245.6, ymax: 242.6 },
      { limit: 16 },
    );
    expect(got.map((c) => formatCellPath(geom, c.cell))).toEqual(['4.4.14.6']);
  });

  it('on a shared cell edge go to the cell above and to the right (half-open cells)', () => {
    expect(formatCellPath(geom, tessellatePoint(geom, 64, 64, 16)[0]!.cell)).toBe('10.13.13.13');
    expect(formatCellPath(geom, tessellatePoint(geom, 256, 256, 16)[0]!.cell)).toBe('4.4.4.4');
  });
});

describe('query windows (discs)', () => {
  it('never exceed the limit below level 1, and the limit only changes how deep they go', () => {
    const disc: Shape = { kind: 'disc', x: 100, y: 120, radius: 37 };
    for (const limit of [4, 16, 64, 256, 1024]) {
      const cells = tessellate(geom, disc, { limit });
      expect(cells.length).toBeLessThanOrEqual(Math.max(limit, 16));
    }
  });

  it('the order decides which cells are refined when the limit bites', () => {
    const disc: Shape = { kind: 'disc', x: 100, y: 120, radius: 37 };
    const a = paths(disc, 40, 'row-major');
    const b = paths(disc, 40, 'hilbert');
    expect(new Set(a)).not.toEqual(new Set(b));
  });
});

describe('hilbertIndex', () => {
  it.each([4, 8, 16])('is a bijection with unit steps on a grid %i cells wide', (n) => {
    const byIndex = new Map<number, [number, number]>();
    for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) byIndex.set(hilbertIndex(n, x, y), [x, y]);
    expect(byIndex.size).toBe(n * n);
    for (let d = 1; d < n * n; d++) {
      const [ax, ay] = byIndex.get(d - 1)!;
      const [bx, by] = byIndex.get(d)!;
      expect(Math.abs(ax - bx) + Math.abs(ay - by)).toBe(1);
    }
  });
});
