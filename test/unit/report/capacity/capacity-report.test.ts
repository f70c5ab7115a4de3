import { describe, expect, it } from 'vitest';
import { capacityCharts } from '../../../../src/report/capacity/charts.ts';
import { renderCapacityHtml } from '../../../../src/report/capacity/html.ts';
import { renderCapacityMarkdown } from '../../../../src/report/capacity/markdown.ts';
import { reporterFor } from '../../../../src/report/registry.ts';
import { makeCapacityDocument } from '../../../fixtures/capacity-document.ts';

describe('capacity reports', () => {
  const d = makeCapacityDocument();

  it('the fixture has a knee near the synthetic capacity (420/s) and an OODA limit between 8 and 16 triggers/s', () => {
    expect(d.search!.outcome).toBe('knee');
    expect(d.search!.knee!.bracket).toEqual([418, 436]);
    // Depth 7 at 8/s, 19 at 16/s: 10 is reached a quarter of the way, at 10/s.
    expect(d.ooda!.limitTriggersPerSec).toBeCloseTo(10, 12);
  });

  it('capacity.md: the answer, the steps, the sweep with extrapolated predictions, the OODA side', () => {
    const md = renderCapacityMarkdown(d);
    expect(md).toContain(`**${d.search!.summary}**`);
    expect(md).toMatch(/\| 13 \| trial \| 3 \| 436\/s \| 436\/s \| 0 \(0\.0 %\) \|/);
    expect(md).toContain('- first to break: latency.spatial p95 (p95 < 100ms) at 436/s');
    // spatial.knn p95 = 0.02 sqrt(atoms): slope 0.5, and at 3M: 0.02 * sqrt(3e6) = 34.6 ms.
    expect(md).toMatch(
      /\| spatial\.knn \| p95 \| 0\.500 \| 1\.000 \| 0\.000 \| 3 \| 3M: 34\.6 ms \(extrapolated\); 10M: 63\.2 ms \(extrapolated\) \|/,
    );
    expect(md).toContain("Every grown dataset's stored digest equals a fresh seed's");
    expect(md).toContain(
      '**queue depth passes 10 at about 10.0 triggers/s (between 8 and 16); highest rate within the target: 8 triggers/s**',
    );
    expect(md).toContain('| 300k | 100k |');
  });

  it('charts: four curves, each with points, the knee shaded, log-log size axes', () => {
    const charts = capacityCharts(d);
    expect(charts.map((c) => c.id)).toEqual([
      'capacity-latency-rate',
      'capacity-achieved',
      'capacity-atoms',
      'capacity-ooda',
    ]);
    const lat = charts[0]!;
    expect(lat.data[0]).toEqual([50, 100, 200, 400, 418, 436, 476, 566, 800]);
    expect(lat.series.map((s) => s.label)).toEqual([
      'p50',
      'p95',
      'p99',
      'latency.spatial p95 target (p95 < 100ms)',
    ]);
    expect(lat.shade![0]!.label).toMatch(/^knee \d+\/s \(\d+\/s-\d+\/s\)$/);
    const atoms = charts[2]!;
    expect(atoms.x.log && atoms.y.log).toBe(true);
    expect(atoms.data[0]).toEqual([10_000, 100_000, 300_000, 3_000_000, 10_000_000]);
    expect(atoms.series.filter((s) => s.label.includes('extrapolated'))).toHaveLength(2);
    // The measured points never reach the extrapolated sizes.
    expect(atoms.data[1]!.slice(3)).toEqual([null, null]);
  });

  it('capacity.html is one self-contained page with the charts embedded', () => {
    const html = renderCapacityHtml(d);
    expect(html).toContain('default-src &#39;none&#39;');
    expect(html.match(/<div class="chart" data-chart="/g)).toHaveLength(4);
    expect(html).toContain('Predictions beyond the largest measured size are extrapolated');
    expect(reporterFor('capacity', 'html').fileName).toBe('capacity.html');
    expect(reporterFor('capacity', 'json').render(d)).toContain('"schema": "atombench/capacity@1"');
  });
});
