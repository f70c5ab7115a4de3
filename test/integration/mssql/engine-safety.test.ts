/**
 * Safety and modes of the SQL Server engine against a real server: the runbook health check, attach
 * mode, --reseed dropping only owned objects, refusing foreign tables, the staging seed path and the
 * HEAD names. Skipped, with the reason printed, where no container runtime exists.
 */
import sql from 'mssql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { datasetKey } from '../../../src/dataset/stream.ts';
import { UserError } from '../../../src/errors.ts';
import { runHealthCheck } from '../../../src/engines/mssql/check/healthcheck.ts';
import { MssqlEngine } from '../../../src/engines/mssql/index.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import { quoteName } from '../../../src/engines/mssql/sql/identifiers.ts';
import { verifyDataset } from '../../../src/run/verify.ts';
import { describeMssql, planOf, seedRange, testScenario } from './container.ts';

const suite = { name: 'safety suite', database: 'atombench_it' };

describeMssql(suite, 'mssql engine safety and modes on SQL Server 2022', (server) => {
  const s = testScenario();
  const names = resolveNames('runbook', {});
  const key = datasetKey(s.dataset);
  const plan = planOf(s, names, key);
  let engine: MssqlEngine;

  beforeAll(async () => {
    engine = new MssqlEngine({ url: server.url, scenario: s, runNonce: 'safety' });
    await engine.connect();
    await engine.prepare(plan, { allowDestructive: false, force: false });
    await seedRange(engine, s, 0, s.dataset.atoms);
    await engine.markSeeded(key, s.dataset.atoms);
    await engine.buildIndex(plan);
    await server.withPool('atombench_it', (p) =>
      p
        .request()
        .batch(
          `INSERT INTO dbo.ReasoningChains (ProblemId, ReasoningType, CoherenceMetrics) VALUES (NEWID(), N'cot', N'{"avg_coherence": 0.8}');`,
        ),
    );
  }, 300_000);

  afterAll(async () => {
    await engine?.close();
  });

  it('the runbook health check', async () => {
    const report = await runHealthCheck(server.url, names);
    const status = Object.fromEntries(report.rows.map((r) => [r.component, r.status]));
    expect(status['Service Broker']).toBe('Healthy');
    expect(status['Spatial Indexes']).toBe('Healthy');
    expect(status['Workers']).toBe('Healthy');
    expect(status['OODA Loop']).toBe('FAILED');
    expect(status['Chain of Thought coherence']).toBe('Healthy');
    expect(report.failed).toBe(true);
    // Common Issues (issue 17 item 9): no OODALoopMetrics rows -> "OODA Loop Stopped", runbook words,
    // with the runbook's diagnosis output (broker enabled, each queue's COUNT(*)).
    const ooda = report.findings!.find((f) => f.issue === 'OODA Loop Stopped')!;
    expect(ooda.symptoms).toBe('No entries in OODALoopMetrics for >1 hour');
    expect(ooda.diagnosis[0]!.output).toBe('is_broker_enabled=1');
    expect(
      ooda.diagnosis.filter((d) => /^(Analyze|Hypothesize|Act|Learn)Queue: 0$/.test(d.output)),
    ).toHaveLength(4);
    // Freshly seeded atoms: the workers are not idle; the spatial average is far under 100 ms.
    expect(report.findings!.map((f) => f.issue)).toEqual(['OODA Loop Stopped']);
  });

  it("the runbook's slow-spatial diagnosis runs once @query is declared (STATISTICS IO/TIME messages)", async () => {
    const { slowSpatialDiagnosis } = await import('../../../src/engines/mssql/check/queries.ts');
    const messages: string[] = [];
    const rowsBack = await server.withPool('atombench_it', async (p) => {
      const req = p.request();
      req.on('info', (m: { message: string }) => messages.push(m.message));
      return (await req.batch(slowSpatialDiagnosis(names).text)).recordset.length;
    });
    expect(rowsBack).toBe(10);
    expect(messages.some((m) => /logical reads/.test(m))).toBe(true);
    expect(messages.some((m) => /SQL Server Execution Times/.test(m))).toBe(true);
  });

  it('the stored-data fingerprint matches the generator, and one changed row is found (issue 13)', async () => {
    const full = await verifyDataset(engine, s.dataset, 'full');
    expect(full).toMatchObject({ verify: 'full', rows: s.dataset.atoms, minId: 1, maxId: s.dataset.atoms });
    const dbo = `${quoteName(names.schema)}.${quoteName(names.atomsTable)}`;
    const bump = (d: number) =>
      server.withPool('atombench_it', (p) =>
        p.request().batch(`UPDATE ${dbo} SET ReferenceCount = ReferenceCount + (${d}) WHERE AtomId = 1500;`),
      );
    await bump(1);
    try {
      await expect(verifyDataset(engine, s.dataset, 'full')).rejects.toThrow(
        /dataset altered: 1 row\(s\) differ .*1 row\(s\) changed in 1 of 2 checked bucket/,
      );
    } finally {
      await bump(-1);
    }
    expect((await verifyDataset(engine, s.dataset, 'sample'))?.rows).toBe(s.dataset.atoms);
  });

  it('attach mode: read-only work on the same database', async () => {
    const attached = new MssqlEngine({
      url: server.url,
      scenario: { ...s, attach: true },
      runNonce: 'attach',
    });
    await attached.connect();
    try {
      const st = await attached.prepare(plan, { allowDestructive: false, force: false });
      expect(st.indexBuilt).toBe(true);
      expect((await attached.run({ op: 'spatial.knn', q: { x: 0, y: 0, z: 0 }, k: 5 })).rows).toBe(5);
      await expect(attached.run({ op: 'ingest', batchSize: 1, firstIngestIndex: 0 })).rejects.toThrow(
        UserError,
      );
      await expect(attached.seed((async function* () {})(), () => undefined, 0)).rejects.toThrow(UserError);
      expect((await attached.fingerprint()).indexDdl).toContain('as deployed');
      const q = await attached.queues();
      await expect(q.trigger('x', 'y')).rejects.toThrow(UserError);
      await expect(q.receive('Analyze', 10)).rejects.toThrow(UserError);
    } finally {
      await attached.close();
    }
  });

  it('another dataset needs --reseed; reseeding drops only owned objects', async () => {
    const other = { ...plan, datasetKey: 'another-dataset' };
    await expect(engine.prepare(other, { allowDestructive: false, force: false })).rejects.toThrow(
      /another dataset/,
    );
    await server.withPool('atombench_it', (p) => p.request().batch('CREATE TABLE dbo.UserNotes (Id int);'));
    const st = await engine.prepare(other, { allowDestructive: true, force: false });
    expect(st.seededRows).toBe(0);
    expect(await server.scalar('atombench_it', 'SELECT COUNT(*) FROM dbo.Atoms')).toBe(0);
    expect(
      await server.scalar(
        'atombench_it',
        "SELECT CASE WHEN OBJECT_ID(N'dbo.UserNotes') IS NULL THEN 0 ELSE 1 END",
      ),
    ).toBe(1);
  });

  it('refuses a database holding tables it did not create, unless force', async () => {
    const foreignUrl = await server.createDatabase('foreign_it', true);
    await server.withPool('foreign_it', (p) =>
      p.request().batch('CREATE TABLE dbo.Atoms (AtomId bigint PRIMARY KEY);'),
    );
    const e = new MssqlEngine({ url: foreignUrl, scenario: s, runNonce: 'f' });
    await e.connect();
    try {
      await expect(e.prepare(plan, { allowDestructive: true, force: false })).rejects.toThrow(
        /did not create.*\[dbo\]\.\[Atoms\]/,
      );
      expect(
        await server.scalar(
          'foreign_it',
          "SELECT CASE WHEN OBJECT_ID(N'dbo.AtomEmbeddings') IS NULL THEN 0 ELSE 1 END",
        ),
      ).toBe(0);
      // Refused before creating anything, even the bookkeeping tables.
      expect(
        await server.scalar(
          'foreign_it',
          "SELECT CASE WHEN OBJECT_ID(N'dbo.AtombenchMeta') IS NULL THEN 0 ELSE 1 END",
        ),
      ).toBe(0);
      const forced = await e.prepare(plan, { allowDestructive: false, force: true });
      expect(forced.seededRows).toBe(0);
      expect(await server.scalar('foreign_it', 'SELECT OwnsDatabase FROM dbo.AtombenchMeta')).toBe(false);
    } finally {
      await e.close();
    }
  });

  it('creates nothing in a system database (a --url without a database lands in master)', async () => {
    const e = new MssqlEngine({ url: server.urlOf('master'), scenario: s, runNonce: 'm' });
    await e.connect();
    try {
      await expect(e.prepare(plan, { allowDestructive: true, force: true })).rejects.toThrow(
        /system database \[master\]/,
      );
      expect(
        await server.scalar(
          'master',
          "SELECT CASE WHEN OBJECT_ID(N'dbo.AtombenchObjects') IS NULL AND OBJECT_ID(N'dbo.Atoms') IS NULL THEN 0 ELSE 1 END",
        ),
      ).toBe(0);
    } finally {
      await e.close();
    }
  });

  it('--force on a database it does not own: bare ENABLE_BROKER bounded by the request timeout, never rolling back another session', async () => {
    const db = 'forced_nobroker_it';
    await server.createDatabase(db); // Service Broker disabled
    // A short request timeout, so the wait for the exclusive lock ends quickly.
    const forcedUrl = `${server.urlOf(db)}&requestTimeoutMs=3000`;
    await server.withPool(db, (p) => p.request().batch('CREATE TABLE dbo.UserNotes (Id int);'));
    const brokerEnabled = () =>
      server.scalar<boolean>(db, 'SELECT is_broker_enabled FROM sys.databases WHERE name = DB_NAME()');
    const e = new MssqlEngine({ url: forcedUrl, scenario: s, runNonce: 'nw' });
    await e.connect();
    const other = await new sql.ConnectionPool(server.config(db)).connect();
    try {
      // Not empty when atombench came: not its database, so no ALTER DATABASE without --force.
      await expect(e.prepare(plan, { allowDestructive: false, force: false })).rejects.toThrow(
        /Service Broker is disabled/,
      );
      expect(await server.scalar(db, 'SELECT OwnsDatabase FROM dbo.AtombenchMeta')).toBe(false);
      // Another session inside a transaction: ENABLE_BROKER waits for its lock, the 3 s timeout ends
      // the wait, and that session's work is neither rolled back nor disconnected.
      const tx = new sql.Transaction(other);
      await tx.begin();
      await new sql.Request(tx).batch('INSERT INTO dbo.UserNotes (Id) VALUES (1);');
      const started = Date.now();
      await expect(e.prepare(plan, { allowDestructive: false, force: true })).rejects.toThrow(
        /exclusive lock within 3000 ms/,
      );
      expect(Date.now() - started).toBeLessThan(20_000);
      await tx.commit();
      expect(await server.scalar(db, 'SELECT COUNT(*) FROM dbo.UserNotes')).toBe(1);
      expect(await brokerEnabled()).toBe(false);
      expect(
        await server.scalar(db, 'SELECT user_access_desc FROM sys.databases WHERE name = DB_NAME()'),
      ).toBe('MULTI_USER');
      // The engine reconnected after the failure; with the other session gone, ENABLE_BROKER succeeds.
      await other.close();
      for (let attempt = 0; ; attempt++) {
        try {
          await e.prepare(plan, { allowDestructive: false, force: true });
          break;
        } catch (err) {
          if (attempt >= 10) throw err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      expect(await brokerEnabled()).toBe(true);
    } finally {
      await other.close().catch(() => undefined);
      await e.close();
    }
  });

  it('a database it owns: SINGLE_USER WITH ROLLBACK IMMEDIATE ends a stray session, then back to MULTI_USER', async () => {
    const db = 'owned_nobroker_it';
    const url = await server.createDatabase(db); // empty, Service Broker disabled
    // A stray idle session holding the database: the rollback disconnects it (it is atombench's database).
    const stray = await new sql.ConnectionPool(server.config(db)).connect();
    const e = new MssqlEngine({ url, scenario: s, runNonce: 'own' });
    await e.connect();
    try {
      await e.prepare(plan, { allowDestructive: false, force: false });
      expect(await server.scalar(db, 'SELECT OwnsDatabase FROM dbo.AtombenchMeta')).toBe(true);
      expect(
        await server.scalar(db, 'SELECT is_broker_enabled FROM sys.databases WHERE name = DB_NAME()'),
      ).toBe(true);
      expect(
        await server.scalar(db, 'SELECT user_access_desc FROM sys.databases WHERE name = DB_NAME()'),
      ).toBe('MULTI_USER');
    } finally {
      await stray.close().catch(() => undefined);
      await e.close();
    }
  });

  it('staging seed mode and HEAD names', async () => {
    const headUrl = await server.createDatabase('head_it');
    const hs = testScenario({
      names: { preset: 'head', overrides: {} },
      index: { boundingBox: [-1, -1, 1, 1], grids: ['LOW', 'LOW', 'MEDIUM', 'HIGH'], secondaryIndexes: 0 },
      ooda: { enabled: false },
    });
    const headNames = resolveNames('head', {});
    const hp = planOf(hs, headNames, datasetKey(hs.dataset));
    const e = new MssqlEngine({ url: headUrl, scenario: hs, runNonce: 'h', seedMode: 'staging' });
    await e.connect();
    try {
      await e.prepare(hp, { allowDestructive: false, force: false });
      await seedRange(e, hs, 0, hs.dataset.atoms);
      await e.buildIndex(hp);
      expect(
        await server.scalar(
          'head_it',
          'SELECT COUNT(*) FROM dbo.AtomEmbedding WHERE SpatialKey.STIsValid() = 1',
        ),
      ).toBe(2000);
      expect(
        await server.scalar(
          'head_it',
          "SELECT COUNT(*) FROM sys.indexes WHERE name = N'SIX_AtomEmbedding_SpatialKey'",
        ),
      ).toBe(1);
      expect((await e.run({ op: 'spatial.pool', q: { x: 0, y: 0, z: 0 }, radius: 10, pool: 50 })).rows).toBe(
        50,
      );
      expect((await e.run({ op: 'ingest', batchSize: 10, firstIngestIndex: 0 })).rows).toBe(10);
      expect(
        (await e.explain({ op: 'spatial.pool', q: { x: 0, y: 0, z: 0 }, radius: 0.1, pool: 5 }))
          .usedSpatialIndex,
      ).toBe(true);
      // Broker objects are not created when OODA is off; queue depth is then n/a.
      expect(e.capabilities.queueDepth.supported).toBe(false);
    } finally {
      await e.close();
    }
  });
});
