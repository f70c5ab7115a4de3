import { describe, expect, it } from 'vitest';
import { isSpatialOperation, OPERATION_KINDS, OPERATION_NAMES } from '../../../src/model/operations.ts';
import { operationSchema } from '../../../src/scenario/workload-schema.ts';
import { OPERATIONS } from '../../../src/workload/registry.ts';

describe('operation table', () => {
  it('names exactly the mix schema branches and the workload plug-ins', () => {
    const branches = operationSchema.options.map((o) => o.shape.op.value);
    expect([...OPERATION_NAMES].sort()).toEqual([...branches].sort());
    expect(Object.keys(OPERATIONS).sort()).toEqual([...OPERATION_NAMES].sort());
  });

  it.each([
    ['spatial.pool', true],
    ['spatial.knn', true],
    ['spatial.dedup', true],
    ['spatial.walk', true],
    ['ingest', false],
    ['spatial.unknown', false],
    ['toString', false],
  ])('%s is spatial: %s', (op, spatial) => {
    expect(isSpatialOperation(op)).toBe(spatial);
  });

  it('keeps one flag per operation', () => {
    for (const name of OPERATION_NAMES) expect(typeof OPERATION_KINDS[name].spatial).toBe('boolean');
  });
});
