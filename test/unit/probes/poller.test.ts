import { describe, expect, it } from 'vitest';
import type { OperationRequest } from '../../../src/engines/types.ts';
import { RequestSampler } from '../../../src/probes/poller.ts';

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
