import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Checksummer } from '../../../src/dataset/stream.ts';
import { generatedBatches } from '../../../src/engines/postgis/copy/generator-threads.ts';
import { seedEncodedWithCopy } from '../../../src/engines/postgis/copy/seeder.ts';
import { postgisIds } from '../../../src/engines/postgis/dialect.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import { failingEntry } from '../../fixtures/generator-thread/entry.ts';
import { postgisSkipReason, startPgServer, type PgServer } from '../../helpers/pg-server.ts';
import { contractScenario } from '../contract.ts';
import { createEmptySchema } from './empty-schema.ts';

/**
 * A seed generator thread that exits or crashes mid-request, while the seed streams COPY data into a
 * real server (what loading.ts seedDataset runs): the seed fails with the thread's reason, does not
 * hang, keeps whole batches only, ends every thread, and leaves its connections usable.
 */
const skip = postgisSkipReason();
const sc = contractScenario({ dataset: { atoms: 6000, seed: 12, batchSize: 200 } });
const workers = () =>
  process.getActiveResourcesInfo().filter((r) => r === 'Worker' || r === 'MessagePort').length;

describe.skipIf(!!skip)('postgis seed whose generator thread dies', () => {
  let server: PgServer;
  let clients: pg.Client[] = [];
  const db = 'thread_fail_db';

  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off' } });
    await createEmptySchema(server, db, sc);
    clients = [new pg.Client(server.urlFor(db)), new pg.Client(server.urlFor(db))];
    for (const c of clients) await c.connect();
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) await c.end();
    await server?.stop();
  });

  for (const [how, reason] of [
    ['exit', 'seed generator thread exited (code 7)'],
    ['throw', 'seed generator thread failed: generator thread crashed (test)'],
  ] as const)
    it(`fails with the thread's reason (${how}), no hang, no thread left`, { timeout: 60_000 }, async () => {
      server.psql('TRUNCATE "AtomEmbeddings", "Atoms"', db);
      const before = workers();
      const config = sc.dataset;
      const ids = postgisIds(resolveNames(sc.names.preset, sc.names.overrides));
      const batches = generatedBatches(
        { config, startIndex: 0, checksum: new Checksummer(config) },
        2,
        failingEntry({ atRow: 2000, how }),
      );
      const seed = seedEncodedWithCopy({ clients, format: 'binary' }, ids, batches, () => {}, config.atoms);
      const hang = new Promise((_, reject) => setTimeout(() => reject(new Error('hung')), 20_000).unref());
      await expect(Promise.race([seed, hang])).rejects.toThrow(reason);
      expect(workers()).toBe(before);
      const stored = Number(server.psql('SELECT count(*) FROM "Atoms"', db));
      expect(stored % 200).toBe(0); // whole batches, a prefix
      expect(stored).toBeGreaterThan(0);
      expect(stored).toBeLessThanOrEqual(2000); // nothing from the batch at row 2000 on
      expect(server.psql('SELECT count(*) FROM "AtomEmbeddings"', db)).toBe(String(stored));
      for (const c of clients) expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    });
});
