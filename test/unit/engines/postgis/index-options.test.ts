import { describe, expect, it } from 'vitest';
import {
  configFromCatalog,
  configLabel,
  indexDdlFor,
  parseOptionList,
  renderIndexDdl,
  sameIndexConfig,
  SWEEP_CONFIGS,
  type IndexCatalogRow,
} from '../../../../src/engines/postgis/index-options.ts';
import { quoteDouble, renderSql } from '../../../../src/engines/sql-template.ts';
import { postgisTemplateNames } from '../../../../src/engines/postgis/dialect.ts';
import { UserError } from '../../../../src/errors.ts';
import { validateScenario } from '../../../../src/scenario/load.ts';
import { resolveNames } from '../../../../src/scenario/names.ts';

const names = resolveNames('runbook', {});
const problemsOf = (postgis: unknown) =>
  validateScenario({ workload: { mix: [{ op: 'spatial.knn' }] }, index: { postgis } }).problems.map(
    (p) => `${p.path}: ${p.message}`,
  );

describe('index DDL from seed/postgis/index.sql', () => {
  it('is exactly the statement built before index.postgis existed when the options are absent', () => {
    // The template as it was: `USING gist (geom)`, no opclass, no WITH.
    const before = renderSql(
      'CREATE INDEX {{spatialIndex}} ON {{embeddingsTable}} USING gist ({{geometryColumn}});',
      postgisTemplateNames(names),
      quoteDouble,
    );
    expect(indexDdlFor(names)).toBe(before);
    expect(indexDdlFor(names, { method: 'gist' })).toBe(before);
  });

  it('fills the method, the SP-GiST opclass and the WITH clause', () => {
    const ix = quoteDouble(names.spatialIndex);
    const geom = quoteDouble(names.geometryColumn);
    expect(indexDdlFor(names, { method: 'spgist' })).toContain(
      `${ix} ON ${quoteDouble(names.embeddingsTable)} USING spgist (${geom} spgist_geometry_ops_2d);`,
    );
    expect(indexDdlFor(names, { method: 'gist', fillfactor: 100, buffering: 'on' })).toMatch(
      /USING gist \("[^"]+"\) WITH \(fillfactor = 100, buffering = on\);$/,
    );
    expect(indexDdlFor(names, { method: 'spgist', fillfactor: 70 })).toMatch(
      /USING spgist \("[^"]+" spgist_geometry_ops_2d\) WITH \(fillfactor = 70\);$/,
    );
  });

  it('refuses a configuration the schema would not accept, and unknown keyword slots', () => {
    expect(() => indexDdlFor(names, { method: 'spgist', buffering: 'on' })).toThrow(/GiST only/);
    expect(() => renderIndexDdl('CREATE INDEX {{kw:nope}};', names, { method: 'gist' })).toThrow(
      /no value for \{\{kw:nope\}\}/,
    );
  });
});

describe('index.postgis in the scenario', () => {
  it('is optional and leaves the resolved scenario as it was', () => {
    const { scenario } = validateScenario({ workload: { mix: [{ op: 'spatial.knn' }] } });
    expect(scenario!.index.postgis).toBeUndefined();
    expect(problemsOf({ method: 'spgist', fillfactor: 80 })).toEqual([]);
  });

  it.each([
    [{ method: 'spgist', buffering: 'on' }, 'index.postgis.buffering: applies to GiST only'],
    [{ method: 'brin' }, 'index.postgis.method'],
    [{ fillfactor: 5 }, 'index.postgis.fillfactor'],
    [{ fillfactor: 90.5 }, 'index.postgis.fillfactor'],
    [{ buffering: 'maybe' }, 'index.postgis.buffering'],
    [{ fill: 90 }, 'index.postgis: unknown field(s) "fill"'],
  ])('names the field of %j', (postgis, expected) => {
    const problems = problemsOf(postgis);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });
});

describe('--postgis-options', () => {
  it.each([
    ['gist', [{ method: 'gist' }]],
    ['gist:ff=100', [{ method: 'gist', fillfactor: 100 }]],
    [
      ' gist:fillfactor=70:buffering=on , spgist ',
      [{ method: 'gist', fillfactor: 70, buffering: 'on' }, { method: 'spgist' }],
    ],
    ['spgist:ff=90', [{ method: 'spgist', fillfactor: 90 }]],
  ])('parses %s', (text, expected) => {
    expect(parseOptionList('--postgis-options', text)).toEqual(expected);
  });

  it.each([
    ['', /empty configuration/],
    ['gist,,spgist', /empty configuration/],
    ['rtree', /"rtree": method: /],
    ['spgist:buffering=on', /"spgist:buffering=on": buffering: applies to GiST only/],
    ['gist:ff=101', /fillfactor: /],
    ['gist:ff=ninety', /fillfactor: /],
    ['gist:pages=4', /unknown option "pages"/],
    ['gist:ff', /expected key=value/],
    ['gist:ff=90:fillfactor=80', /fillfactor given twice/],
  ])('rejects %j with one message naming the flag', (text, why) => {
    let err: unknown;
    try {
      parseOptionList('--postgis-options', text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg.startsWith('--postgis-options: ')).toBe(true);
    expect(msg).toMatch(why);
    expect(msg).not.toContain('\n');
  });
});

describe('configurations', () => {
  it('compares by effective value: an option left out is the server default', () => {
    expect(sameIndexConfig({ method: 'gist' }, { method: 'gist', fillfactor: 90, buffering: 'auto' })).toBe(
      true,
    );
    expect(sameIndexConfig({ method: 'spgist' }, { method: 'spgist', fillfactor: 80 })).toBe(true);
    expect(sameIndexConfig({ method: 'gist' }, { method: 'spgist' })).toBe(false);
    expect(sameIndexConfig({ method: 'gist' }, { method: 'gist', buffering: 'on' })).toBe(false);
    expect(configLabel({ method: 'gist' })).toBe('gist fillfactor=90 buffering=auto');
    expect(configLabel({ method: 'spgist' })).toBe('spgist fillfactor=80');
  });

  it('sweeps distinct configurations by default', () => {
    for (const [i, a] of SWEEP_CONFIGS.entries())
      for (const b of SWEEP_CONFIGS.slice(i + 1)) expect(sameIndexConfig(a, b)).toBe(false);
  });

  const row = (o: Partial<IndexCatalogRow>): IndexCatalogRow => ({
    indexdef: 'CREATE INDEX ...',
    method: 'gist',
    reloptions: null,
    opclasses: ['gist_geometry_ops_2d'],
    columns: ['SpatialGeometry'],
    plain: true,
    ...o,
  });

  it.each<[Partial<IndexCatalogRow>, unknown]>([
    [{}, { method: 'gist' }],
    [
      { reloptions: ['buffering=on', 'fillfactor=100'] },
      { method: 'gist', buffering: 'on', fillfactor: 100 },
    ],
    [
      { method: 'spgist', opclasses: ['spgist_geometry_ops_2d'], reloptions: ['fillfactor=70'] },
      { method: 'spgist', fillfactor: 70 },
    ],
    [{ opclasses: ['gist_geometry_ops_nd'] }, undefined],
    [{ method: 'brin', opclasses: ['brin_geometry_inclusion_ops_2d'] }, undefined],
    [{ plain: false }, undefined],
    [
      { columns: ['SpatialGeometry', 'TenantId'], opclasses: ['gist_geometry_ops_2d', 'int4_ops'] },
      undefined,
    ],
    [{ columns: ['SpatialCoarse'] }, undefined],
    [{ reloptions: ['deduplicate_items=off'] }, undefined],
  ])('reads the catalog row %j back as a configuration (or none)', (o, expected) => {
    expect(configFromCatalog(row(o), 'SpatialGeometry')).toEqual(expected);
  });
});
