import type { TuneRow, TuneSection } from '../../tune/document.ts';
import type { ChartColor, ChartSpec } from '../html/chart-spec.ts';

/**
 * The tune report's charts as specs (pure): per ranking, the predicted primary filter efficiency of the
 * best configurations (and the current one, wherever it ranks) with the candidate rows each would read.
 * tune.json holds predictions only (the model-only sweep); measured values per configuration are not in
 * it yet, so there is no measured series.
 */

/** The rows a chart or table shows: the first `top`, then the current configuration if it ranks lower. */
export function shownRows(s: TuneSection, top: number): TuneRow[] {
  const rows = s.rows.slice(0, top);
  const current = s.rows.find((r) => r.current) ?? s.current;
  if (!rows.some((r) => r.current)) rows.push(current);
  return rows;
}

function rowColor(r: TuneRow): ChartColor | null {
  return r.current ? 'c1' : r.rank === 1 ? 'pass' : null;
}

export function rankingChart(s: TuneSection, index: number, top = 30): ChartSpec {
  const rows = shownRows(s, top);
  return {
    id: `tune-ranking-${index}`,
    title: `Predicted primary filter efficiency by rank: ${s.label}`,
    note:
      'Bars: predicted rows output / candidate rows (green: recommended, orange: current); line: predicted ' +
      'candidate rows per query (right axis). Measured values per configuration are not in tune.json.',
    x: { label: 'rank', kind: 'category' },
    y: { label: 'primary filter efficiency', kind: 'ratio', fromZero: true },
    y2: { label: 'candidates / query', kind: 'count', fromZero: true },
    xLabels: rows.map((r) => `#${r.rank}${r.current ? ' (current)' : ''}`),
    series: [
      { label: 'predicted efficiency', color: 'c0', style: 'bars', fills: rows.map(rowColor) },
      { label: 'candidates / query', color: 'c3', axis: 'y2', style: 'line' },
    ],
    data: [
      rows.map((_, i) => i),
      rows.map((r) => r.primaryFilterEfficiency),
      rows.map((r) => r.candidateRowsPerQuery),
    ],
  };
}
