import { describe, expect, it } from 'vitest';
import {
  checkPostgisMeasurable,
  postgisOptionsFlag,
  postgisQuerySets,
} from '../../../src/cli/tune-postgis.ts';
import { ENGINE_NOTES } from '../../../src/cli/tune-measure.ts';
import { UserError } from '../../../src/errors.ts';
import { scenarioSchema } from '../../../src/scenario/schema.ts';
import { scenarioKnn } from '../../../src/tune/model-run.ts';

const scenario = (mix: unknown[], extra: Record<string, unknown> = {}) =>
  scenarioSchema.parse({ engine: 'postgis', workload: { mix }, ...extra });

describe('tune --engine postgis', () => {
  it('takes --postgis-options only where it means something', () => {
    expect(postgisOptionsFlag(undefined, { engine: 'sqlite', modelOnly: true })).toBeUndefined();
    expect(postgisOptionsFlag('gist:ff=100,spgist', { engine: 'postgis', modelOnly: false })).toEqual([
      { method: 'gist', fillfactor: 100 },
      { method: 'spgist' },
    ]);
    expect(() => postgisOptionsFlag('gist', { engine: 'mssql', modelOnly: false })).toThrow(
      /^--postgis-options: applies to --engine postgis only/,
    );
    expect(() => postgisOptionsFlag('gist', { engine: 'postgis', modelOnly: true })).toThrow(
      /^--postgis-options: --model-only measures nothing/,
    );
  });

  it("runs the scenario's windows as spatial.pool and its own spatial.knn requests", () => {
    const sc = scenario([
      { op: 'spatial.pool', radius: 0.02, pool: 300 },
      { op: 'spatial.knn', k: { values: [5, 50] } },
    ]);
    const sets = postgisQuerySets(sc, 30);
    expect(sets.map((s) => [s.op, s.requests.length])).toEqual([
      ['spatial.pool', 30],
      ['spatial.knn', 30],
    ]);
    expect(sets[0]!.requests[0]).toMatchObject({ op: 'spatial.pool', radius: 0.02, pool: 300 });
    const ks = new Set(sets[1]!.requests.map((r) => (r.op === 'spatial.knn' ? r.k : 0)));
    expect(ks).toEqual(new Set([5, 50]));
    // deterministic: the same scenario gives the same requests
    expect(postgisQuerySets(sc, 30)).toEqual(sets);
    expect(scenarioKnn(scenario([{ op: 'spatial.pool' }]), 10)).toEqual([]);
    expect(postgisQuerySets(scenario([{ op: 'spatial.knn' }]), 5).map((s) => s.op)).toEqual(['spatial.knn']);
  });

  it('refuses (exit 2) a bad URL, attach mode and a mix with nothing to measure', () => {
    const sc = scenario([{ op: 'spatial.knn' }]);
    expect(() => checkPostgisMeasurable(sc, undefined, 1)).toThrow(UserError);
    expect(() => checkPostgisMeasurable(sc, 'mssql://x/y', 1)).toThrow(/--url/);
    expect(() => checkPostgisMeasurable(sc, 'postgres://u@h/db', 0)).toThrow(/no queries to measure/);
    const attach = scenario([{ op: 'spatial.knn' }], { attach: true });
    expect(() => checkPostgisMeasurable(attach, 'postgres://u@h/db', 1)).toThrow(/attach mode is read-only/);
  });

  it('says plainly that the grid model does not apply, and that sqlite has nothing to sweep', () => {
    expect(ENGINE_NOTES.postgis).toMatch(/does not apply to PostGIS/);
    expect(ENGINE_NOTES.postgis).toMatch(/measured on the server/);
    expect(ENGINE_NOTES.sqlite).toMatch(/nothing to sweep/);
    expect(ENGINE_NOTES.sqlite).toMatch(/does not apply to SQLite/);
  });
});
