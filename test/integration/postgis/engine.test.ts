import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordFactory } from '../../../src/dataset/records.ts';
import type { Point3 } from '../../../src/dataset/types.ts';
import { POOL_VARIANTS, type PoolVariant } from '../../../src/engines/postgis/dialect.ts';
import { PostgisEngine } from '../../../src/engines/postgis/index.ts';
import { UserError } from '../../../src/errors.ts';
import { ensureDataset, schemaPlan } from '../../../src/run/dataset.ts';
import { silentProgress } from '../../../src/run/progress.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import type { Scenario } from '../../../src/scenario/schema.ts';
import { postgisSkipReason, startPgServer, type PgServer } from '../../helpers/pg-server.ts';
import { contractScenario } from '../contract.ts';

const skip = postgisSkipReason();
const ATOMS = 20_000;
const d2 = (a: Point3, b: Point3) => (a.x - b.x) ** 2 + (a.y - b.y) ** 2;

function engineFor(
  server: PgServer,
  db: string,
  sc: Scenario,
  poolVariant?: PoolVariant,
  seedThreads?: number,
): PostgisEngine {
  return new PostgisEngine({
    url: server.urlFor(db),
    dataset: sc.dataset,
    names: resolveNames(sc.names.preset, sc.names.overrides),
    runNonce: 'engine-test',
    poolVariant,
    seedThreads,
  });
}

describe.skipIf(!!skip)('postgis engine specifics', () => {
  let server: PgServer;
  const sc = contractScenario({ dataset: { atoms: ATOMS, seed: 21, batchSize: 5000 } });
  let pts: Point3[];

  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off', synchronous_commit: 'off' } });
    for (const db of ['foreign_db', 'data_db']) {
      server.psql(`CREATE DATABASE ${db}`);
      server.psql('CREATE EXTENSION postgis; CREATE EXTENSION pg_stat_statements;', db);
    }
    const f = createRecordFactory(sc.dataset);
    pts = Array.from({ length: ATOMS }, (_, i) => f(i).point);
    const engine = engineFor(server, 'data_db', sc);
    await engine.connect();
    await ensureDataset(engine, sc, { reseed: false, force: false, progress: silentProgress });
    await engine.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('builds the primary keys, UNIQUE ContentHash, the foreign key and the secondary indexes after the load, once', async () => {
    const objects = () =>
      server.psql(
        `SELECT string_agg(name, ',' ORDER BY name) FROM (
           SELECT conname::text AS name FROM pg_constraint WHERE conrelid IN ('"Atoms"'::regclass, '"AtomEmbeddings"'::regclass)
           UNION ALL SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid IN ('"Atoms"'::regclass, '"AtomEmbeddings"'::regclass)) o`,
        'data_db',
      );
    const expected = [
      'AtomEmbeddings_AtomId_fkey',
      'AtomEmbeddings_pkey',
      '"AtomEmbeddings_pkey"',
      'Atoms_contenthash_key',
      '"Atoms_contenthash_key"',
      'Atoms_pkey',
      '"Atoms_pkey"',
      '"IX_AtomEmbeddings_AtomId"',
      '"IX_AtomEmbeddings_SpatialGeometry"',
      '"IX_AtomEmbeddings_Tenant"',
    ];
    expect(objects().split(',').sort()).toEqual([...expected].sort());
    // A rebuild (or a database prepared when these came with the tables) adds nothing twice.
    const engine = engineFor(server, 'data_db', sc);
    await engine.connect();
    await engine.buildIndex(schemaPlan(sc));
    await engine.close();
    expect(objects().split(',').sort()).toEqual([...expected].sort());
    // The foreign key holds: an embedding of no atom is refused.
    expect(() =>
      server.psql(
        'INSERT INTO "AtomEmbeddings" ("AtomId", "SpatialGeometry") VALUES (-1, ST_MakePoint(0, 0, 0))',
        'data_db',
      ),
    ).toThrow(/foreign key/);
  });

  it('refuses tables it did not create (UserError) and leaves them exactly as they were', async () => {
    server.psql(
      'CREATE TABLE "Atoms" (id int PRIMARY KEY, note text); INSERT INTO "Atoms" VALUES (1, \'theirs\');',
      'foreign_db',
    );
    const before = server.psql(
      "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'",
      'foreign_db',
    );
    const engine = engineFor(server, 'foreign_db', sc);
    await engine.connect();
    try {
      const refused = engine.prepare(schemaPlan(sc), { allowDestructive: true, force: false });
      await expect(refused).rejects.toBeInstanceOf(UserError);
      await expect(refused).rejects.toThrow(/Atoms exist but were not created by atombench/);
    } finally {
      await engine.close();
    }
    // The refusal names the database; with a password equal to its name, the name is masked too.
    const sly = new PostgisEngine({
      url: server.urlFor('foreign_db', 'postgres', 'foreign_db'),
      dataset: sc.dataset,
      names: resolveNames('runbook', {}),
      runNonce: 'x',
    });
    await sly.connect();
    const err = await sly
      .prepare(schemaPlan(sc), { allowDestructive: false, force: false })
      .catch((e: Error) => e);
    await sly.close();
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/refusing/);
    expect((err as Error).message).not.toContain('foreign_db');
    expect(
      server.psql(
        "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'",
        'foreign_db',
      ),
    ).toBe(before);
    expect(server.psql('SELECT id || note FROM "Atoms"', 'foreign_db')).toBe('1theirs');
    expect(server.psql("SELECT to_regclass('atombench_meta') IS NULL", 'foreign_db')).toBe('t');
  });

  it('runs every pool variant with the right rows; the default uses the GiST index at radius 10', async () => {
    const q: Point3 = { x: 0.004, y: -0.003, z: 0 };
    for (const variant of POOL_VARIANTS) {
      const engine = engineFor(server, 'data_db', sc, variant);
      await engine.connect();
      try {
        await engine.prepare(schemaPlan(sc), { allowDestructive: false, force: false });
        await engine.openPool(2);
        for (const radius of [0.003, 0.02, 10]) {
          const within = pts.filter((p) => d2(p, q) <= radius * radius).length;
          const res = await engine.run({ op: 'spatial.pool', q, radius, pool: 2000 });
          if (variant === 'intersects') {
            // ST_Buffer is an inscribed 32-gon: every row it returns is within r, and it misses only
            // rows farther than r * cos(pi / 32) (the sliver between polygon and circle).
            const inner = radius * Math.cos(Math.PI / 32);
            const surely = pts.filter((p) => d2(p, q) <= inner * inner).length;
            expect(res.rows).toBeGreaterThanOrEqual(Math.min(2000, surely));
            expect(res.rows).toBeLessThanOrEqual(Math.min(2000, within));
          } else {
            expect(res.rows, `${variant} r=${radius}`).toBe(Math.min(2000, within));
          }
        }
        const plan = await engine.explain({ op: 'spatial.pool', q, radius: 10, pool: 1000 });
        console.info(
          `spatial.pool ${variant} at radius 10: ${plan.usedSpatialIndex ? 'GiST' : 'no index'}: ${plan.planSummary}`,
        );
        if (variant === 'knn-dwithin') {
          expect(plan.usedSpatialIndex).toBe(true);
          expect(plan.planSummary).toMatch(/Index Scan using IX_AtomEmbeddings_SpatialGeometry/);
        }
      } finally {
        await engine.close();
      }
    }
  });

  it(
    'probes: cache hit ratio from cumulative counters, queue depth, statement stats, index-usage deltas',
    { timeout: 60_000 },
    async () => {
      const engine = engineFor(server, 'data_db', sc);
      await engine.connect();
      try {
        await engine.prepare(schemaPlan(sc), { allowDestructive: false, force: false });
        await engine.openPool(2);
        expect(engine.capabilities.cacheHitRatio.supported).toBe(true);
        expect(engine.capabilities.serverQueryStats.supported).toBe(true);
        expect(engine.capabilities.gridIndex).toMatchObject({
          supported: false,
          reason: expect.stringMatching(/GiST/),
        });
        const first = await engine.probe();
        for (let i = 0; i < 50; i++) await engine.run({ op: 'spatial.knn', q: pts[i]!, k: 10 });
        const qd = await engine.queues();
        await qd.trigger('probe-loop', '{}');
        // Other backends publish their counters at most once a second, and an idle one only after 10 s
        // (PostgreSQL 15 pgstat): look until the index scans show (pg_stat_statements is immediate).
        let last = await engine.probe();
        for (let i = 0; i < 30 && (last.gauges?.['postgis.spatialIndexScans'] ?? 0) < 50; i++) {
          await new Promise((r) => setTimeout(r, 500));
          last = await engine.probe();
        }
        expect(last.queueDepth).toEqual({ Analyze: 1, Hypothesize: 0, Act: 0, Learn: 0 });
        const lookups = last.cache!.lookups - first.cache!.lookups;
        const hits = last.cache!.hits - first.cache!.hits;
        expect(lookups).toBeGreaterThan(0);
        expect(hits / lookups).toBeGreaterThan(0);
        expect(hits / lookups).toBeLessThanOrEqual(1);
        expect(last.serverQueryStats?.executions).toBeGreaterThanOrEqual(50);
        expect(last.serverQueryStats?.avgDurationMs).toBeGreaterThan(0);
        expect(last.gauges?.['postgis.spatialIndexScans']).toBeGreaterThanOrEqual(50);
        const f = await engine.primaryFilter!({ op: 'spatial.pool', q: pts[0]!, radius: 0.01, pool: 1000 });
        expect(f!.candidates).toBeGreaterThanOrEqual(f!.output);
        expect(f!.output).toBe(pts.filter((p) => d2(p, pts[0]!) <= 0.0001).length);
        const m = await qd.receive('Analyze', 500);
        await qd.complete(m!, { phase: 'Analyze', durationMs: 1, success: true }, undefined);
      } finally {
        await engine.close();
      }
    },
  );

  it(
    'seeds the same rows and checksum with its rows generated on 0, 1 or 2 threads, interrupted or not',
    { timeout: 120_000 },
    async () => {
      const small = contractScenario({ dataset: { atoms: 4000, seed: 23, batchSize: 300 } });
      const outcomes = [];
      for (const threads of [0, 1, 2]) {
        const db = `threads_${threads}_db`;
        server.psql(`CREATE DATABASE ${db}`);
        server.psql('CREATE EXTENSION postgis', db);
        const engine = engineFor(server, db, small, undefined, threads);
        await engine.connect();
        try {
          // Interrupted after a few batches, then resumed: stored is a prefix of whole batches either way.
          const ac = new AbortController();
          const progress = {
            ...silentProgress,
            seed: (done: number) => done >= 900 && ac.abort(new Error('interrupted (test)')),
          };
          await expect(
            ensureDataset(engine, small, { reseed: false, force: false, progress, signal: ac.signal }),
          ).rejects.toThrow('interrupted (test)');
          const stored = Number(server.psql('SELECT count(*) FROM "Atoms"', db).trim());
          expect(stored % 300).toBe(0);
          expect(stored).toBeGreaterThanOrEqual(900);
          const out = await ensureDataset(engine, small, {
            reseed: false,
            force: false,
            progress: silentProgress,
          });
          expect(out.resumedFrom).toBe(stored);
          expect(out.stored).toMatchObject({ rows: 4000 });
          outcomes.push({ checksum: out.checksum, content: out.stored?.contentHash });
        } finally {
          await engine.close();
        }
      }
      expect(outcomes[1]).toEqual(outcomes[0]);
      expect(outcomes[2]).toEqual(outcomes[0]);
    },
  );

  it('never resumes an interrupted seed with another dataset', async () => {
    server.psql('CREATE DATABASE partial_db');
    const a = contractScenario({ dataset: { atoms: 3000, seed: 31, batchSize: 500 } });
    const b = contractScenario({ dataset: { atoms: 3000, seed: 32, batchSize: 500 } });
    const engine = engineFor(server, 'partial_db', a);
    await engine.connect();
    try {
      const ac = new AbortController();
      const progress = {
        ...silentProgress,
        seed: (done: number) => done >= 1000 && ac.abort(new Error('interrupted (test)')),
      };
      await expect(
        ensureDataset(engine, a, { reseed: false, force: false, progress, signal: ac.signal }),
      ).rejects.toThrow('interrupted (test)');
      const other = engine.prepare(schemaPlan(b), { allowDestructive: false, force: false });
      await expect(other).rejects.toThrow(/holds another dataset/);
      const replaced = await engine.prepare(schemaPlan(b), { allowDestructive: true, force: false });
      expect(replaced.seededRows).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it('reports server statement stats as n/a with the reason where pg_stat_statements is missing', async () => {
    server.psql('CREATE DATABASE no_pss');
    const engine = engineFor(server, 'no_pss', sc);
    await engine.connect();
    try {
      expect(engine.capabilities.serverQueryStats).toEqual({
        supported: false,
        reason: expect.stringMatching(/pg_stat_statements is not installed in this database/),
      });
      expect((await engine.probe()).serverQueryStats).toBeUndefined();
    } finally {
      await engine.close();
    }
  });

  it('returns a received message to its queue when the consumer goes away before completing', async () => {
    const a = engineFor(server, 'data_db', sc);
    const b = engineFor(server, 'data_db', sc);
    await a.connect();
    await b.connect();
    try {
      // One prepare: a second atombench on the same dataset would be refused (the dataset lock); b only
      // consumes the queues a created.
      await a.prepare(schemaPlan(sc), { allowDestructive: false, force: false });
      const qa = await a.queues();
      const qb = await b.queues();
      await qa.trigger('orphan', '{}');
      const held = await qa.receive('Analyze', 500);
      expect(held?.loopId).toBe('orphan');
      expect(await qb.receive('Analyze', 100)).toBeUndefined(); // held by a: skipped, not waited for
      const waiting = qb.receive('Analyze', 5000);
      await qa.close(); // the transaction rolls back: the message is on the queue again
      const again = await waiting;
      expect(again?.loopId).toBe('orphan');
      await qb.complete(again!, { phase: 'Analyze', durationMs: 1, success: true }, undefined);
      expect((await qb.depth()).Analyze).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('never shows a password: wrong password, and a password the server echoes back', async () => {
    const secret = 'Sup3rS3cretPw';
    const cases = [
      server.urlFor('postgres', 'atombench_pw', secret), // scram login fails: "password authentication failed"
      server.urlFor(secret, 'postgres', secret), // trust login, then 'database "Sup3rS3cretPw" does not exist'
    ];
    for (const url of cases) {
      const engine = new PostgisEngine({
        url,
        dataset: sc.dataset,
        names: resolveNames('runbook', {}),
        runNonce: 'x',
      });
      const err = (await engine.connect().then(
        () => undefined,
        (e: unknown) => e,
      )) as Error | undefined;
      await engine.close();
      expect(err).toBeInstanceOf(Error);
      const shown = `${err!.message}\n${err!.stack ?? ''}\n${JSON.stringify(err)}`;
      expect(shown).not.toContain(secret);
      expect(err!.message).toMatch(/password authentication failed|does not exist/);
    }
  });
});
