/**
 * tune.md: the ranking of `atombench tune` (tune.json, src/tune/document.ts) as Markdown tables with the
 * findings, and the measured sections beside it. Pure: the CLI writes the file.
 */
import type { GridConfig } from '../../model/index-config.ts';
import type { TuneJson, TuneRow } from '../../tune/document.ts';
import { boxText, int, num, pct, radiusText } from '../../tune/model/findings.ts';
import { renderMeasuredMarkdown } from './measured.ts';
import { renderOptionsMarkdown } from './options.ts';

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
