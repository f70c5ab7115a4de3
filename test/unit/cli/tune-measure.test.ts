import { describe, expect, it } from 'vitest';
import { ENGINE_NOTES, representativePool } from '../../../src/cli/tune-measure.ts';
import { scenarioSchema } from '../../../src/scenario/schema.ts';

const withPool = (pool: unknown) =>
  scenarioSchema.parse({ workload: { mix: [{ op: 'spatial.knn' }, { op: 'spatial.pool', pool }] } });

describe('tune on engines', () => {
  it('uses the scenario pool size for the sweep queries', () => {
    expect(representativePool(withPool(250))).toBe(250);
    expect(representativePool(withPool({ min: 100, max: 300 }))).toBe(200);
    expect(representativePool(withPool({ values: [10, 100], weights: [3, 1] }))).toBe(33);
    expect(representativePool(withPool({ mean: 50, sd: 10 }))).toBe(50);
    expect(representativePool(scenarioSchema.parse({ workload: { mix: [{ op: 'spatial.walk' }] } }))).toBe(
      1000,
    );
  });

  it('says why the grid model does not apply to sqlite and postgis', () => {
    expect(ENGINE_NOTES.sqlite).toMatch(/no index options/);
    expect(ENGINE_NOTES.postgis).toMatch(/fillfactor/);
    expect(ENGINE_NOTES.mssql).toBeUndefined();
  });
});
