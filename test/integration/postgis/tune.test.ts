import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexDdlFor } from '../../../src/engines/postgis/index-options.ts';
import { PostgisEngine } from '../../../src/engines/postgis/index.ts';
import { ensureDataset, schemaPlan } from '../../../src/run/dataset.ts';
import { silentProgress } from '../../../src/run/progress.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import type { Scenario } from '../../../src/scenario/schema.ts';
import type { TuneJson } from '../../../src/tune/document.ts';
import { postgisSkipReason, startPgServer, type PgServer } from '../../helpers/pg-server.ts';
import { contractScenario } from '../contract.ts';

const skip = postgisSkipReason();
const BIN = resolve('bin/atombench.js');
const ATOMS = 20_000;
const WINDOWS = 40;
const names = resolveNames('runbook', {});
const IX = names.spatialIndex;

const SCENARIO = `
name: tune-postgis
engine: postgis
dataset: { atoms: ${ATOMS}, seed: 5, batchSize: 5000 }
workload:
  mix:
    - { op: spatial.pool, weight: 1, radius: 0.02, pool: 100 }
    - { op: spatial.knn, weight: 1, k: 10 }
`;

describe.skipIf(!!skip)('tune --engine postgis on a throwaway server', () => {
  let server: PgServer;
  let cwd: string;
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, ATOMBENCH_URL: '', ATOMBENCH_POSTGIS_POOL: '' },
      maxBuffer: 256 * 1024 * 1024, // tune --json prints the whole model ranking too
    });
    return {
      code: r.status,
      out: r.stdout,
      err: `${r.stderr}${r.error ? String(r.error) : ''}${r.signal ?? ''}`,
    };
  };
  const indexdef = (db: string) => server.psql(`SELECT pg_get_indexdef(to_regclass('"${IX}"'))`, db);
  const meta = (db: string, key: string) =>
    server.psql(`SELECT value FROM atombench_meta WHERE key = '${key}'`, db);
  /** Does this server's SP-GiST geometry opclass have an ordering operator (`<->`, kNN)? */
  const spgistOrders = () =>
    server.psql(
      `SELECT EXISTS (SELECT 1 FROM pg_opclass oc JOIN pg_amop ao ON ao.amopfamily = oc.opcfamily
         WHERE oc.opcname = 'spgist_geometry_ops_2d' AND ao.amoppurpose = 'o')`,
    ) === 't';

  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off', synchronous_commit: 'off' } });
    for (const db of ['engine_db', 'tune_db', 'restore_db']) {
      server.psql(`CREATE DATABASE ${db}`);
      server.psql('CREATE EXTENSION postgis;', db);
    }
    cwd = mkdtempSync(join(tmpdir(), 'atombench-pgtune-'));
    writeFileSync(join(cwd, 'tune.yaml'), SCENARIO);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('rebuilds the index, not the data, when index.postgis changes; SP-GiST serves windows, not kNN', async () => {
    const withIndex = (postgis?: object): Scenario =>
      contractScenario({
        dataset: { atoms: ATOMS, seed: 9, batchSize: 5000 },
        ...(postgis ? { index: { postgis } } : {}),
      });
    const engineFor = (sc: Scenario, poolVariant?: 'dwithin') =>
      new PostgisEngine({
        url: server.urlFor('engine_db'),
        dataset: sc.dataset,
        names,
        runNonce: 'tune-test',
        poolVariant,
      });
    const gist = withIndex();
    let engine = engineFor(gist);
    await engine.connect();
    try {
      const first = await ensureDataset(engine, gist, {
        reseed: false,
        force: false,
        progress: silentProgress,
      });
      expect(first.rowsInserted).toBe(ATOMS);
      expect(first.indexDdl).toBe(indexDdlFor(names));
      expect(meta('engine_db', 'indexDdl')).toBe(indexDdlFor(names));
      expect(
        (await engine.prepare(schemaPlan(gist), { allowDestructive: false, force: false })).indexBuilt,
      ).toBe(true);
    } finally {
      await engine.close();
    }

    const sp = withIndex({ method: 'spgist' });
    engine = engineFor(sp);
    await engine.connect();
    try {
      const state = await engine.prepare(schemaPlan(sp), { allowDestructive: false, force: false });
      expect(state.indexBuilt).toBe(false); // options differ: rebuild
      expect(state.seededRows).toBe(ATOMS);
      const second = await ensureDataset(engine, sp, {
        reseed: false,
        force: false,
        progress: silentProgress,
      });
      expect(second.rowsInserted).toBe(0);
      expect(second.indexDdl).toContain('USING spgist');
      expect(indexdef('engine_db')).toMatch(/USING spgist \("SpatialGeometry"\)$/);
      expect((await engine.fingerprint()).indexDdl).toMatch(/USING spgist/);
      await engine.openPool(1);
      const q = { x: 0.001, y: 0.002, z: 0 };
      const knn = await engine.explain({ op: 'spatial.knn', q, k: 10 });
      // PostGIS 3.3's spgist_geometry_ops_2d has no `<->` ordering operator: a kNN cannot use the index.
      expect(knn.usedSpatialIndex).toBe(spgistOrders());
      if (!knn.usedSpatialIndex) expect(knn.planSummary).toMatch(/Seq Scan on AtomEmbeddings/);
      expect((await engine.run({ op: 'spatial.knn', q, k: 10 })).rows).toBe(10);
    } finally {
      await engine.close();
    }
    // A window test (ST_DWithin: the && operator) is served by the SP-GiST index.
    engine = engineFor(sp, 'dwithin');
    await engine.connect();
    try {
      await engine.prepare(schemaPlan(sp), { allowDestructive: false, force: false });
      await engine.openPool(1);
      const win = await engine.explain({
        op: 'spatial.pool',
        q: { x: 0, y: 0, z: 0 },
        radius: 0.001,
        pool: 10,
      });
      expect(win.usedSpatialIndex).toBe(true);
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('measures each configuration (build, size, latency, plans) and leaves the original index as it was', () => {
    const url = server.urlFor('tune_db');
    const seeded = cli('seed', 'tune.yaml', '--url', url, '--no-progress');
    expect(seeded.err).toBe('');
    expect(seeded.code).toBe(0);
    const before = indexdef('tune_db');
    expect(before).toMatch(/USING gist/);

    const r = cli(
      'tune',
      'tune.yaml',
      '--url',
      url,
      '--postgis-options',
      'gist:buffering=on,spgist',
      '--windows',
      String(WINDOWS),
      '--out',
      'out',
      '--json',
      '--no-progress',
    );
    expect(r.err).toMatch(/note: PostGIS's index is not a grid/);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as TuneJson;
    expect(json.engine).toMatchObject({ name: 'postgis', gridModelApplies: false });
    expect(json.measured).toBeUndefined();
    const m = json.measuredOptions!;
    expect(m.configs.map((c) => [c.label, c.current])).toEqual([
      ['gist fillfactor=90 buffering=on', false],
      ['spgist fillfactor=80', false],
      ['gist fillfactor=90 buffering=auto', true],
    ]);
    for (const c of m.configs) {
      expect(c.problems).toEqual([]);
      expect(c.buildMs).toBeGreaterThan(0);
      expect(c.indexSize!.bytes).toBeGreaterThan(0);
      expect(c.indexSize!.tuples).toBe(ATOMS);
      expect(c.ops.map((o) => o.op)).toEqual(['spatial.pool', 'spatial.knn']);
      for (const o of c.ops) {
        expect(o.queries).toBe(WINDOWS);
        expect(o.errors).toBe(0);
        expect(o.latencyMs!.count).toBe(WINDOWS);
        expect(o.latencyMs!.p50).toBeGreaterThan(0);
      }
      expect(c.ops[1]!.rowsPerQuery).toBe(10);
    }
    const [buffered, spgist, current] = m.configs;
    expect(spgist!.ddl).toMatch(/USING spgist \("SpatialGeometry" spgist_geometry_ops_2d\);$/);
    expect(buffered!.ddl).toMatch(/WITH \(buffering = on\);$/);
    expect(spgist!.indexSize!.bytes).not.toBe(current!.indexSize!.bytes);
    const knnPlan = (c: (typeof m.configs)[number]) => c.plans.find((p) => p.op === 'spatial.knn')!;
    expect(knnPlan(current!)).toMatchObject({ samples: 3, usedIndex: 3 });
    expect(knnPlan(spgist!).usedIndex).toBe(spgistOrders() ? 3 : 0);
    expect(m.findings[0]).toMatch(
      /^gist fillfactor=90 buffering=on builds in \d+\.\d\d s vs \d+\.\d\d s for the current/,
    );
    expect(m.findings.some((f) => f.startsWith('spgist fillfactor=80 builds in'))).toBe(true);
    if (!spgistOrders()) {
      expect(m.findings).toContain(
        `spgist fillfactor=80: EXPLAIN shows spatial.knn not reading the spatial index in 3 of 3 sampled queries (${knnPlan(spgist!).summary}).`,
      );
      expect(m.notes.some((n) => n.startsWith('spgist: this server'))).toBe(true);
    }
    // The current configuration was built last: nothing more to restore, the index is as it was.
    expect(m.restore).toEqual({ rebuilt: false });
    expect(m.original).toEqual({ ddl: `${before};`, existed: true });
    expect(indexdef('tune_db')).toBe(before);
    expect(meta('tune_db', 'indexBuilt')).toBe('1');
    expect(meta('tune_db', 'indexDdl')).toBe(indexDdlFor(names));
    const dir = /wrote (\S+)tune\.json/.exec(r.err)![1]!;
    const md = readFileSync(join(cwd, dir, 'tune.md'), 'utf8');
    expect(md).toContain('## Index options measured on postgis');
    expect(md).toContain('| spgist fillfactor=80 |');
    expect(existsSync(join(cwd, dir, 'tune.html'))).toBe(true);
  }, 180_000);

  it('puts back an index that is none of the configurations, and the next run rebuilds the scenario one', () => {
    const url = server.urlFor('restore_db');
    expect(cli('seed', 'tune.yaml', '--url', url, '--no-progress').code).toBe(0);
    // Someone changed the index behind atombench's back.
    server.psql(
      `DROP INDEX "${IX}"; CREATE INDEX "${IX}" ON "AtomEmbeddings" USING gist ("SpatialGeometry") WITH (fillfactor = 50);`,
      'restore_db',
    );
    const before = indexdef('restore_db');
    const r = cli(
      'tune',
      'tune.yaml',
      '--url',
      url,
      '--postgis-options',
      'spgist',
      '--windows',
      '10',
      '--json',
    );
    expect(r.code).toBe(0);
    const m = (JSON.parse(r.out) as TuneJson).measuredOptions!;
    expect(m.configs.map((c) => c.label)).toEqual([
      'spgist fillfactor=80',
      'gist fillfactor=90 buffering=auto',
    ]);
    expect(m.restore).toMatchObject({ rebuilt: true });
    expect(m.restore.ddl).toMatch(/WITH \(fillfactor = 50\);$/);
    expect(indexdef('restore_db')).toBe(before);
    // The index left is not the scenario's: the meta table says which one it is, so `seed` rebuilds it.
    expect(meta('restore_db', 'indexDdl')).toMatch(/fillfactor = 50/);
    const again = cli('seed', 'tune.yaml', '--url', url, '--no-progress', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ rowsInserted: 0 });
    expect(JSON.parse(again.out).indexBuildMs).toBeGreaterThan(0);
    expect(indexdef('restore_db')).not.toMatch(/fillfactor/);
  }, 180_000);
});
