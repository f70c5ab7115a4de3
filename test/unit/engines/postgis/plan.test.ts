import { describe, expect, it } from 'vitest';
import {
  filterCounts,
  planRoot,
  planSummary,
  usesIndex,
  type PlanNode,
} from '../../../../src/engines/postgis/server/plan.ts';

const IX = 'IX_AtomEmbeddings_SpatialGeometry';

/** Plans in the shape EXPLAIN (FORMAT JSON) returns them, trimmed to the fields plan.ts reads. */
const knnScan = [
  {
    Plan: {
      'Node Type': 'Limit',
      Plans: [
        {
          'Node Type': 'Index Scan',
          'Index Name': IX,
          'Relation Name': 'AtomEmbeddings',
          'Order By': '(g <-> q)',
        },
      ],
    },
  },
];
const bitmap: PlanNode = {
  'Node Type': 'Aggregate',
  Plans: [
    {
      'Node Type': 'Bitmap Heap Scan',
      'Relation Name': 'AtomEmbeddings',
      'Actual Rows': 383,
      'Actual Loops': 1,
      'Rows Removed by Filter': 100,
      Plans: [{ 'Node Type': 'Bitmap Index Scan', 'Index Name': IX, 'Actual Rows': 483, 'Actual Loops': 1 }],
    },
  ],
};
const parallelSeq: PlanNode = {
  'Node Type': 'Finalize Aggregate',
  Plans: [
    {
      'Node Type': 'Gather',
      Plans: [
        {
          'Node Type': 'Seq Scan',
          'Relation Name': 'AtomEmbeddings',
          'Actual Rows': 333333.33,
          'Actual Loops': 3,
          'Rows Removed by Filter': 10,
        },
      ],
    },
  ],
};

describe('postgis EXPLAIN JSON', () => {
  it('finds the spatial index in index, bitmap index and index-only scans, and nowhere else', () => {
    expect(usesIndex(planRoot(knnScan), IX)).toBe(true);
    expect(usesIndex(planRoot(JSON.stringify(knnScan)), IX)).toBe(true);
    expect(usesIndex(bitmap, IX)).toBe(true);
    expect(usesIndex(parallelSeq, IX)).toBe(false);
    expect(usesIndex(bitmap, 'other_index')).toBe(false);
    expect(() => planRoot([{}])).toThrow(/no Plan/);
  });

  it('summarizes a plan on one line', () => {
    expect(planSummary(planRoot(knnScan))).toBe(
      `Limit > Index Scan using ${IX} on AtomEmbeddings (order by <->)`,
    );
  });

  it('counts candidates (output + removed by filter or recheck) and output, times loops', () => {
    expect(filterCounts(bitmap, 'AtomEmbeddings')).toEqual({ candidates: 483, output: 383 });
    expect(filterCounts(parallelSeq, 'AtomEmbeddings')).toEqual({ candidates: 1_000_030, output: 1_000_000 });
    const recheck: PlanNode = {
      'Node Type': 'Index Scan',
      'Relation Name': 'AtomEmbeddings',
      'Actual Rows': 5,
      'Actual Loops': 2,
      'Rows Removed by Index Recheck': 1,
      'Rows Removed by Filter': 2,
    };
    expect(filterCounts(recheck, 'AtomEmbeddings')).toEqual({ candidates: 16, output: 10 });
    expect(filterCounts(bitmap, 'Atoms')).toBeUndefined();
  });
});
