/**
 * The measured tune sweep against a real SQL Server: every statement of tune-sql.ts (CREATE SPATIAL
 * INDEX ... DROP_EXISTING = ON, the index size from sys.internal_tables / sys.partitions /
 * sys.allocation_units), sp_help_spatial_geometry_index_xml per configuration, restoring the original
 * index (also an AUTO_GRID one, through DROP + CREATE), refusing foreign tables, and the CLI end to end.
 * Skipped, with the reason printed, where no container runtime exists.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MssqlEngine } from '../../../src/engines/mssql/index.ts';
import { MssqlTuneTarget } from '../../../src/engines/mssql/tune/tune-target.ts';
import { UserError } from '../../../src/errors.ts';
import { ensureDataset } from '../../../src/run/dataset.ts';
import { silentProgress } from '../../../src/run/progress.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import { runTuneModel, scenarioWindows } from '../../../src/tune/model/model-run.ts';
import { runSweep } from '../../../src/tune/sweep/sweep.ts';
import { describeMssql, testScenario } from './container.ts';

const DB = 'atombench_tune';
const TESSELLATION = `SELECT t.tessellation_scheme AS scheme, t.bounding_box_xmin AS xmin, t.bounding_box_xmax AS xmax,
  t.level_1_grid_desc AS l1, t.level_4_grid_desc AS l4, t.cells_per_object AS cpo
FROM sys.spatial_index_tessellations AS t JOIN sys.indexes AS i ON i.object_id = t.object_id AND i.index_id = t.index_id
WHERE i.name = N'IX_AtomEmbeddings_SpatialGeometry'`;

describeMssql({ name: 'tune sweep suite', database: DB }, 'tune sweep on SQL Server 2022', (server) => {
  const s = testScenario({
    index: { secondaryIndexes: 0 },
    ooda: { enabled: false },
    workload: { mix: [{ op: 'spatial.pool', radius: 0.01, pool: 100 }] },
  });
  const names = resolveNames('runbook', {});
  let engine: MssqlEngine;
  let target: MssqlTuneTarget;
  const tessellation = () =>
    server.withPool(
      DB,
      async (p) => (await p.request().query(TESSELLATION)).recordset[0] as Record<string, unknown>,
    );

  beforeAll(async () => {
    engine = new MssqlEngine({ url: server.url, scenario: s, runNonce: 'tune' });
    await engine.connect();
    await ensureDataset(engine, s, { reseed: false, force: false, progress: silentProgress });
    await engine.openPool(1);
    target = new MssqlTuneTarget({ url: server.url, names, index: s.index, engine });
    await target.connect();
  }, 300_000);

  afterAll(async () => {
    await target?.close();
    await engine?.close();
  });

  it('allows the rebuild on its own table and refuses attach mode', async () => {
    await expect(target.checkRebuildAllowed({ force: false, attach: false })).resolves.toBeUndefined();
    await expect(target.checkRebuildAllowed({ force: true, attach: true })).rejects.toBeInstanceOf(UserError);
  });

  it('measures K = 2 configurations plus the current one and leaves the original index', async () => {
    const before = await tessellation();
    const model = runTuneModel(s, { windows: 20, cellsPerObject: [8, 16] });
    const section = model.json.sections[0]!;
    await target.checkRebuildAllowed({ force: false, attach: false });
    const m = await runSweep(target, {
      engine: 'mssql',
      section,
      top: 2,
      windows: scenarioWindows(s, 20).windows,
      pool: 100,
      warmupQueries: 2,
      filterSamples: 2,
    });
    expect(m.configs.length).toBeGreaterThanOrEqual(2);
    expect(m.configs.at(-1)!.current).toBe(true);
    for (const cfg of m.configs) {
      expect(cfg.problems).toEqual([]);
      expect(cfg.ddl).toContain('DROP_EXISTING = ON');
      expect(cfg.buildMs).toBeGreaterThan(0);
      expect(cfg.latencyMs!.count).toBe(20);
      expect(cfg.errors).toBe(0);
      const f = cfg.primaryFilter!;
      expect(f.samples).toBe(2);
      expect(f.candidates).toBeGreaterThanOrEqual(f.output);
      expect(f.efficiency).toBeGreaterThan(0);
      expect(f.efficiency).toBeLessThanOrEqual(1);
      // points: one index row each, whatever the grid
      expect(cfg.indexSize!.rows).toBeGreaterThan(s.dataset.atoms * 0.95);
      expect(cfg.indexSize!.rows).toBeLessThan(s.dataset.atoms * 1.05);
      expect(cfg.indexSize!.usedBytes).toBeGreaterThanOrEqual(8192);
      expect(cfg.indexSize!.reservedBytes).toBeGreaterThanOrEqual(cfg.indexSize!.usedBytes);
    }
    // the last build was the current configuration, so no extra restore was needed
    expect(m.restore).toEqual({ rebuilt: false });
    expect(await tessellation()).toEqual(before);
    expect(await server.scalar(DB, 'SELECT IndexBuilt FROM dbo.AtombenchMeta')).toBe(true);
  }, 300_000);

  it('restores a GEOMETRY_AUTO_GRID original (a scheme change: DROP, then CREATE)', async () => {
    await server.withPool(DB, (p) =>
      p.request().batch(`DROP INDEX [IX_AtomEmbeddings_SpatialGeometry] ON [dbo].[AtomEmbeddings];
CREATE SPATIAL INDEX [IX_AtomEmbeddings_SpatialGeometry] ON [dbo].[AtomEmbeddings] ([SpatialGeometry])
  USING GEOMETRY_AUTO_GRID WITH (BOUNDING_BOX = (-1000, -1000, 1000, 1000), CELLS_PER_OBJECT = 8, PAD_INDEX = ON);`),
    );
    const model = runTuneModel(s, { windows: 10, cellsPerObject: [16] });
    const m = await runSweep(target, {
      engine: 'mssql',
      section: model.json.sections[0]!,
      top: 1,
      windows: scenarioWindows(s, 10).windows,
      pool: 100,
      warmupQueries: 1,
      filterSamples: 1,
    });
    expect(m.configs.every((x) => x.problems.length === 0)).toBe(true);
    expect(m.original.ddl).toContain('USING GEOMETRY_AUTO_GRID');
    expect(m.restore.rebuilt).toBe(true);
    expect(m.restore.error).toBeUndefined();
    expect((await tessellation()).scheme).toBe('GEOMETRY_AUTO_GRID');
    // back to the scenario's index for what follows
    await engine.buildIndex({ names, datasetKey: 'x', index: s.index, ooda: false });
  }, 300_000);

  it('refuses a table atombench did not create unless --force', async () => {
    const foreign = await server.createDatabase('foreign_db');
    await server.withPool('foreign_db', (p) =>
      p
        .request()
        .batch('CREATE TABLE dbo.AtomEmbeddings (EmbeddingId bigint PRIMARY KEY, SpatialGeometry geometry);'),
    );
    const t = new MssqlTuneTarget({ url: foreign, names, index: s.index, engine });
    await t.connect();
    try {
      await expect(t.checkRebuildAllowed({ force: false, attach: false })).rejects.toThrow(
        /not created by atombench/,
      );
      await expect(t.checkRebuildAllowed({ force: true, attach: false })).resolves.toBeUndefined();
    } finally {
      await t.close();
    }
  }, 120_000);

  it('atombench tune --engine mssql --top 1 writes the measurements into tune.json', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'atombench-tune-'));
    try {
      writeFileSync(
        join(cwd, 'tune.yaml'),
        `name: tune-it
engine: mssql
dataset: { atoms: 2000, batchSize: 500, seed: 7, distribution: { kind: projected, dimensions: 16, clusters: 4 } }
index: { secondaryIndexes: 0 }
ooda: { enabled: false }
workload: { mix: [ { op: spatial.pool, radius: 0.01, pool: 100 } ] }
`,
      );
      const r = spawnSync(
        process.execPath,
        [
          resolve('bin/atombench.js'),
          'tune',
          'tune.yaml',
          '--top',
          '1',
          '--windows',
          '10',
          '--out',
          'out',
          '--no-progress',
        ],
        { cwd, encoding: 'utf8', env: { ...process.env, ATOMBENCH_URL: server.urlOf(DB) } },
      );
      expect(r.status, r.stderr).toBe(0);
      const path = /wrote (\S+tune\.json)/.exec(r.stdout)![1]!;
      const json = JSON.parse(readFileSync(join(cwd, path), 'utf8'));
      expect(json.measured.engine).toBe('mssql');
      expect(json.measured.configs.length).toBeGreaterThanOrEqual(1);
      expect(json.measured.configs[0].latencyMs.count).toBe(10);
      expect(readFileSync(join(cwd, path.replace('tune.json', 'tune.md')), 'utf8')).toContain(
        '## Measured on mssql',
      );
      expect(r.stdout).not.toContain('Atombench#It2024');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 300_000);
});
