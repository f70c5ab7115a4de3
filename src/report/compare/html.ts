import {
  countsLine,
  fmtChange,
  fmtInterval,
  fmtMethod,
  fmtP,
  fmtValue,
  METRIC_HEADER,
  verdictTitle,
} from './format.ts';
import { COMPARE_SCHEMA, type CompareResult, type MetricComparison } from '../../compare/model.ts';
import { figureHtml } from '../html/chart-spec.ts';
import { compareCharts } from './html-charts.ts';
import { esc, para, raw, section, table, type Cell } from '../html/markup.ts';
import { renderPage } from '../html/page.ts';

/**
 * compare.html: baseline vs candidate side by side, the verdict first, then every metric with its
 * change, interval and verdict (server-rendered, so it reads without JavaScript), with two charts.
 * Cells use compare's own formatters, so they match compare.md.
 */

function changeClass(c: MetricComparison): 'fail' | 'pass' | undefined {
  return c.verdict === 'regressed' ? 'fail' : c.verdict === 'improved' ? 'pass' : undefined;
}

function verdictBadge(c: MetricComparison): Cell {
  const text = c.gated ? c.verdict : `${c.verdict} (not gated)`;
  return raw(`<span class="badge ${changeClass(c) ?? 'na'}">${esc(text)}</span>`);
}

function metricsTable(rows: readonly MetricComparison[], nominal: number): string {
  return table(
    [...METRIC_HEADER, 'method'],
    rows.map((c) => [
      c.op,
      c.metric,
      fmtValue(c, c.baseline),
      fmtValue(c, c.candidate),
      fmtChange(c, c.change),
      fmtInterval(c, nominal),
      fmtP(c.pValue),
      c.minEffectText,
      verdictBadge(c),
      c.method ? fmtMethod(c) : (c.note ?? '—'),
    ]),
    {
      numeric: [2, 3, 4, 5, 6, 7],
      rowClass: (i) => changeClass(rows[i]!),
    },
  );
}

function header(r: CompareResult): string {
  const v = verdictTitle(r);
  const cls = r.verdict === 'fail' ? 'fail' : 'pass';
  const runs = table(
    ['', 'baseline', 'candidate'],
    [
      ['label', r.baseline.label, r.candidate.label],
      ['run', r.baseline.runId, r.candidate.runId],
      ['started', r.baseline.startedAt, r.candidate.startedAt],
      ['trials', r.baseline.trials, r.candidate.trials],
      ['scenario', r.baseline.scenario || 'unnamed', r.candidate.scenario || 'unnamed'],
      ['engine', r.baseline.engine, r.candidate.engine],
    ],
    { className: 'kv' },
  );
  const out = [
    `<header class="verdict-bar ${cls}">`,
    `<div class="verdict" data-verdict="${esc(r.verdict)}">${esc(v)}</div>`,
    `<div class="headline"><h1>atombench compare: ${esc(r.candidate.scenario || 'unnamed')}</h1>`,
    `<p>${esc(countsLine(r))} · ${esc(r.counts.gated)} metrics gated · intervals at ${esc(Math.round(r.settings.confidence * 100))}%</p></div>`,
    '</header>',
    ...r.warnings.map((w) => `<div class="band warn" role="alert"><strong>Warning.</strong> ${esc(w)}</div>`),
    section('runs', 'Baseline and candidate', runs),
  ];
  return out.join('\n');
}

function howJudged(r: CompareResult): string {
  const s = r.settings;
  const parts = [
    para(
      `A metric regressed when it moved the wrong way, significantly (one-sided p ≤ ${s.alpha}) and by more than its ` +
        `minimum effect. Change: relative for latency and throughput, percentage points for ratios, messages for queue ` +
        `depth. With ≥ ${s.minTrialsForRankTest} trials a side: Mann-Whitney U and the Hodges-Lehmann shift; with fewer: ` +
        `a seeded bootstrap (${s.bootstrapResamples} resamples, seed ${s.seed}) of the HDR histograms, Poisson counts ` +
        'for throughput, Newcombe intervals for ratios.',
    ),
  ];
  if (r.ignoredDifferences.length > 0)
    parts.push(
      table(
        ['fingerprint field (ignored on request)', 'baseline', 'candidate'],
        r.ignoredDifferences.map((d) => [d.field, d.baseline, d.candidate]),
      ),
    );
  return section('method', 'How this was judged', parts.join('\n'));
}

export function renderCompareHtml(r: CompareResult): string {
  const charts = compareCharts(r);
  const nominal = r.settings.confidence;
  const changed = r.comparisons.filter((c) => c.verdict === 'regressed' || c.verdict === 'improved');
  changed.sort((a, b) => (a.verdict === b.verdict ? 0 : a.verdict === 'regressed' ? -1 : 1));
  const fallback = 'The numbers behind this chart are in the table of all metrics.';
  const body = [
    header(r),
    section(
      'changes',
      'Changes',
      changed.length === 0
        ? para('No metric changed significantly by more than its minimum effect.')
        : metricsTable(changed, nominal),
    ),
    charts.length > 0
      ? `<section id="charts" aria-labelledby="charts-h">\n<h2 id="charts-h" class="sr-only">Charts</h2>\n<div class="charts">\n${charts.map((c) => figureHtml(c, fallback)).join('\n')}\n</div>\n</section>`
      : '',
    section('metrics', `All ${r.comparisons.length} metrics`, metricsTable(r.comparisons, nominal)),
    howJudged(r),
  ].join('\n');
  return renderPage({
    title: `atombench compare: ${verdictTitle(r)}`,
    body,
    charts,
    footer: `Rendered from compare.json (${COMPARE_SCHEMA}), ${r.baseline.runId} → ${r.candidate.runId}`,
  });
}
