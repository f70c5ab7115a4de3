import type { CapacityDocument } from '../../model/capacity.ts';
import { figureHtml, hasPoints, type ChartSpec } from '../html/chart-spec.ts';
import { esc, facts, para, section, table } from '../html/markup.ts';
import { renderPage } from '../html/page.ts';
import { capacityCharts } from './charts.ts';
import { fitRows, kneeFacts, oodaRows, stepRows, sweepRows, type Rows } from './rows.ts';

/**
 * capacity.html: one self-contained page (the shell of report.html): the answer, the curves a planner
 * looks at, and every number in tables beneath them.
 */

function rowsTable(t: Rows, rowClass?: (i: number) => string | undefined): string {
  return table(t.header, t.rows, { numeric: t.numeric, ...(rowClass ? { rowClass } : {}) });
}

function figure(spec: ChartSpec | undefined): string {
  if (!spec) return '';
  return hasPoints(spec)
    ? figureHtml(spec, 'The numbers are in the tables below.')
    : para(`${spec.title}: nothing was measured.`, 'note');
}

export function renderCapacityHtml(d: CapacityDocument): string {
  const charts = capacityCharts(d).filter(hasPoints);
  const chart = (id: string) => figure(charts.find((c) => c.id === id));
  const parts: string[] = [
    `<h1>${esc(`atombench capacity: ${d.scenarioName}`)}</h1>`,
    facts([
      ['engine', `${d.engine.engine} (${d.engine.serverVersion})`],
      [
        'dataset',
        `${d.dataset.atoms.toLocaleString('en-US')} atoms, ${d.dataset.distribution}, seed ${d.dataset.seed}`,
      ],
      [
        'budget',
        `${d.budget.stepsRun} of ${d.budget.maxSteps} steps, ${Math.round(d.budget.elapsedSec)} s of ${d.budget.maxMinutes} min`,
      ],
      ['started', d.startedAt],
      ...(d.interrupted
        ? ([['interrupted', 'yes: what was measured until then']] as [string, string][])
        : []),
    ]),
  ];
  if (d.search) {
    const steps = d.search.steps;
    parts.push(
      section(
        'search',
        'Rate search',
        `<p class="${d.search.outcome === 'knee' ? 'pass' : 'fail'}"><strong>${esc(d.search.summary)}</strong></p>\n` +
          facts(kneeFacts(d)) +
          chart('capacity-latency-rate') +
          chart('capacity-achieved') +
          rowsTable(stepRows(d), (i) => (steps[i]!.verdict === 'good' ? 'pass' : 'fail')),
      ),
    );
  }
  if (d.sweep) {
    const exact =
      d.sweep.growthExact === null
        ? ''
        : para(
            d.sweep.growthExact
              ? "Every grown dataset's stored digest equals a fresh seed's: growing in place measured the same data."
              : 'A grown dataset differs from a fresh seed of its size: the sweep did not measure the same data.',
            d.sweep.growthExact ? 'pass' : 'fail',
          );
    parts.push(
      section(
        'sweep',
        'Scale sweep',
        chart('capacity-atoms') +
          rowsTable(sweepRows(d)) +
          exact +
          para(
            'Predictions beyond the largest measured size are extrapolated from the log-log fit: a guess, never a measurement.',
            'note',
          ) +
          rowsTable(fitRows(d)),
      ),
    );
  }
  if (d.ooda)
    parts.push(
      section(
        'ooda',
        'OODA side',
        `<p><strong>${esc(d.ooda.summary)}</strong></p>\n${chart('capacity-ooda')}${rowsTable(oodaRows(d))}`,
      ),
    );
  parts.push(
    section(
      'targets',
      'Targets judged at every step',
      table(
        ['check', 'target', 'source'],
        [
          ...d.targets.map((t) => [t.check, t.expression, t.source]),
          [
            'dropRatio',
            `<= ${(Number(d.config.maxDropRatio ?? 0) * 100).toFixed(1)} %`,
            'capacity.maxDropRatio',
          ],
        ],
      ),
    ),
  );
  return renderPage({
    title: `atombench capacity: ${d.scenarioName}`,
    body: parts.join('\n'),
    charts,
    footer: `Rendered from capacity.json (${d.schema}); each step's full result is its result.json`,
  });
}
