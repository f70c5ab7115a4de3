import { describe, expect, it } from 'vitest';
import { createQuerySource } from '../../../src/dataset/queries.ts';
import { globalRequestIndex } from '../../../src/load/shard.ts';
import { scenarioSchema } from '../../../src/scenario/schema.ts';
import {
  createRequestStream,
  INGEST_STRIDE,
  POINTS_PER_REQUEST,
} from '../../../src/workload/request-stream.ts';

const sc = scenarioSchema.parse({
  name: 'shards',
  dataset: { atoms: 1000 },
  workload: {
    mix: [
      { op: 'spatial.pool', weight: 3, radius: { min: 5, max: 15 }, pool: 50 },
      { op: 'spatial.knn', weight: 2, k: { values: [5, 10] } },
      { op: 'spatial.walk', weight: 1, radius: 2, steps: 4, pool: 8 },
      { op: 'ingest', weight: 1, batchSize: 5 },
    ],
  },
});

function stream() {
  const points = createQuerySource(sc.dataset, sc.workload.queryJitter, 7);
  return { points, requests: createRequestStream(sc.workload.mix, points, 7) };
}

describe('the single-run request stream', () => {
  it('makes request k a pure function of k: the same whatever was drawn before', () => {
    const a = stream().requests;
    const b = stream().requests;
    const late = a.at(123);
    for (let k = 0; k < 50; k++) b.at(k);
    expect(b.at(123)).toEqual(late);
    expect(a.at(0)).not.toEqual(a.at(1));
  });

  it('uses query points 2k and 2k + 1 of the run (the walk: start and goal)', () => {
    const { points, requests } = stream();
    let walks = 0;
    for (let k = 0; k < 200; k++) {
      const r = requests.at(k);
      expect(['spatial.pool', 'spatial.knn', 'spatial.walk', 'ingest']).toContain(r.op);
      if ('q' in r) expect(r.q).toEqual(points.at(k * POINTS_PER_REQUEST));
      if (r.op === 'spatial.walk') {
        walks++;
        expect(r.goal).toEqual(points.at(k * POINTS_PER_REQUEST + 1));
        expect(r).toMatchObject({ radius: 2, steps: 4, pool: 8 });
      }
      if (r.op === 'spatial.pool') {
        expect(r.radius).toBeGreaterThanOrEqual(5);
        expect(r.radius).toBeLessThan(15);
      }
      if (r.op === 'spatial.knn') expect([5, 10]).toContain(r.k);
      if (r.op === 'ingest')
        expect(r).toEqual({ op: 'ingest', batchSize: 5, firstIngestIndex: k * INGEST_STRIDE });
    }
    expect(walks).toBeGreaterThan(10); // weight 1 of 7
  });

  it('gives 4 shards disjoint slices whose union is the unsharded stream, request for request', () => {
    const whole = Array.from({ length: 400 }, (_, k) => stream().requests.at(k));
    const union = new Map<number, unknown>();
    for (let index = 0; index < 4; index++) {
      const own = stream().requests; // each shard its own process: its own stream object
      for (let m = 0; m < 100; m++) {
        const k = globalRequestIndex(m, { index, count: 4 });
        expect(union.has(k)).toBe(false);
        union.set(k, own.at(k));
      }
    }
    expect([...union.keys()].sort((a, b) => a - b)).toEqual(whole.map((_, k) => k));
    for (const [k, r] of union) expect(r).toEqual(whole[k]);
  });
});
