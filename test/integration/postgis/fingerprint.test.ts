import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkedBuckets } from '../../../src/dataset/fingerprint.ts';
import { PostgisEngine } from '../../../src/engines/postgis/index.ts';
import { fingerprintSql, storedFingerprint } from '../../../src/engines/postgis/safety/fingerprint.ts';
import { ensureDataset, schemaPlan } from '../../../src/run/dataset.ts';
import { silentProgress } from '../../../src/run/progress.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import type { Scenario } from '../../../src/scenario/schema.ts';
import { postgisSkipReason, startPgServer, type PgServer } from '../../helpers/pg-server.ts';
import { contractScenario } from '../contract.ts';

/**
 * The stored-data fingerprint's two shortcuts give what the plain join gives: the totals from index
 * counts (only when they are exact: a unique AtomId key, dense ids, every embedding naming an atom;
 * else the join), and the sampled buckets read by a range scan per bucket instead of whole scans.
 */
const skip = postgisSkipReason();
const ATOMS = 20_000;
const sc: Scenario = contractScenario({ dataset: { atoms: ATOMS, seed: 43, batchSize: 2500 } });
const names = resolveNames(sc.names.preset, sc.names.overrides);

describe.skipIf(!!skip)('postgis stored-data fingerprint: shortcuts equal the join', () => {
  let server: PgServer;
  let c: pg.Client;
  let other: pg.Client;
  const db = 'fp_paths';
  const sql = fingerprintSql(names);

  /** What the plain join says (the definition), beside what storedFingerprint reports. */
  async function both(buckets: number[]) {
    const t = (await c.query(sql.totals)).rows[0] as Record<string, string | null>;
    const scan = (await c.query(sql.bucketsScan, [ATOMS, buckets])).rows as Record<string, string>[];
    const plain = {
      rows: Number(t.n),
      minId: t.lo === null ? null : Number(t.lo),
      maxId: t.hi === null ? null : Number(t.hi),
      embeddingRows: Number(t.emb),
      buckets: scan.map((r) => ({ bucket: Number(r.bucket), rows: Number(r.rows), sum: Number(r.sum) })),
    };
    const ranged = (await c.query(sql.buckets, [ATOMS, buckets])).rows as Record<string, string>[];
    return {
      plain,
      ranged: ranged.map((r) => ({ bucket: Number(r.bucket), rows: Number(r.rows), sum: Number(r.sum) })),
      reported: await storedFingerprint(c, names, { atoms: ATOMS, buckets }, other),
    };
  }

  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off', synchronous_commit: 'off' } });
    server.psql(`CREATE DATABASE ${db}`);
    server.psql('CREATE EXTENSION postgis', db);
    const engine = new PostgisEngine({ url: server.urlFor(db), dataset: sc.dataset, names, runNonce: 'fp' });
    await engine.connect();
    try {
      await ensureDataset(engine, sc, { reseed: true, force: false, progress: silentProgress });
    } finally {
      await engine.close();
    }
    c = new pg.Client(server.urlFor(db));
    other = new pg.Client(server.urlFor(db));
    await c.connect();
    await other.connect();
  }, 120_000);
  afterAll(async () => {
    await c?.end();
    await other?.end();
    await server?.stop();
  });

  it('agrees on the seeded data, sampled (range scans) and full (whole scans)', async () => {
    for (const buckets of [checkedBuckets(ATOMS, 'sample'), checkedBuckets(ATOMS, 'full'), [3, 3, 19, 400]]) {
      const { plain, ranged, reported } = await both(buckets);
      expect(reported).toEqual(plain);
      expect(ranged).toEqual(plain.buckets);
    }
    expect((await both([0])).plain.rows).toBe(ATOMS);
  });

  it('is read by the index build beside its foreign key, as it reads after it', async () => {
    server.psql('ALTER TABLE "AtomEmbeddings" DROP CONSTRAINT "AtomEmbeddings_AtomId_fkey"', db);
    const engine = new PostgisEngine({ url: server.urlFor(db), dataset: sc.dataset, names, runNonce: 'fp' });
    await engine.connect();
    try {
      const plan = schemaPlan(sc);
      await engine.prepare(plan, { allowDestructive: false, force: false });
      const req = { atoms: ATOMS, buckets: checkedBuckets(ATOMS, 'sample') };
      const built = await engine.buildIndex(plan, { fingerprint: req });
      expect(
        server
          .psql(`SELECT convalidated FROM pg_constraint WHERE conname = 'AtomEmbeddings_AtomId_fkey'`, db)
          .trim(),
      ).toBe('t');
      expect(built.stored).toEqual(await engine.storedFingerprint(req));
      expect(built.stored?.rows).toBe(ATOMS);
      expect((await engine.buildIndex(plan)).stored).toBeUndefined();
    } finally {
      await engine.close();
    }
  });

  it('agrees when rows are changed: two embeddings, none, an orphan, a duplicate id without the key', async () => {
    const steps = [
      // An atom with a second embedding and one with none: still exact from the counts.
      `INSERT INTO "AtomEmbeddings" ("AtomEmbeddingId", "AtomId", TenantId, ModelId, EmbeddingType, Dimension, "SpatialGeometry", SpatialBucketX, SpatialBucketY, SpatialBucketZ, HilbertValue)
         SELECT 900001, "AtomId", TenantId, ModelId, EmbeddingType, Dimension, "SpatialGeometry", SpatialBucketX, SpatialBucketY, SpatialBucketZ, HilbertValue FROM "AtomEmbeddings" WHERE "AtomId" = 7;
       DELETE FROM "AtomEmbeddings" WHERE "AtomId" = 1030`,
      // An embedding naming no atom (the foreign key dropped first), then put back.
      `ALTER TABLE "AtomEmbeddings" DROP CONSTRAINT "AtomEmbeddings_AtomId_fkey";
       UPDATE "AtomEmbeddings" SET "AtomId" = 30000 WHERE "AtomId" = 1100`,
      `UPDATE "AtomEmbeddings" SET "AtomId" = 1100 WHERE "AtomId" = 30000`,
      // No key, atom 7 (two embeddings) twice and atom 12000 gone: the ids look dense (1..20000, 20000
      // rows) but the counts would say 20001 rows where the join has 20002.
      `ALTER TABLE "Atoms" DROP CONSTRAINT "Atoms_pkey" CASCADE;
       ALTER TABLE "Atoms" DROP CONSTRAINT "Atoms_contenthash_key";
       INSERT INTO "Atoms" SELECT * FROM "Atoms" WHERE "AtomId" = 7;
       DELETE FROM "Atoms" WHERE "AtomId" = 12000; DELETE FROM "AtomEmbeddings" WHERE "AtomId" = 12000`,
      // A gap in the ids: not dense.
      `DELETE FROM "Atoms" WHERE "AtomId" = 5000; DELETE FROM "AtomEmbeddings" WHERE "AtomId" = 5000`,
    ];
    const rows: number[] = [];
    for (const step of steps) {
      server.psql(step, db);
      const { plain, ranged, reported } = await both(checkedBuckets(ATOMS, 'full'));
      expect(reported).toEqual(plain);
      expect(ranged).toEqual(plain.buckets);
      rows.push(plain.rows);
    }
    // Atom 7's second embedding; 1030 and 1100 without one still count once; 7 twice (2 x 2 rows).
    expect(rows).toEqual([ATOMS + 1, ATOMS + 1, ATOMS + 1, ATOMS + 2, ATOMS + 1]);
  });

  it('compiles nothing with JIT, however low the server sets JIT thresholds', async () => {
    server.psql(
      `ALTER DATABASE ${db} SET jit_above_cost = 0; ALTER DATABASE ${db} SET jit_optimize_above_cost = 0`,
    );
    server.psql('CREATE EXTENSION IF NOT EXISTS pg_stat_statements', db);
    const jitAvailable = server.psql('SELECT pg_jit_available()', db).trim() === 't';
    const fresh = async () => {
      const x = new pg.Client(server.urlFor(db));
      await x.connect();
      return x;
    };
    const [a, b] = [await fresh(), await fresh()];
    try {
      const jitted = async () =>
        Number(
          (
            await a.query(
              `SELECT coalesce(sum(jit_functions), 0) AS n FROM pg_stat_statements WHERE query LIKE '%md5(%' AND query NOT LIKE '%pg_stat_statements%'`,
            )
          ).rows[0].n,
        );
      await a.query('SELECT pg_stat_statements_reset()');
      const buckets = checkedBuckets(ATOMS, 'sample');
      await storedFingerprint(a, names, { atoms: ATOMS, buckets }, b); // two connections
      await storedFingerprint(a, names, { atoms: ATOMS, buckets }); // one
      expect(await jitted()).toBe(0);
      if (!jitAvailable)
        return console.log('fingerprint JIT check: the server has no JIT (pg_jit_available() false)');
      await b.query(sql.buckets, [ATOMS, buckets]); // the same statement as it is, for the contrast
      expect(await jitted()).toBeGreaterThan(0);
    } finally {
      await a.end();
      await b.end();
      server.psql(
        `ALTER DATABASE ${db} RESET jit_above_cost; ALTER DATABASE ${db} RESET jit_optimize_above_cost`,
      );
    }
  });
});
