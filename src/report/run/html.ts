import { verdictLabel } from '../format.ts';
import { RESULT_SCHEMA, type RunResult } from '../../model/result.ts';
import { figureHtml } from '../html/chart-spec.ts';
import { esc, section } from '../html/markup.ts';
import { renderPage } from '../html/page.ts';
import { runCharts } from './html-charts.ts';
import {
  clientSection,
  fingerprintSection,
  graphSection,
  loadSection,
  oodaSection,
  operationsSection,
  probesSection,
} from './html-details.ts';
import { header, scenarioName, targetsSection, tilesHtml } from './html-summary.ts';

/**
 * report.html for a run: verdict, tiles and targets first, then the charts, then every table. Pure apart
 * from reading the inlined assets once (assets.ts).
 */
export function renderRunHtml(result: RunResult): string {
  const { charts, missing } = runCharts(result);
  const fallback = 'The numbers behind this chart are in the tables below and in timeseries.csv.';
  const missingHtml = missing
    .map((m) => `<p class="missing"><strong>${esc(m.title)}:</strong> not plotted — ${esc(m.reason)}.</p>`)
    .join('\n');
  // The charts follow the targets without a visible heading of their own, to keep them above the fold.
  const chartsHtml =
    '<section id="charts" aria-labelledby="charts-h">\n<h2 id="charts-h" class="sr-only">Charts</h2>\n' +
    `<div class="charts">\n${charts.map((c) => figureHtml(c, fallback)).join('\n')}\n</div>\n${missingHtml}\n</section>`;
  const body = [
    header(result),
    `<div class="top">\n${targetsSection(result)}\n<aside>\n${section('key', 'Key measurements', tilesHtml(result))}\n</aside>\n</div>`,
    chartsHtml,
    operationsSection(result),
    probesSection(result),
    loadSection(result),
    oodaSection(result),
    graphSection(result),
    clientSection(result),
    fingerprintSection(result),
  ]
    .filter((part) => part !== '')
    .join('\n');
  return renderPage({
    title: `atombench ${scenarioName(result)}: ${verdictLabel(result.verdict)}`,
    body,
    charts,
    footer: `Rendered from result.json (${RESULT_SCHEMA}) of run ${result.runId}`,
  });
}
