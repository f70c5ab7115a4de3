import { describe, expect, it } from 'vitest';
import { opP95Columns, queueColumns } from '../../../../src/report/run/html-data.ts';
import { runCharts } from '../../../../src/report/run/html-charts.ts';
import type { TimeSeriesPoint } from '../../../../src/model/result.ts';
import { makeResult } from '../../../fixtures/result.ts';

const base = { warmup: false, errors: 0, p50Ms: 1, p95Ms: 2, p99Ms: 3 };
const points: TimeSeriesPoint[] = [
  {
    ...base,
    tSec: 1,
    ops: 5,
    byOp: { 'spatial.knn': { ops: 5, errors: 0, p50Ms: 1, p95Ms: 2, p99Ms: 3 } },
    queueDepth: 3,
    queueDepthByQueue: { Analyze: 2, Learn: 1 },
  },
  {
    ...base,
    tSec: 2,
    ops: 4,
    byOp: {
      'spatial.knn': { ops: 2, errors: 2, p50Ms: 0, p95Ms: 0, p99Ms: 0 },
      'spatial.pool': { ops: 2, errors: 0, p50Ms: 50, p95Ms: 80, p99Ms: 90 },
    },
    queueDepth: 0,
    queueDepthByQueue: { Analyze: 0 },
  },
];

describe('per-operation and per-queue series', () => {
  it('gives each operation its p95 column, null where it had no success', () => {
    expect(opP95Columns(points)).toEqual([
      { op: 'spatial.knn', p95Ms: [2, null] },
      { op: 'spatial.pool', p95Ms: [null, 80] },
    ]);
  });

  it('gives each queue its depth column, null where it was not sampled', () => {
    expect(queueColumns(points)).toEqual([
      { queue: 'Analyze', depth: [2, 0] },
      { queue: 'Learn', depth: [1, null] },
    ]);
  });

  it('plots them when the result carries them', () => {
    const result = { ...makeResult(), timeseries: points };
    const { charts } = runCharts(result);
    const byOp = charts.find((c) => c.id === 'latency-op-time');
    expect(byOp?.series.map((s) => s.label)).toEqual(['spatial.knn', 'spatial.pool']);
    const depth = charts.find((c) => c.id === 'queue-depth-time');
    expect(depth?.series.map((s) => s.label).slice(0, 2)).toEqual(['Analyze', 'Learn']);
  });
});

describe('primary filter of sampled queries', () => {
  it('shows the sampled queries own candidate and output counts beside their efficiency', async () => {
    const { probesSection } = await import('../../../../src/report/run/html-details.ts');
    const r = makeResult();
    const op = r.operations[0]!;
    op.primaryFilterEfficiency = 0.25;
    op.primaryFilterSource = 'sampled';
    delete op.candidateRows;
    r.probes.primaryFilter = { [op.op]: { samples: 7, candidates: 4000, output: 1000 } };
    const html = probesSection(r);
    const row = html.split('\n').find((l) => l.includes('7 sampled queries'));
    expect(row).toBeDefined();
    expect(row).toContain('4,000');
    expect(row).toContain('1,000');
    expect(row).not.toContain('n/a');
  });
});
