import { describe, expect, it } from 'vitest';
import { renderCsv, roundTime, TIMESERIES_COLUMNS } from '../../../../src/report/run/csv.ts';
import { makeResult } from '../../../fixtures/result.ts';

describe('csv reporter', () => {
  it('writes a header and one line per point', () => {
    const r = makeResult();
    const lines = renderCsv(r).trimEnd().split('\n');
    expect(lines[0]).toBe(TIMESERIES_COLUMNS.join(','));
    expect(lines).toHaveLength(1 + r.timeseries.length);
    const p = r.timeseries[17]!;
    const t = (v: number) => roundTime(v);
    expect(lines[18]).toBe(
      `18,false,${p.ops},2,${t(p.p50Ms)},${t(p.p95Ms)},${t(p.p99Ms)},${p.queueDepth},,,`,
    );
    expect(lines[1]!.split(',')[1]).toBe('true');
  });

  it('fills open-loop columns when present', () => {
    const r = makeResult();
    r.timeseries = [
      {
        tSec: 1,
        warmup: false,
        ops: 10,
        errors: 0,
        p50Ms: 1,
        p95Ms: 2,
        p99Ms: 3,
        scheduleLagP99Ms: 0.5,
        dropped: 4,
      },
      {
        tSec: 2,
        warmup: false,
        ops: 1,
        errors: 0,
        p50Ms: 1,
        p95Ms: 1,
        p99Ms: 1,
        maintenance: ['rebuild', 'statistics'],
      },
    ];
    expect(renderCsv(r).split('\n')[1]).toBe('1,false,10,0,1,2,3,,0.5,4,');
    // The maintenance kinds whose window overlapped the interval.
    expect(renderCsv(r).split('\n')[2]).toBe('2,false,1,0,1,1,1,,,,rebuild+statistics');
  });

  it('rounds times to the millisecond and latencies to the microsecond', () => {
    const r = makeResult();
    r.timeseries = [
      {
        tSec: 1.0025564600000003,
        warmup: true,
        ops: 134,
        errors: 0,
        p50Ms: 0.32249999999,
        p95Ms: 81.9834,
        p99Ms: 117.0555,
        scheduleLagP99Ms: 63.42349,
        dropped: 0,
      },
    ];
    expect(renderCsv(r).split('\n')[1]).toBe('1.003,true,134,0,0.322,81.983,117.056,,63.423,0,');
    expect([roundTime(1.9998863470000001), roundTime(4.011218539), roundTime(0), roundTime(2.5)]).toEqual([
      '2',
      '4.011',
      '0',
      '2.5',
    ]);
  });

  it('writes only the header for an empty series', () => {
    const r = makeResult();
    r.timeseries = [];
    expect(renderCsv(r)).toBe(`${TIMESERIES_COLUMNS.join(',')}\n`);
  });
});
