/**
 * Ranks GEOMETRY_GRID configurations by the model's predicted primary filter efficiency: all 81 GRIDS
 * combinations x a CELLS_PER_OBJECT list x candidate bounding boxes (the scenario's, and boxes fitted to the
 * data). Pure: the caller brings the predictor (predict.ts), which caches the expensive parts.
 */
import { type Rect } from './grid.ts';
import { type BoundingBox, type GridConfig, type Grids, GRID_DENSITIES } from '../../model/index-config.ts';
import type { ModelOptions, Prediction, Predictor } from './predict.ts';

/**
 * Default CELLS_PER_OBJECT values: 16 is the GEOMETRY_GRID default and what Hartonomous deploys, 8 the
 * GEOMETRY_AUTO_GRID default (the low end of the runbook-era indexes); 64 and 1024 are what one tries for
 * large polygons. For a column of points they all predict the same (a point is one cell at any limit >= 2),
 * which is itself worth showing; 1 is the one value that changes points: they stay at level 1.
 */
export const DEFAULT_CELLS_PER_OBJECT: readonly number[] = [1, 8, 16, 64, 1024];

export interface CandidateBox {
  label: string;
  box: BoundingBox;
  why: string;
}

/** All 81 GRIDS combinations, LOW before MEDIUM before HIGH at each level. */
export function allGrids(): Grids[] {
  const out: Grids[] = [];
  for (const a of GRID_DENSITIES)
    for (const b of GRID_DENSITIES)
      for (const c of GRID_DENSITIES) for (const d of GRID_DENSITIES) out.push([a, b, c, d]);
  return out;
}

export interface FitOptions {
  /** Added on every side, e.g. the query radius so windows centred on the data stay inside the box. */
  padding?: number;
  /** Extra room relative to the data's half-extent (default 0.1) for atoms that land just outside it later. */
  marginFraction?: number;
}

/**
 * A square box around the data's extent. Square, because the grids are square in cell counts: a non-square
 * box stretches cells, and discs (the query windows) tessellate worst into long thin cells. The half-width is
 * the larger half-extent times (1 + margin) plus padding, rounded outward to two significant digits so the
 * DDL reads like one a DBA would write (e.g. -0.13..0.13).
 */
export function fitBoundingBox(extent: Rect, options: FitOptions = {}): BoundingBox {
  const { padding = 0, marginFraction = 0.1 } = options;
  const cx = (extent.xmin + extent.xmax) / 2;
  const cy = (extent.ymin + extent.ymax) / 2;
  const halfData = Math.max(extent.xmax - extent.xmin, extent.ymax - extent.ymin) / 2;
  let half = halfData * (1 + marginFraction) + padding;
  if (!(half > 0)) half = Math.max(Math.abs(cx), Math.abs(cy), 1) * 1e-6;
  const step = 10 ** (Math.floor(Math.log10(half)) - 1);
  const lo = (c: number) => roundTo(Math.floor((c - half) / step) * step, step);
  const hi = (c: number) => roundTo(Math.ceil((c + half) / step) * step, step);
  return [lo(cx), lo(cy), hi(cx), hi(cy)];
}

function roundTo(v: number, step: number): number {
  // Strip binary noise (0.13000000000000003) without moving the value by more than a fraction of a step.
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  return Number(v.toFixed(Math.min(digits, 20)));
}

/**
 * The scenario's box; one fitted to the data with a 10 % margin; and, when query windows are given, one
 * padded by the largest radius too, so windows centred on the data stay inside the box. In this model the
 * part of a window outside the box only adds the level-0 cell, which is empty when the box holds all the
 * data, so the padded box can only lose resolution; it is listed because it is the box a DBA would draw to
 * "fit the queries", and the ranking shows what that costs.
 */
export function candidateBoxes(
  scenarioBox: BoundingBox,
  extent: Rect | null,
  maxRadius: number,
): CandidateBox[] {
  const boxes: CandidateBox[] = [{ label: 'scenario', box: scenarioBox, why: "the scenario's BOUNDING_BOX" }];
  if (!extent) return boxes;
  const add = (label: string, box: BoundingBox, why: string) => {
    if (!boxes.some((b) => b.box.every((v, i) => v === box[i]))) boxes.push({ label, box, why });
  };
  add('fitted', fitBoundingBox(extent), "the data's extent plus a 10% margin, made square");
  if (maxRadius > 0)
    add(
      'fitted+radius',
      fitBoundingBox(extent, { padding: maxRadius }),
      `the data's extent padded by the query radius ${maxRadius} and a 10% margin, made square`,
    );
  return boxes;
}

export interface RankRow {
  rank: number;
  boxLabel: string;
  config: GridConfig;
  prediction: Prediction;
  isCurrent: boolean;
}

export interface Ranking {
  rows: RankRow[];
  current: RankRow;
  best: RankRow;
  boxes: CandidateBox[];
  cellsPerObjectList: number[];
  data: { points: number; extent: Rect | null };
  queries: { count: number; radiusMin: number; radiusMax: number };
  model: Required<ModelOptions>;
}

export interface RankOptions {
  boxes: CandidateBox[];
  cellsPerObjectList?: readonly number[];
}

/**
 * Every configuration, best first: higher predicted primary filter efficiency, then fewer index rows, then
 * fewer candidate rows, then a higher internal filter share (fewer exact STIntersects calls); remaining ties
 * prefer the current configuration (no rebuild for nothing), then the earlier candidate box, the smaller
 * CELLS_PER_OBJECT and the coarser GRIDS.
 */
export function rankConfigurations(predictor: Predictor, current: GridConfig, options: RankOptions): Ranking {
  const boxes = options.boxes.some((b) => sameBox(b.box, current.boundingBox))
    ? options.boxes
    : [{ label: 'current', box: current.boundingBox, why: 'the current BOUNDING_BOX' }, ...options.boxes];
  const cellsPerObjectList = [
    ...new Set([...(options.cellsPerObjectList ?? DEFAULT_CELLS_PER_OBJECT), current.cellsPerObject]),
  ].sort((a, b) => a - b);
  const grids = allGrids();
  const rows: (RankRow & { order: number[] })[] = [];
  boxes.forEach((b, bi) => {
    grids.forEach((g, gi) => {
      for (const cellsPerObject of cellsPerObjectList) {
        const config: GridConfig = { boundingBox: b.box, grids: g, cellsPerObject };
        const isCurrent =
          sameBox(b.box, current.boundingBox) &&
          g.every((d, i) => d === current.grids[i]) &&
          cellsPerObject === current.cellsPerObject;
        rows.push({
          rank: 0,
          boxLabel: b.label,
          config,
          prediction: predictor.predict(config),
          isCurrent,
          order: [bi, cellsPerObject, gi],
        });
      }
    });
  });
  rows.sort((a, b) => compareRows(a, b));
  const ranked: RankRow[] = rows.map(({ order: _order, ...r }, i) => ({ ...r, rank: i + 1 }));
  const currentRow = ranked.find((r) => r.isCurrent)!;
  const radii = predictor.windows.map((w) => w.radius);
  return {
    rows: ranked,
    current: currentRow,
    best: ranked[0]!,
    boxes,
    cellsPerObjectList,
    data: { points: predictor.table.count, extent: predictor.table.extent },
    queries: {
      count: radii.length,
      radiusMin: radii.length ? radii.reduce((a, b) => Math.min(a, b)) : 0,
      radiusMax: radii.length ? radii.reduce((a, b) => Math.max(a, b)) : 0,
    },
    model: predictor.options,
  };
}

function compareRows(a: RankRow & { order: number[] }, b: RankRow & { order: number[] }): number {
  const pa = a.prediction;
  const pb = b.prediction;
  return (
    pb.primaryFilterEfficiency - pa.primaryFilterEfficiency ||
    pa.indexRows - pb.indexRows ||
    pa.candidateRows - pb.candidateRows ||
    pb.internalFilterShare - pa.internalFilterShare ||
    Number(b.isCurrent) - Number(a.isCurrent) ||
    a.order[0]! - b.order[0]! ||
    a.order[1]! - b.order[1]! ||
    a.order[2]! - b.order[2]!
  );
}

function sameBox(a: BoundingBox, b: BoundingBox): boolean {
  return a.every((v, i) => v === b[i]);
}
