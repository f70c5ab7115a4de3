import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetChecksum } from '../../../src/dataset/stream.ts';
import { PostgisEngine } from '../../../src/engines/postgis/index.ts';
import { ensureDataset, schemaPlan } from '../../../src/run/dataset.ts';
import { silentProgress } from '../../../src/run/progress.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import type { Scenario } from '../../../src/scenario/schema.ts';
import { postgisSkipReason, startPgServer, type PgServer } from '../../helpers/pg-server.ts';
import { contractScenario } from '../contract.ts';

/**
 * The seed loads bare heaps and builds every key after the load (seed/postgis/after-load.sql): an
 * interrupted seed has no keys yet and resumes to exactly N rows with all of them; a finished seed
 * missing one is not taken as built, and one whose rows break a key is refused.
 */
const skip = postgisSkipReason();
const ATOMS = 6000;
const sc: Scenario = contractScenario({ dataset: { atoms: ATOMS, seed: 41, batchSize: 500 } });

/** Constraints and indexes of the atoms and embeddings tables, sorted, as one string. */
const OBJECTS = `SELECT string_agg(name, ',' ORDER BY name) FROM (
  SELECT conname::text AS name FROM pg_constraint WHERE conrelid IN ('"Atoms"'::regclass, '"AtomEmbeddings"'::regclass)
  UNION ALL SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid IN ('"Atoms"'::regclass, '"AtomEmbeddings"'::regclass)) o`;
const ALL = [
  '"AtomEmbeddings_pkey"',
  '"Atoms_contenthash_key"',
  '"Atoms_pkey"',
  '"IX_AtomEmbeddings_AtomId"',
  '"IX_AtomEmbeddings_SpatialGeometry"',
  '"IX_AtomEmbeddings_Tenant"',
  'AtomEmbeddings_AtomId_fkey',
  'AtomEmbeddings_pkey',
  'Atoms_contenthash_key',
  'Atoms_pkey',
].sort();

describe.skipIf(!!skip)('postgis: keys built after the load', () => {
  let server: PgServer;
  let engine: PostgisEngine;
  const db = 'keys_db';
  const objects = () => server.psql(OBJECTS, db);
  const counts = () =>
    server.psql(
      'SELECT count(*), count(DISTINCT "AtomId"), min("AtomId"), max("AtomId"), (SELECT count(*) FROM "AtomEmbeddings") FROM "Atoms"',
      db,
    );

  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off', synchronous_commit: 'off' } });
    server.psql(`CREATE DATABASE ${db}`);
    server.psql('CREATE EXTENSION postgis', db);
    engine = new PostgisEngine({
      url: server.urlFor(db),
      dataset: sc.dataset,
      names: resolveNames(sc.names.preset, sc.names.overrides),
      runNonce: 'after-load-test',
    });
    await engine.connect();
  });
  afterAll(async () => {
    await engine?.close();
    await server?.stop();
  });

  it('an interrupted seed holds whole batches in bare heaps; resumed, it ends with exactly N rows and every key', async () => {
    const ac = new AbortController();
    const progress = {
      ...silentProgress,
      seed: (done: number) => done >= 2000 && ac.abort(new Error('interrupted (test)')),
    };
    await expect(
      ensureDataset(engine, sc, { reseed: false, force: false, progress, signal: ac.signal }),
    ).rejects.toThrow('interrupted (test)');
    expect(objects()).toBe(''); // no key, no index yet: COPY loaded bare heaps
    const [n = 0, distinct, lo, hi, emb] = counts().split('|').map(Number);
    expect(n).toBeGreaterThanOrEqual(2000);
    expect(n).toBeLessThan(ATOMS);
    expect(n % 500).toBe(0);
    expect([distinct, lo, hi, emb]).toEqual([n, 1, n, n]);
    const state = await engine.prepare(schemaPlan(sc), { allowDestructive: false, force: false });
    expect(state).toMatchObject({ seededRows: n, indexBuilt: false });

    const out = await ensureDataset(engine, sc, { reseed: false, force: false, progress: silentProgress });
    expect(out).toMatchObject({
      resumedFrom: n,
      rowsInserted: ATOMS - n,
      checksum: await datasetChecksum(sc.dataset),
    });
    expect(counts()).toBe(`${ATOMS}|${ATOMS}|1|${ATOMS}|${ATOMS}`);
    expect(objects().split(',').sort()).toEqual(ALL);
    expect(out.stored?.rows).toBe(ATOMS);
    // The identity sequences were moved past the ids COPY wrote (ingest continues above the dataset).
    const last = (t: string, col: string) =>
      server.psql(`SELECT pg_sequence_last_value(pg_get_serial_sequence('"${t}"', '${col}')::regclass)`, db);
    expect([last('Atoms', 'AtomId'), last('AtomEmbeddings', 'AtomEmbeddingId')]).toEqual([
      `${ATOMS}`,
      `${ATOMS}`,
    ]);
  });

  it('a finished seed missing a key is not taken as built: the next seed builds it again', async () => {
    server.psql('ALTER TABLE "AtomEmbeddings" DROP CONSTRAINT "AtomEmbeddings_pkey"', db);
    const state = await engine.prepare(schemaPlan(sc), { allowDestructive: false, force: false });
    expect(state).toMatchObject({ seededRows: ATOMS, indexBuilt: false });
    const out = await ensureDataset(engine, sc, { reseed: false, force: false, progress: silentProgress });
    expect(out.rowsInserted).toBe(0);
    expect(out.indexBuildMs).toBeGreaterThan(0);
    expect(objects().split(',').sort()).toEqual(ALL);
    expect((await engine.prepare(schemaPlan(sc), { allowDestructive: false, force: false })).indexBuilt).toBe(
      true,
    );
  });

  it('a seed ends with every key, index and the foreign key valid; one left NOT VALID is validated by the next seed', async () => {
    // The two chains and the steps after them (after-load.ts) can finish in any order of their
    // statements: whatever the order, nothing may be left invalid or unvalidated.
    const unchecked = () =>
      server.psql(
        `SELECT coalesce(string_agg(name, ',' ORDER BY name), '') FROM (
           SELECT conname::text AS name FROM pg_constraint
             WHERE conrelid IN ('"Atoms"'::regclass, '"AtomEmbeddings"'::regclass) AND NOT convalidated
           UNION ALL SELECT indexrelid::regclass::text FROM pg_index
             WHERE indrelid IN ('"Atoms"'::regclass, '"AtomEmbeddings"'::regclass) AND NOT (indisvalid AND indisready)) o`,
        db,
      );
    expect(objects().split(',').sort()).toEqual(ALL);
    expect(unchecked()).toBe('');
    // The foreign key as a DBA might leave it: added NOT VALID (its rows never checked).
    server.psql(
      `ALTER TABLE "AtomEmbeddings" DROP CONSTRAINT "AtomEmbeddings_AtomId_fkey";
       ALTER TABLE "AtomEmbeddings" ADD FOREIGN KEY ("AtomId") REFERENCES "Atoms" ("AtomId") ON DELETE CASCADE NOT VALID;`,
      db,
    );
    expect(unchecked()).toBe('AtomEmbeddings_AtomId_fkey');
    const state = await engine.prepare(schemaPlan(sc), { allowDestructive: false, force: false });
    expect(state).toMatchObject({ seededRows: ATOMS, indexBuilt: false });
    const out = await ensureDataset(engine, sc, { reseed: false, force: false, progress: silentProgress });
    expect(out.indexBuildMs).toBeGreaterThan(0);
    expect(unchecked()).toBe('');
    expect(objects().split(',').sort()).toEqual(ALL); // validated in place: no second foreign key beside it
    expect(
      server.psql(
        `SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'AtomEmbeddings_AtomId_fkey'`,
        db,
      ),
    ).toBe('FOREIGN KEY ("AtomId") REFERENCES "Atoms"("AtomId") ON DELETE CASCADE');
  });

  it("another table's foreign key on the embeddings is not taken for the one to the atoms", async () => {
    server.psql(
      `CREATE TABLE other_keys (id bigint PRIMARY KEY);
       INSERT INTO other_keys SELECT generate_series(1, ${ATOMS});
       ALTER TABLE "AtomEmbeddings" DROP CONSTRAINT "AtomEmbeddings_AtomId_fkey";
       ALTER TABLE "AtomEmbeddings" ADD CONSTRAINT other_fk FOREIGN KEY ("AtomId") REFERENCES other_keys (id);`,
      db,
    );
    try {
      const state = await engine.prepare(schemaPlan(sc), { allowDestructive: false, force: false });
      expect(state).toMatchObject({ seededRows: ATOMS, indexBuilt: false });
      await ensureDataset(engine, sc, { reseed: false, force: false, progress: silentProgress });
      expect(objects().split(',').sort()).toEqual([...ALL, 'other_fk'].sort());
    } finally {
      server.psql(
        'ALTER TABLE "AtomEmbeddings" DROP CONSTRAINT IF EXISTS other_fk; DROP TABLE other_keys',
        db,
      );
    }
    expect(objects().split(',').sort()).toEqual(ALL);
  });

  it('refuses a finished seed whose rows break a key that is missing, and leaves it unbuilt', async () => {
    // A duplicate embedding row while its primary key is gone (owned by atombench: its atom is).
    server.psql(
      `ALTER TABLE "AtomEmbeddings" DROP CONSTRAINT "AtomEmbeddings_pkey";
       INSERT INTO "AtomEmbeddings" SELECT * FROM "AtomEmbeddings" WHERE "AtomEmbeddingId" = 7;`,
      db,
    );
    await expect(
      ensureDataset(engine, sc, { reseed: false, force: false, progress: silentProgress }),
    ).rejects.toThrow(/could not create unique index "AtomEmbeddings_pkey"/);
    expect(objects().split(',')).not.toContain('AtomEmbeddings_pkey');
    const state = await engine.prepare(schemaPlan(sc), { allowDestructive: false, force: false });
    expect(state.indexBuilt).toBe(false);
    // --reseed replaces the dataset: exactly N rows and every key again.
    await ensureDataset(engine, sc, {
      reseed: true,
      force: false,
      progress: silentProgress,
      replaceDataset: true,
    });
    expect(counts()).toBe(`${ATOMS}|${ATOMS}|1|${ATOMS}|${ATOMS}`);
    expect(objects().split(',').sort()).toEqual(ALL);
  });
});
