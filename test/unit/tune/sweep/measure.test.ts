import { describe, expect, it } from 'vitest';
import type { IndexTuning } from '../../../../src/engines/types.ts';
import { createEngine } from '../../../../src/engines/registry.ts';
import { UserError } from '../../../../src/errors.ts';
import { scenarioSchema } from '../../../../src/scenario/schema.ts';
import { checkMeasurable, optionQuerySets, representativePool } from '../../../../src/tune/sweep/measure.ts';
import { scenarioKnn } from '../../../../src/tune/model/model-run.ts';

const withPool = (pool: unknown) =>
  scenarioSchema.parse({ workload: { mix: [{ op: 'spatial.knn' }, { op: 'spatial.pool', pool }] } });
const scenario = (mix: unknown[], extra: Record<string, unknown> = {}) =>
  scenarioSchema.parse({ engine: 'postgis', workload: { mix }, ...extra });
const tuningOf = async (engine: string, url?: string): Promise<IndexTuning> =>
  (await createEngine(engine, { scenario: scenario([{ op: 'spatial.knn' }]), url, runNonce: 'x' })).tuning;

describe('tune on the server', () => {
  it('uses the scenario pool size for the sweep queries', () => {
    expect(representativePool(withPool(250))).toBe(250);
    expect(representativePool(withPool({ min: 100, max: 300 }))).toBe(200);
    expect(representativePool(withPool({ values: [10, 100], weights: [3, 1] }))).toBe(33);
    expect(representativePool(withPool({ mean: 50, sd: 10 }))).toBe(50);
    expect(representativePool(scenarioSchema.parse({ workload: { mix: [{ op: 'spatial.walk' }] } }))).toBe(
      1000,
    );
  });

  it("runs the scenario's windows as spatial.pool and its own spatial.knn requests", () => {
    const sc = scenario([
      { op: 'spatial.pool', radius: 0.02, pool: 300 },
      { op: 'spatial.knn', k: { values: [5, 50] } },
    ]);
    const sets = optionQuerySets(sc, 30);
    expect(sets.map((s) => [s.op, s.requests.length])).toEqual([
      ['spatial.pool', 30],
      ['spatial.knn', 30],
    ]);
    expect(sets[0]!.requests[0]).toMatchObject({ op: 'spatial.pool', radius: 0.02, pool: 300 });
    const ks = new Set(sets[1]!.requests.map((r) => (r.op === 'spatial.knn' ? r.k : 0)));
    expect(ks).toEqual(new Set([5, 50]));
    // deterministic: the same scenario gives the same requests
    expect(optionQuerySets(sc, 30)).toEqual(sets);
    expect(scenarioKnn(scenario([{ op: 'spatial.pool' }]), 10)).toEqual([]);
    expect(optionQuerySets(scenario([{ op: 'spatial.knn' }]), 5).map((s) => s.op)).toEqual(['spatial.knn']);
  });

  it('each engine says what it can rebuild; the grid model does not apply to sqlite and postgis', async () => {
    const sqlite = await tuningOf('sqlite', ':memory:');
    const postgis = await tuningOf('postgis', 'postgres://u@h/db');
    const mssql = await tuningOf('mssql', 'mssql://sa:pw@h/db');
    expect(sqlite.kind).toBe('none');
    expect(postgis.kind).toBe('options');
    expect(mssql.kind).toBe('grid');
    if (sqlite.kind !== 'none' || postgis.kind !== 'options') throw new Error('unreachable');
    expect(sqlite.note).toMatch(/nothing to sweep/);
    expect(sqlite.note).toMatch(/does not apply to SQLite/);
    expect(postgis.note).toMatch(/does not apply to PostGIS/);
    expect(postgis.note).toMatch(/measured on the server/);
    expect(postgis.flag).toBe('--postgis-options');
    expect(postgis.parseConfigs('gist:ff=100,spgist')).toEqual([
      { method: 'gist', fillfactor: 100 },
      { method: 'spgist' },
    ]);
    expect(() => postgis.parseConfigs('btree')).toThrow(/^--postgis-options/);
  });

  it('refuses (exit 2) attach mode and a mix with nothing to measure', async () => {
    const postgis = await tuningOf('postgis', 'postgres://u@h/db');
    const mssql = await tuningOf('mssql', 'mssql://sa:pw@h/db');
    const knnOnly = scenario([{ op: 'spatial.knn' }]);
    expect(() => checkMeasurable(postgis, knnOnly, 10)).not.toThrow();
    expect(() => checkMeasurable(postgis, scenario([{ op: 'ingest' }]), 10)).toThrow(/no queries to measure/);
    expect(() => checkMeasurable(mssql, knnOnly, 10)).toThrow(/no query windows to measure/);
    const attach = scenario([{ op: 'spatial.knn' }], { attach: true });
    expect(() => checkMeasurable(postgis, attach, 10)).toThrow(UserError);
    expect(() => checkMeasurable(postgis, attach, 10)).toThrow(/attach mode is read-only/);
  });
});
