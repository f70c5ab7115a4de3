import { boxText, int, num, pct } from '../../tune/model/findings.ts';
import { type TuneMeasured } from '../../tune/sweep/measured.ts';
import { MEASURED_HEADERS, measuredNotes, measuredRows } from './measured.ts';
import { withClause } from './markdown.ts';
import { TUNE_SCHEMA, type TuneJson, type TuneRow, type TuneSection } from '../../tune/document.ts';
import { figureHtml } from '../html/chart-spec.ts';
import { esc, facts, pre, section, table } from '../html/markup.ts';
import { renderPage } from '../html/page.ts';
import { rankingChart, shownRows } from './html-charts.ts';
import { measuredOptionsSection } from './html-options.ts';

/**
 * tune.html: the recommendation first (current vs recommended configuration, with the WITH clause to
 * rebuild), then per query set a chart and the ranking table, then the findings and the model's
 * assumptions. Numbers use tune's own formatters, so they match tune.md.
 */

const TOP = 15;

function configText(r: TuneRow): string {
  return `${r.box} ${boxText(r.boundingBox)}, GRIDS ${r.grids.join(', ')}, CELLS_PER_OBJECT ${r.cellsPerObject}`;
}

function rankingTable(s: TuneSection): string {
  const rows = shownRows(s, TOP);
  return table(
    [
      'rank',
      'box',
      'GRIDS',
      'CELLS_PER_OBJECT',
      'primary filter efficiency',
      'internal filter',
      'candidates / query',
      'output / query',
      'window cells / query',
      'data cells',
      'index rows',
    ],
    rows.map((r) => [
      `${r.rank}${r.current ? ' (current)' : ''}`,
      `${r.box} ${boxText(r.boundingBox)}`,
      r.grids.join(', '),
      r.cellsPerObject,
      pct(r.primaryFilterEfficiency),
      pct(r.internalFilterShare),
      int(r.candidateRowsPerQuery),
      int(r.outputRowsPerQuery),
      num(r.windowCellsPerQuery),
      int(r.dataCells),
      int(r.indexRows),
    ]),
    {
      numeric: [0, 3, 4, 5, 6, 7, 8, 9, 10],
      rowClass: (i) => (rows[i]!.current ? 'current' : rows[i]!.rank === 1 ? 'pass' : undefined),
    },
  );
}

function radiusText(s: TuneSection): string {
  const q = s.queries;
  return q.radiusMin === q.radiusMax ? `${q.radiusMax}` : `${q.radiusMin}..${q.radiusMax}`;
}

/** The measured sweep: prediction beside measurement per configuration (tune without --model-only). */
function measuredSection(m: TuneMeasured): string {
  const body =
    `<p>${esc(`${m.section}: ${m.queries} queries per configuration after ${m.warmupQueries} warm-up, one at a time; primary filter on ${m.filterSamples} sample windows.`)}</p>\n` +
    table(MEASURED_HEADERS, measuredRows(m), {
      numeric: [0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      rowClass: (i) =>
        m.configs[i]!.problems.length ? 'fail' : m.configs[i]!.current ? 'current' : undefined,
    }) +
    `\n<ul>\n${measuredNotes(m)
      .map((n) => `<li>${esc(n)}</li>`)
      .join('\n')}\n</ul>` +
    (m.restore.error ? `\n${pre(m.original.ddl, 'sql')}` : '');
  return section('measured', `Measured on ${m.engine}`, body);
}

function header(t: TuneJson): string {
  const main = t.sections[0];
  const m = t.measured ?? t.measuredOptions;
  const what = m
    ? `predictions of the GEOMETRY_GRID tessellation model, and ${m.configs.length} configuration(s) measured on ${m.engine}`
    : 'predictions of the GEOMETRY_GRID tessellation model, not measurements';
  const lines = [
    '<header class="verdict-bar info">',
    `<div class="verdict">${m ? 'MEASURED' : 'MODEL'}</div>`,
    `<div class="headline"><h1>Spatial index tuning (${m ? 'model and measurements' : 'model only'})</h1>`,
    `<p>${esc(int(t.data.points))} points · ${esc(t.sections.length)} query set(s) · ${esc(t.boxes.length)} candidate bounding boxes · ${esc(what)}</p></div>`,
    '</header>',
  ];
  const foreign = t.engine && !t.engine.gridModelApplies ? t.engine.name : undefined;
  if (t.engine && foreign) lines.push(`<p class="note">${esc(`${foreign}: ${t.engine.note}.`)}</p>`);
  if (t.measuredOptions) lines.push(measuredOptionsSection(t.measuredOptions));
  if (!main) return lines.join('\n');
  const cur = main.current;
  const rec = main.recommended;
  const pairs: [string, string][] = [
    [
      'Current',
      `${configText(cur)}: efficiency ${pct(cur.primaryFilterEfficiency)}, ${int(cur.candidateRowsPerQuery)} candidates / query (rank ${cur.rank})`,
    ],
    [
      'Recommended',
      `${configText(rec)}: efficiency ${pct(rec.primaryFilterEfficiency)}, ${int(rec.candidateRowsPerQuery)} candidates / query`,
    ],
  ];
  lines.push(
    section(
      'recommendation',
      foreign
        ? `SQL Server's GEOMETRY_GRID model for ${main.label} (does not apply to ${foreign}; shown for planning)`
        : `Recommendation for ${main.label}`,
      facts(pairs) + '\n' + pre(withClause(rec), 'sql'),
    ),
  );
  return lines.join('\n');
}

export function renderTuneHtml(t: TuneJson): string {
  const charts = t.sections.map((s, i) => rankingChart(s, i));
  const fallback = 'The numbers behind this chart are in the ranking table below it.';
  const sections = t.sections.map((s, i) =>
    section(
      `ranking-${i}`,
      `Ranking: ${s.label} (${s.queries.count} query windows, radius ${radiusText(s)})`,
      `<div class="charts">${figureHtml(charts[i]!, fallback)}</div>\n${rankingTable(s)}`,
    ),
  );
  const body = [
    header(t),
    section(
      'findings',
      t.engine && !t.engine.gridModelApplies ? 'Findings of the GEOMETRY_GRID model' : 'Findings',
      `<ul>\n${t.findings.map((f) => `<li>${esc(f)}</li>`).join('\n')}\n</ul>`,
    ),
    ...(t.measured ? [measuredSection(t.measured)] : []),
    ...sections,
    section(
      'boxes',
      'Candidate bounding boxes',
      table(
        ['box', 'BOUNDING_BOX', 'why'],
        t.boxes.map((b) => [b.label, boxText(b.box), b.why]),
      ),
    ),
    section(
      'model',
      'Model',
      `<p>${esc(`${t.model.scheme}, SPATIAL_WINDOW_MAX_CELLS = ${t.model.windowMaxCells}, ${t.model.cellOrder} cell order.`)}</p>\n` +
        `<ul>\n${t.model.assumptions.map((a) => `<li>${esc(a)}</li>`).join('\n')}\n</ul>`,
    ),
  ].join('\n');
  return renderPage({
    title: 'atombench tune: spatial index grid settings',
    body,
    charts,
    footer: `Rendered from tune.json (${TUNE_SCHEMA})`,
  });
}
