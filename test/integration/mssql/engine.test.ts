/**
 * The SQL Server engine against a real server: schema, ownership, seeding (both paths), the index,
 * every operation, plans, probes, the primary filter, the health check, attach mode. Skipped, with the
 * reason printed, where no container runtime exists.
 */
import sql from 'mssql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createIngestRecordFactory, createRecordFactory } from '../../../src/dataset/records.ts';
import { datasetKey } from '../../../src/dataset/stream.ts';
import { OperationError } from '../../../src/errors.ts';
import { knnQuery, spatialIdents } from '../../../src/engines/mssql/sql/dialect.ts';
import { quoteName } from '../../../src/engines/mssql/sql/identifiers.ts';
import { MssqlEngine } from '../../../src/engines/mssql/index.ts';
import { parseShowplan, showplansFrom, usesSpatialIndex } from '../../../src/engines/mssql/plan/plan-xml.ts';
import { exec } from '../../../src/engines/mssql/sql/statement.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import { describeMssql, planOf, seedRange, testScenario } from './container.ts';
import { executeOperation } from '../../../src/workload/registry.ts';

const suite = { name: 'engine suite', database: 'atombench_it' };

describeMssql(suite, 'mssql engine on SQL Server 2022', (server) => {
  const s = testScenario({
    workload: { mix: [{ op: 'spatial.pool' }] },
  });
  const names = resolveNames('runbook', {});
  const key = datasetKey(s.dataset);
  const plan = planOf(s, names, key);
  let engine: MssqlEngine;

  beforeAll(async () => {
    engine = new MssqlEngine({ url: server.url, scenario: s, runNonce: 'it-run' });
    await engine.connect();
  }, 240_000);

  afterAll(async () => {
    await engine?.close();
  });

  it('prepare creates the schema, records ownership and enables Service Broker in the empty database', async () => {
    const state = await engine.prepare(plan, { allowDestructive: false, force: false });
    expect(state).toEqual({ seededRows: 0, datasetKey: undefined, indexBuilt: false });
    expect(
      await server.scalar(
        'atombench_it',
        'SELECT is_broker_enabled FROM sys.databases WHERE name = DB_NAME()',
      ),
    ).toBe(true);
    expect(await server.scalar('atombench_it', 'SELECT OwnsDatabase FROM dbo.AtombenchMeta')).toBe(true);
    const owned = await server.withPool(
      'atombench_it',
      async (p) => (await p.request().query('SELECT Kind, Name FROM dbo.AtombenchObjects')).recordset,
    );
    expect(owned).toEqual(
      expect.arrayContaining([
        { Kind: 'table', Name: 'Atoms' },
        { Kind: 'table', Name: 'AtomEmbeddings' },
        { Kind: 'table', Name: 'OODALoopMetrics' },
        { Kind: 'service', Name: '//Hartonomous/Service/Initiator' },
        { Kind: 'messageType', Name: '//Hartonomous/AutonomousLoop/AnalyzeMessage' },
      ]),
    );
    expect(
      await server.scalar(
        'atombench_it',
        "SELECT RTRIM(validation) FROM sys.service_message_types WHERE name = N'//Hartonomous/AutonomousLoop/ActMessage'",
      ),
    ).toBe('X');
    expect(
      await server.scalar(
        'atombench_it',
        "SELECT COUNT(*) FROM sys.service_contract_usages u JOIN sys.services s ON s.service_id = u.service_id WHERE s.name = N'//Hartonomous/Service/Initiator'",
      ),
    ).toBe(4);
    // The CoherenceScore computed column reads the JSON.
    await server.withPool('atombench_it', (p) =>
      p
        .request()
        .batch(
          `INSERT INTO dbo.ReasoningChains (ProblemId, ReasoningType, CoherenceMetrics) VALUES (NEWID(), N'cot', N'{"avg_coherence": 0.8}'), (NEWID(), N'cot', N'not json');`,
        ),
    );
    expect(
      await server.scalar('atombench_it', 'SELECT AVG(CoherenceScore) FROM dbo.ReasoningChains'),
    ).toBeCloseTo(0.8);
    // A second prepare is a no-op.
    await expect(engine.prepare(plan, { allowDestructive: false, force: false })).resolves.toMatchObject({
      seededRows: 0,
    });
  });

  it('seeds natively in resumable batches: dense AtomIds, POINT Z read back exactly, FK trusted', async () => {
    await seedRange(engine, s, 0, 1000);
    const resumed = await engine.prepare(plan, { allowDestructive: false, force: false });
    expect(resumed.seededRows).toBe(1000);
    const out = await seedRange(engine, s, 1000, s.dataset.atoms);
    expect(out.rowsInserted).toBe(1000);
    await engine.markSeeded(key, s.dataset.atoms);
    expect(await server.scalar('atombench_it', 'SELECT COUNT(*) FROM dbo.Atoms')).toBe(2000);
    expect(await server.scalar('atombench_it', 'SELECT MAX(AtomId) FROM dbo.Atoms')).toBe('2000');
    expect(
      await server.scalar(
        'atombench_it',
        'SELECT COUNT(*) FROM dbo.AtomEmbeddings WHERE SpatialGeometry.STIsValid() = 1 AND SpatialGeometry.STSrid = 0',
      ),
    ).toBe(2000);
    expect(
      await server.scalar(
        'atombench_it',
        "SELECT is_not_trusted FROM sys.foreign_keys WHERE name = N'FK_AtomEmbeddings_Atoms'",
      ),
    ).toBe(false);
    const make = createRecordFactory(s.dataset);
    const back = await server.withPool(
      'atombench_it',
      async (p) =>
        (
          await p
            .request()
            .query(
              'SELECT AtomId, SpatialGeometry.STX AS X, SpatialGeometry.STY AS Y, SpatialGeometry.Z AS Z, SpatialGeometry.STGeometryType() AS T, SpatialCoarse.STX AS CX FROM dbo.AtomEmbeddings WHERE AtomId IN (1, 777, 2000) ORDER BY AtomId',
            )
        ).recordset,
    );
    for (const row of back as { AtomId: string; X: number; Y: number; Z: number; T: string; CX: number }[]) {
      const r = make(Number(row.AtomId) - 1);
      expect(row.T).toBe('Point');
      expect(row.X).toBe(r.point.x);
      expect(row.Y).toBe(r.point.y);
      expect(row.Z).toBe(r.point.z);
      expect(row.CX).toBeCloseTo(r.point.x, 3);
    }
    expect((await engine.prepare(plan, { allowDestructive: false, force: false })).datasetKey).toBe(key);
  });

  it('builds the spatial index from the config, plus the secondary ones, and times it', async () => {
    const built = await engine.buildIndex(plan);
    expect(built.durationMs).toBeGreaterThan(0);
    expect(built.ddl).toContain('CREATE SPATIAL INDEX [IX_AtomEmbeddings_SpatialGeometry]');
    const t = await server.withPool(
      'atombench_it',
      async (p) =>
        (
          await p.request()
            .query(`SELECT t.tessellation_scheme, t.bounding_box_xmax, t.level_1_grid_desc, t.cells_per_object
        FROM sys.spatial_index_tessellations t JOIN sys.indexes i ON i.object_id = t.object_id AND i.index_id = t.index_id
        WHERE i.name = N'IX_AtomEmbeddings_SpatialGeometry'`)
        ).recordset[0],
    );
    expect(t).toEqual({
      tessellation_scheme: 'GEOMETRY_GRID',
      bounding_box_xmax: 1000,
      level_1_grid_desc: 'MEDIUM',
      cells_per_object: 16,
    });
    expect(
      await server.scalar('atombench_it', "SELECT COUNT(*) FROM sys.indexes WHERE type_desc = 'SPATIAL'"),
    ).toBe(11);
    expect((await engine.prepare(plan, { allowDestructive: false, force: false })).indexBuilt).toBe(true);
  });

  it('runs every operation', async () => {
    await engine.openPool(3);
    const q = { x: 0, y: 0, z: 0 };
    const pool = await engine.run({ op: 'spatial.pool', q, radius: 10, pool: 1000 });
    expect(pool.rows).toBe(1000);
    expect((await engine.run({ op: 'spatial.pool', q, radius: 10, pool: 5000 })).rows).toBe(2000);
    expect((await engine.run({ op: 'spatial.knn', q, k: 10 })).rows).toBe(10);
    expect((await engine.run({ op: 'spatial.dedup', q, threshold: 1 })).rows).toBe(1);
    expect(
      (await engine.run({ op: 'spatial.dedup', q: { x: 500, y: 500, z: 0 }, threshold: 0.5 })).rows,
    ).toBe(0);
    const walk = await executeOperation(engine, {
      op: 'spatial.walk',
      q: { x: 0.5, y: 0.5, z: 0 },
      goal: { x: 0, y: 0, z: 0 },
      radius: 0.5,
      steps: 50,
      pool: 100,
    });
    expect(walk.queries).toBeGreaterThanOrEqual(1);
    const ing = await engine.run({ op: 'ingest', batchSize: 100, firstIngestIndex: 0 });
    expect(ing.rows).toBe(100);
    // Native ingest converts the client's POINT Z bytes with CONVERT(geometry, varbinary): valid points,
    // SRID 0, Z kept, and the coordinates of the record (matched by its content hash).
    expect(
      await server.scalar(
        'atombench_it',
        'SELECT COUNT(*) FROM dbo.AtomEmbeddings WHERE AtomId > 2000 AND SpatialGeometry.STIsValid() = 1 AND SpatialGeometry.STSrid = 0 AND SpatialGeometry.HasZ = 1 AND SpatialCoarse.STIsValid() = 1',
      ),
    ).toBe(100);
    const first = createIngestRecordFactory(s.dataset, 'it-run')(0);
    const ingested = await server.withPool(
      'atombench_it',
      async (p) =>
        (
          await p
            .request()
            .input('hash', sql.VarBinary(32), first.contentHash)
            .query(
              'SELECT e.SpatialGeometry.STX AS X, e.SpatialGeometry.STY AS Y, e.SpatialGeometry.Z AS Z FROM dbo.Atoms AS a JOIN dbo.AtomEmbeddings AS e ON e.AtomId = a.AtomId WHERE a.ContentHash = @hash',
            )
        ).recordset[0] as { X: number; Y: number; Z: number } | undefined,
    );
    expect(ingested).toEqual({ X: first.point.x, Y: first.point.y, Z: first.point.z });
    expect(
      await server.scalar('atombench_it', 'SELECT COUNT(*) FROM dbo.AtomEmbeddings WHERE AtomId > 2000'),
    ).toBe(100);
    expect(await server.scalar('atombench_it', 'SELECT MIN(AtomId) FROM dbo.Atoms WHERE AtomId > 2000')).toBe(
      '2001',
    );
    // The same atoms again: MERGE matches, no new embeddings.
    expect((await engine.run({ op: 'ingest', batchSize: 100, firstIngestIndex: 0 })).rows).toBe(0);
    expect(await server.scalar('atombench_it', 'SELECT MAX(ReferenceCount) FROM dbo.Atoms')).toBe('2');
  });

  it("resetIngested removes the run's atoms and reseeds the identity", async () => {
    expect(await engine.resetIngested(2000)).toBe(100);
    expect(await server.scalar('atombench_it', 'SELECT COUNT(*) FROM dbo.AtomEmbeddings')).toBe(2000);
    await engine.run({ op: 'ingest', batchSize: 5, firstIngestIndex: 1000 });
    expect(await server.scalar('atombench_it', 'SELECT MIN(AtomId) FROM dbo.Atoms WHERE AtomId > 2000')).toBe(
      '2001',
    );
    expect(await engine.resetIngested(2000)).toBe(5);
  });

  it('plans: the hinted pool query reads the spatial index (seek ratio from showplan XML)', async () => {
    const q = { x: 0.01, y: 0.01, z: 0 };
    const pool = await engine.explain({ op: 'spatial.pool', q, radius: 10, pool: 100 });
    expect(pool.usedSpatialIndex).toBe(true);
    expect(pool.planSummary).toMatch(/Spatial/);
    const dedup = await engine.explain({ op: 'spatial.dedup', q, threshold: 0.1 });
    expect(dedup.usedSpatialIndex).toBe(true);
    const knn = await engine.explain({ op: 'spatial.knn', q, k: 10 });
    expect(knn.planSummary.length).toBeGreaterThan(0);
  });

  it('the kNN statement is in a shape the spatial index serves (TOP (@k) as a parameter)', async () => {
    // knnQuery carries no hint (as the real code). Forcing the index on the very same text proves the
    // shape is index-eligible: a shape the index cannot serve fails with error 8635 under the hint
    // (SD:docs/relational-databases/spatial/query-spatial-data-for-nearest-neighbor.md lists TOP ( number )).
    const q = knnQuery(spatialIdents(names), { x: 0.01, y: 0.01, z: 0 }, 10);
    const hinted = q.text.replace('AS e\n', `AS e WITH (INDEX(${quoteName(names.spatialIndex)}))\n`);
    expect(hinted).not.toBe(q.text);
    const { plans, rowCount } = await server.withPool('atombench_it', async (p) => {
      const tx = new sql.Transaction(p);
      await tx.begin();
      try {
        await new sql.Request(tx).batch('SET STATISTICS XML ON;');
        const r = await exec(tx, { text: hinted, params: q.params });
        // The data is the result set with the Distance column; each statement adds a showplan set.
        const data = (r.recordsets as unknown as { columns: Record<string, unknown>; length: number }[]).find(
          (rs) => 'Distance' in rs.columns,
        );
        return { plans: showplansFrom(r.recordsets as unknown[]), rowCount: data?.length };
      } finally {
        await tx.rollback();
      }
    });
    expect(rowCount).toBe(10);
    expect(plans.map(parseShowplan).some((pl) => usesSpatialIndex(pl, names.spatialIndex))).toBe(true);
  });

  it('probes: cache hit ratio, statement stats, queue depth, broker gauges', async () => {
    // A sampled plan runs in its own, marked batch (PLAN_SAMPLE_MARKER).
    await engine.explain({ op: 'spatial.pool', q: { x: 0, y: 0, z: 0 }, radius: 10, pool: 10 });
    const sample = await engine.probe();
    expect(sample.cacheHitRatio).toBeGreaterThan(0);
    expect(sample.cacheHitRatio).toBeLessThanOrEqual(1);
    expect(sample.serverQueryStats?.executions).toBeGreaterThan(0);
    expect(sample.queueDepth).toEqual({ Analyze: 0, Hypothesize: 0, Act: 0, Learn: 0 });
    expect(sample.gauges?.openConversations).toBe(0);
    expect(sample.gauges?.transmissionQueue).toBe(0);
    // Activation counters (item 7 probes): client-side consumers here, so no activated procedure.
    for (const q of ['AnalyzeQueue', 'HypothesizeQueue', 'ActQueue', 'LearnQueue']) {
      expect(sample.gauges?.[`activation.${q}.enabled`]).toBe(0);
      expect(sample.gauges?.[`activation.${q}.activatedTasks`]).toBe(0);
    }
    expect(engine.capabilities.serverQueryStats.supported).toBe(true);
    // Statement level (issue 17 item 3): only the SELECT rows, no plan-sampling batch, so at most the
    // runbook's as-written count (which also counts the DECLARE rows and the sampled batches).
    const stmtExecutions = sample.gauges?.['queryStats.statement.executions'];
    expect(stmtExecutions).toBeGreaterThan(0);
    expect(stmtExecutions).toBeLessThanOrEqual(sample.serverQueryStats!.executions);
    expect(sample.gauges?.['queryStats.statement.avgDurationMs']).toBeGreaterThan(0);
    const sampled = await server.scalar<number>(
      'atombench_it',
      `SELECT COUNT(*) FROM sys.dm_exec_query_stats qs CROSS APPLY sys.dm_exec_sql_text(qs.sql_handle) st
       WHERE st.text LIKE N'%/* atombench:plan-sample */%' AND st.text NOT LIKE N'%dm_exec_query_stats%'`,
    );
    expect(sampled).toBeGreaterThan(0);
  });

  it('primary filter from sp_help_spatial_geometry_index_xml', async () => {
    const f = await engine.primaryFilter({
      op: 'spatial.pool',
      q: { x: 0, y: 0, z: 0 },
      radius: 0.05,
      pool: 10,
    });
    expect(f).toBeDefined();
    expect(f!.candidates).toBeGreaterThanOrEqual(f!.output);
    // @verboseoutput = 1 returns Base_Table_Rows and Total_Primary_Index_Rows (not core properties);
    // their ratio is a float, at least 1 for points (a point on a cell edge counts in two cells).
    const ratio = (await engine.probe()).gauges?.['spatialIndex.rowsPerBaseRow'];
    expect(ratio).toBeGreaterThanOrEqual(1);
    expect(ratio).toBeLessThan(4);
    expect(await engine.primaryFilter({ op: 'spatial.knn', q: { x: 0, y: 0, z: 0 }, k: 1 })).toBeUndefined();
  });

  it('maintenance: UPDATE STATISTICS WITH FULLSCAN samples every row; the spatial index rebuilds offline', async () => {
    const session = await engine.maintenance();
    try {
      expect(await session.run('statistics')).toEqual([
        'UPDATE STATISTICS [dbo].[Atoms] WITH FULLSCAN;',
        'UPDATE STATISTICS [dbo].[AtomEmbeddings] WITH FULLSCAN;',
      ]);
      // FULLSCAN: every statistics object of both tables sampled all its rows
      // (sys.dm_db_stats_properties, SD:docs/relational-databases/system-dynamic-management-views/sys-dm-db-stats-properties-transact-sql.md).
      expect(
        await server.scalar(
          'atombench_it',
          `SELECT COUNT(*) FROM sys.stats s CROSS APPLY sys.dm_db_stats_properties(s.object_id, s.stats_id) p
           WHERE s.object_id IN (OBJECT_ID(N'dbo.Atoms'), OBJECT_ID(N'dbo.AtomEmbeddings')) AND p.rows_sampled <> p.rows`,
        ),
      ).toBe(0);
      await session.run('rebuild');
      expect(
        await server.scalar(
          'atombench_it',
          "SELECT COUNT(*) FROM sys.indexes WHERE name = N'IX_AtomEmbeddings_SpatialGeometry' AND type_desc = N'SPATIAL'",
        ),
      ).toBe(1);
      const r = await engine.run({ op: 'spatial.pool', q: { x: 0, y: 0, z: 0 }, radius: 10, pool: 5 });
      expect(r.rows).toBe(5);
    } finally {
      await session.close();
    }
  });

  it('fingerprint: version, settings, index DDL, no password', async () => {
    const f = await engine.fingerprint();
    expect(f.serverVersion).toMatch(/^Microsoft SQL Server 16\./);
    expect(f.settings.compatibilityLevel).toBe('160');
    expect(f.settings.brokerEnabled).toBe('true');
    expect(f.indexDdl).toContain('USING GEOMETRY_GRID');
    expect(JSON.stringify(f)).not.toContain('Atombench#It2024');
  });

  it("a broken statement surfaces as an OperationError with the server's class", async () => {
    await expect(
      engine.run({ op: 'spatial.pool', q: { x: Number.NaN, y: 0, z: 0 }, radius: 1, pool: 1 }),
    ).rejects.toBeInstanceOf(OperationError);
  });
});
