import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../../src/model/result.ts';
import { runCharts } from '../../../../src/report/run/html-charts.ts';
import { renderMarkdown } from '../../../../src/report/run/markdown.ts';
import { makeResult } from '../../../fixtures/result.ts';

function withMaintenance(): RunResult {
  const r = makeResult();
  r.maintenance = {
    updateStatisticsEverySec: 10,
    rebuildIndexEverySec: 20,
    windows: [
      {
        kind: 'statistics',
        startSec: 10,
        endSec: 10.5,
        statements: ['UPDATE STATISTICS [dbo].[Atoms] WITH FULLSCAN;'],
      },
      { kind: 'rebuild', startSec: 20, endSec: 23.25, statements: [], error: 'lock timeout' },
    ],
    interference: [
      {
        op: 'spatial.pool',
        inside: { count: 120, p50Ms: 3, p95Ms: 9 },
        outside: { count: 900, p50Ms: 2, p95Ms: 4.5 },
        p95Ratio: { value: { ratio: 2, lo: 1.6, hi: 2.4 } },
        p95DifferenceMs: 4.5,
      },
      {
        op: 'spatial.knn',
        inside: { count: 3, p50Ms: 1, p95Ms: 1 },
        outside: { count: 900, p50Ms: 1, p95Ms: 1 },
        p95Ratio: { na: 'too few requests to compare' },
      },
    ],
  };
  return r;
}

describe('maintenance in the run reports', () => {
  it('summary.md: the schedule, each window, and the interference table with the interval', () => {
    const md = renderMarkdown(withMaintenance());
    expect(md).toContain('## Index maintenance');
    expect(md).toContain('Scheduled: statistics every 10 s, index rebuild every 20 s; 2 windows ran.');
    expect(md).toContain('- statistics 10.00-10.50 s (UPDATE STATISTICS [dbo].[Atoms] WITH FULLSCAN;)');
    expect(md).toContain('- rebuild 20.00-23.25 s (failed: lock timeout)');
    const row = md.split('\n').find((l) => l.startsWith('| spatial.pool |') && l.includes('['));
    expect(row).toMatch(
      /^\| spatial\.pool \| 120 \| 9(\.0+)? \| 900 \| 4\.50? \| 2\.00 \[1\.60, 2\.40\] \| 4\.50? \|$/,
    );
    expect(md.split('\n').find((l) => l.startsWith('| spatial.knn |') && l.includes('n/a ('))).toContain(
      'n/a (too few requests to compare)',
    );
    expect(renderMarkdown(makeResult())).not.toContain('## Index maintenance');
  });

  it('report.html: each window shaded and labelled on the latency-over-time charts', () => {
    const { charts } = runCharts(withMaintenance());
    const time = charts.find((c) => c.id === 'latency-time')!;
    expect(time.shade).toEqual(
      expect.arrayContaining([
        { from: 10, to: 10.5, label: 'UPDATE STATISTICS / ANALYZE' },
        { from: 20, to: 23.25, label: 'index rebuild' },
      ]),
    );
    expect(time.note).toContain('maintenance window');
    const plain = runCharts(makeResult()).charts.find((c) => c.id === 'latency-time')!;
    expect(plain.shade!.every((s) => s.label === 'warm-up')).toBe(true);
  });
});
