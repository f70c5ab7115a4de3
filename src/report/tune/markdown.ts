/**
 * tune.json (schema id `atombench/tune@1`) and tune.md: the ranking of `atombench tune --model-only` as data
 * and as a Markdown table with the findings. Pure: the CLI writes the files.
 */
import type { BoundingBox, GridConfig, Grids } from '../../model/index-config.ts';
import { boxText, int, num, pct, radiusText } from '../../tune/findings.ts';
import { renderMeasuredMarkdown, type TuneMeasured } from '../../tune/measured.ts';
import { renderOptionsMarkdown, type TuneMeasuredOptions } from '../../tune/measured-options.ts';
import type { CandidateBox, RankRow, Ranking } from '../../tune/rank.ts';

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

export interface MarkdownOptions {
  /** Table rows per section after merging rows that differ only in CELLS_PER_OBJECT (default 15). */
  top?: number;
}

export function renderTuneMarkdown(report: TuneJson, options: MarkdownOptions = {}): string {
  const top = options.top ?? 15;
  const kind = report.measured || report.measuredOptions ? 'model and measurements' : 'model only';
  const lines: string[] = [`# Spatial index tuning (${kind})`, ''];
  const foreign = report.engine && !report.engine.gridModelApplies ? report.engine : undefined;
  if (foreign) lines.push(`> **${foreign.name}**: ${foreign.note}.`, '');
  if (report.measuredOptions) lines.push(...renderOptionsMarkdown(report.measuredOptions), '');
  if (foreign)
    lines.push(
      `## SQL Server's GEOMETRY_GRID model (does not apply to ${foreign.name}; shown for planning)`,
      '',
    );
  lines.push(`${int(report.data.points)} points; candidate bounding boxes:`, '');
  for (const b of report.boxes) lines.push(`- **${b.label}** ${boxText(b.box)}: ${b.why}`);
  lines.push('', foreign ? '## Findings of the GEOMETRY_GRID model' : '## Findings', '');
  for (const f of report.findings) lines.push(`- ${f}`);
  if (report.measured) lines.push('', ...renderMeasuredMarkdown(report.measured));
  for (const s of report.sections) {
    const radius = radiusText(s.queries);
    lines.push('', `## Ranking: ${s.label} (${s.queries.count} query windows, radius ${radius})`, '');
    lines.push(...table(s.rows, top));
  }
  lines.push('', '## Model', '');
  lines.push(
    `GEOMETRY_GRID, SPATIAL_WINDOW_MAX_CELLS = ${report.model.windowMaxCells}, ${report.model.cellOrder} cell order.`,
    '',
  );
  for (const a of report.model.assumptions) lines.push(`- ${a}`);
  return lines.join('\n') + '\n';
}

interface Group {
  first: TuneRow;
  cellsPerObject: number[];
  current: boolean;
}

/** Rows that differ only in CELLS_PER_OBJECT (common for points) are merged into one line. */
function table(rows: readonly TuneRow[], top: number): string[] {
  const groups: Group[] = [];
  const byKey = new Map<string, Group>();
  for (const r of rows) {
    const key = [
      r.box,
      r.grids.join(','),
      r.primaryFilterEfficiency,
      r.candidateRowsPerQuery,
      r.indexRows,
    ].join('|');
    const g = byKey.get(key);
    if (g) {
      g.cellsPerObject.push(r.cellsPerObject);
      g.current ||= r.current;
    } else {
      const ng = { first: r, cellsPerObject: [r.cellsPerObject], current: r.current };
      byKey.set(key, ng);
      groups.push(ng);
    }
  }
  const shown = groups.slice(0, top);
  const cur = groups.find((g) => g.current);
  const out = [
    '| rank | box | GRIDS | CELLS_PER_OBJECT | primary filter efficiency | internal filter | candidates / query | output / query | window cells / query | data cells | index rows |',
    '|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const line = (g: Group) => {
    const r = g.first;
    const cpo = [...g.cellsPerObject].sort((a, b) => a - b).join(', ');
    return `| ${r.rank}${g.current ? ' (current)' : ''} | ${r.box} ${boxText(r.boundingBox)} | ${r.grids.join(', ')} | ${cpo} | ${pct(r.primaryFilterEfficiency)} | ${pct(r.internalFilterShare)} | ${int(r.candidateRowsPerQuery)} | ${int(r.outputRowsPerQuery)} | ${num(r.windowCellsPerQuery)} | ${int(r.dataCells)} | ${int(r.indexRows)} |`;
  };
  for (const g of shown) out.push(line(g));
  if (cur && !shown.includes(cur)) out.push('| ... | | | | | | | | | | |', line(cur));
  return out;
}

/** The CREATE SPATIAL INDEX options of a configuration, for copying into a rebuild script. */
export function withClause(cfg: GridConfig): string {
  const [l1, l2, l3, l4] = cfg.grids;
  return (
    `WITH (BOUNDING_BOX = ${boxText(cfg.boundingBox)}, ` +
    `GRIDS = (LEVEL_1 = ${l1}, LEVEL_2 = ${l2}, LEVEL_3 = ${l3}, LEVEL_4 = ${l4}), CELLS_PER_OBJECT = ${cfg.cellsPerObject})`
  );
}
