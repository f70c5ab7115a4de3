import { describe, expect, it } from 'vitest';
import type { OperationRequest } from '../../../src/engines/types.ts';
import { filterSampleAllowed, FILTER_TIME_SHARE, RequestSampler } from '../../../src/probes/poller.ts';

const q = { x: 0, y: 0, z: 0 };

describe('request sampler', () => {
  it('keeps spatial requests only (the operation table says which), spread over the interval', () => {
    const s = new RequestSampler();
    const reqs: OperationRequest[] = [
      { op: 'spatial.pool', q, radius: 1, pool: 10 },
      { op: 'ingest', batchSize: 5, firstIngestIndex: 0 },
      { op: 'spatial.knn', q, k: 3 },
      { op: 'spatial.walk', q, goal: q, radius: 1, steps: 2, pool: 4 },
      { op: 'spatial.dedup', q, threshold: 1 },
    ];
    for (const r of reqs) s.offer(r);
    expect(s.take(10).map((r) => r.op)).toEqual([
      'spatial.pool',
      'spatial.knn',
      'spatial.walk',
      'spatial.dedup',
    ]);
    expect(s.take(10)).toEqual([]);
  });
});

describe('request sampler, past its capacity', () => {
  const knn = (k: number): OperationRequest => ({ op: 'spatial.knn', q, k });

  it('keeps the latest `capacity` requests and spreads the sample over them, oldest first', () => {
    const s = new RequestSampler(4);
    for (let k = 1; k <= 10; k++) s.offer(knn(k));
    expect(s.take(10).map((r) => (r as { k: number }).k)).toEqual([7, 8, 9, 10]);
    for (let k = 11; k <= 16; k++) s.offer(knn(k));
    expect(s.take(2).map((r) => (r as { k: number }).k)).toEqual([13, 15]);
    s.offer(knn(17));
    expect(s.take(3).map((r) => (r as { k: number }).k)).toEqual([17]);
    expect(s.take(3)).toEqual([]);
  });
});

describe('primary filter samples within their time share', () => {
  it('takes the first always, then only while the samples took at most the share of the window', () => {
    expect(filterSampleAllowed({ sampled: 0, spentMs: 0, elapsedMs: 0 })).toBe(true);
    // One 200 ms sample (spatial.pool radius 10 on 1M atoms): the next once 10 s of window passed at 2 %.
    expect(filterSampleAllowed({ sampled: 1, spentMs: 200, elapsedMs: 9_000 })).toBe(false);
    expect(filterSampleAllowed({ sampled: 1, spentMs: 200, elapsedMs: 10_000 })).toBe(true);
    expect(FILTER_TIME_SHARE).toBe(0.02);
    // Cheap samples (a small radius): as many as the cap allows, and never more.
    expect(filterSampleAllowed({ sampled: 7, spentMs: 7, elapsedMs: 7_000 })).toBe(true);
    expect(filterSampleAllowed({ sampled: 8, spentMs: 0, elapsedMs: 1e9 })).toBe(false);
    expect(filterSampleAllowed({ sampled: 2, spentMs: 50, elapsedMs: 1_000, share: 0.1 })).toBe(true);
  });
});
