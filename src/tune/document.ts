/**
 * tune.json (schema id `atombench/tune@1`): the ranking of `atombench tune` as data, with what was
 * measured on the server beside it. Built here from the model's rankings; rendered by src/report/tune/.
 */
import type { BoundingBox, Grids } from '../model/index-config.ts';
import type { TuneMeasured } from './sweep/measured.ts';
import type { TuneMeasuredOptions } from './sweep/measured-options.ts';
import type { CandidateBox, RankRow, Ranking } from './model/rank.ts';

export const TUNE_SCHEMA = 'atombench/tune@1';

/** One configuration with its prediction; per-query numbers are averages over the query windows. */
export interface TuneRow {
  rank: number;
  box: string;
  boundingBox: BoundingBox;
  grids: Grids;
  cellsPerObject: number;
  current: boolean;
  primaryFilterEfficiency: number;
  internalFilterShare: number;
  indexRows: number;
  indexRowsPerObject: number;
  level0Rows: number;
  candidateRowsPerQuery: number;
  outputRowsPerQuery: number;
  windowCellsPerQuery: number;
  /** Distinct cells (at the level points are recorded, plus level 0 if used) holding data. */
  dataCells: number;
  dataBoxShare: number;
}

export interface TuneSection {
  label: string;
  queries: Ranking['queries'];
  current: TuneRow;
  recommended: TuneRow;
  rows: TuneRow[];
}

export interface TuneJson {
  schema: typeof TUNE_SCHEMA;
  model: { scheme: 'GEOMETRY_GRID'; windowMaxCells: number; cellOrder: string; assumptions: string[] };
  data: Ranking['data'];
  boxes: CandidateBox[];
  cellsPerObject: number[];
  /** The scenario's query set first, then any what-if query sets (e.g. a smaller radius). */
  sections: TuneSection[];
  findings: string[];
  /** Measured on the engine (tune without --model-only on mssql): additive, absent in model-only runs. */
  measured?: TuneMeasured;
  /** Measured index options on engines whose index is not a grid (tune --engine postgis): additive. */
  measuredOptions?: TuneMeasuredOptions;
  /** Set on engines the grid model does not describe (postgis, sqlite): what their index offers instead. */
  engine?: { name: string; gridModelApplies: boolean; note: string };
}

/** Stated in tune.json and tune.md so a reader knows what the numbers rest on. */
export const MODEL_ASSUMPTIONS: readonly string[] = [
  'Tessellation rules of the spatial indexes overview page: level 1 fills the box, level 0 outside, breadth first, covering rule, cells-per-object rule (not on level 1), deepest-cell rule.',
  "Cells are taken in the page's row-wise order (or a standard Hilbert curve); SQL Server's Hilbert variant is undocumented, and order only matters when the limit bites.",
  'A point is one index row: one level-4 cell (level 1 with CELLS_PER_OBJECT = 1), or level 0 outside the box; a point on a cell edge goes to the cell above/right.',
  'A query window @q.STBuffer(r) is modelled as the exact disc; SQL Server buffers to a polygon, so rim cells may differ.',
  'Query windows are tessellated by the same rules with SPATIAL_WINDOW_MAX_CELLS as the limit (default assumed 1024, UNCONFIRMED); level 0 does not count toward a limit.',
  'A row is a candidate once per query if any of its cells equals, contains or lies inside a window cell; rows in fully covered window cells pass the internal filter.',
];

export function toTuneRow(r: RankRow): TuneRow {
  const p = r.prediction;
  const q = Math.max(1, p.queries);
  return {
    rank: r.rank,
    box: r.boxLabel,
    boundingBox: r.config.boundingBox,
    grids: r.config.grids,
    cellsPerObject: r.config.cellsPerObject,
    current: r.isCurrent,
    primaryFilterEfficiency: p.primaryFilterEfficiency,
    internalFilterShare: p.internalFilterShare,
    indexRows: p.indexRows,
    indexRowsPerObject: p.indexRowsPerObject,
    level0Rows: p.level0Rows,
    candidateRowsPerQuery: p.candidateRows / q,
    outputRowsPerQuery: p.outputRows / q,
    windowCellsPerQuery: p.windowCells / q,
    dataCells: p.distinctDataCells,
    dataBoxShare: p.dataBoxShare,
  };
}

export function tuneJson(
  main: Ranking,
  findings: readonly string[],
  whatIfs: readonly { label: string; ranking: Ranking }[] = [],
): TuneJson {
  const section = (label: string, r: Ranking): TuneSection => ({
    label,
    queries: r.queries,
    current: toTuneRow(r.current),
    recommended: toTuneRow(r.best),
    rows: r.rows.map(toTuneRow),
  });
  return {
    schema: TUNE_SCHEMA,
    model: {
      scheme: 'GEOMETRY_GRID',
      windowMaxCells: main.model.windowMaxCells,
      cellOrder: main.model.order,
      assumptions: [...MODEL_ASSUMPTIONS],
    },
    data: main.data,
    boxes: main.boxes,
    cellsPerObject: main.cellsPerObjectList,
    sections: [section('scenario queries', main), ...whatIfs.map((w) => section(w.label, w.ranking))],
    findings: [...findings],
  };
}
