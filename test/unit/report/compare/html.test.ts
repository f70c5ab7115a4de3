import { describe, expect, it } from 'vitest';
import { fmtChange, fmtInterval } from '../../../../src/report/compare/format.ts';
import { changeChart, compareCharts, latencyChart } from '../../../../src/report/compare/html-charts.ts';
import { renderCompareHtml } from '../../../../src/report/compare/html.ts';
import { makeCompare } from '../html-fixtures.ts';

describe('compare report charts', () => {
  const r = makeCompare();

  it('plots every relative-scale change with its interval and the minimum effect on the worse side', () => {
    const c = changeChart(r)!;
    const rows = r.comparisons.filter((x) => x.scale === 'relative' && x.change !== null);
    expect(c.xLabels).toEqual(rows.map((x) => `${x.op} ${x.metric}`));
    expect(c.data[0]).toEqual(rows.map((_, i) => i));
    expect(c.data[1]).toEqual(rows.map((x) => x.change));
    expect(c.data[2]).toEqual(rows.map((x) => x.interval?.[0] ?? null));
    const pool95 = rows.findIndex((x) => x.op === 'spatial.pool' && x.metric === 'p95');
    const poolTp = rows.findIndex((x) => x.op === 'spatial.pool' && x.metric === 'throughput');
    expect(c.data[4]![pool95]).toBe(0.1); // latency: worse is higher
    expect(c.data[4]![poolTp]).toBe(-0.1); // throughput: worse is lower
    expect(c.series[0]!.fills![pool95]).toBe('fail');
    const knn50 = rows.findIndex((x) => x.op === 'spatial.knn' && x.metric === 'p50');
    expect(c.series[0]!.fills![knn50]).toBe('pass');
    expect(c.series[0]!.fills![poolTp]).toBe('neutral');
  });

  it('puts baseline and candidate latency side by side', () => {
    const c = latencyChart(r)!;
    expect(c.series.map((s) => [s.label, s.barAlign])).toEqual([
      ['baseline main', -1],
      ['candidate pr-42', 1],
    ]);
    expect(c.xLabels).toHaveLength(12); // p50, p95, p99 of three operations and the total
    expect(compareCharts(r).map((x) => x.id)).toEqual(['compare-change', 'compare-latency']);
  });

  it('draws nothing for metrics that were not measured', () => {
    const b = makeCompare();
    for (const c of b.comparisons) {
      c.change = null;
      c.baseline = null;
    }
    expect(compareCharts(b)).toEqual([]);
    expect(renderCompareHtml(b)).not.toContain('<script>');
  });
});

describe('compare report page (compare.html)', () => {
  const r = makeCompare();
  const html = renderCompareHtml(r);

  it('opens with the verdict and the two runs side by side', () => {
    expect(html).toContain('<div class="verdict" data-verdict="fail">REGRESSED</div>');
    expect(html).toContain('6 regressed, 2 improved, 13 no change, 1 n/a');
    expect(html).toContain(
      '<td>run</td><td>20250601T120000Z-postgis-ci-gate</td><td>20250602T120000Z-postgis-ci-gate</td>',
    );
    expect(html).toContain('class="band warn"'); // one trial a side
  });

  it('lists each metric with its change, interval and verdict, regressions first', () => {
    const changes = html.slice(html.indexOf('<section id="changes"'), html.indexOf('<section id="charts"'));
    const rows = changes.split('\n').filter((l) => l.startsWith('<tr class='));
    expect(rows).toHaveLength(8); // 6 regressed, then 2 improved
    expect(rows.slice(0, 6).every((l) => l.includes('badge fail">regressed'))).toBe(true);
    const c = r.comparisons.find((x) => x.op === 'spatial.pool' && x.metric === 'p95')!;
    expect(rows[1]).toContain(`<td class="num">${fmtChange(c, c.change)}</td>`);
    expect(rows[1]).toContain(`<td class="num">${fmtInterval(c, 0.9)}</td>`);
    expect(html).toContain('<h2 id="metrics-h">All 22 metrics</h2>');
  });
});
