import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEncodedWithCopy } from '../../../src/engines/postgis/copy/seeder.ts';
import { postgisIds } from '../../../src/engines/postgis/dialect.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import { postgisSkipReason, startPgServer, type PgServer } from '../../helpers/pg-server.ts';
import { contractScenario } from '../contract.ts';
import { createEmptySchema } from './empty-schema.ts';

/**
 * The server refuses COPY data while the client is still writing it (an ERROR mid-COPY, as with a full
 * disk or bad data): the seed fails with the server's reason, and no promise is left to reject
 * unhandled (Node 20 ends the process on one: a stack trace and exit 1 instead of exit 3).
 */
const skip = postgisSkipReason();
const sc = contractScenario({ dataset: { atoms: 1000, seed: 5, batchSize: 500 } });

describe.skipIf(!!skip)('postgis COPY refused mid-write', () => {
  let server: PgServer;
  let client: pg.Client;
  const db = 'copy_err_db';

  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off' } });
    await createEmptySchema(server, db, sc);
    client = new pg.Client({ connectionString: server.urlFor(db) });
    await client.connect();
  }, 120_000);
  afterAll(async () => {
    await client?.end();
    await server?.stop();
  });

  it('64 MB the server refuses at its first bytes: rejects with its reason, nothing unhandled, nothing stored', async () => {
    const unhandled: unknown[] = [];
    const note = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', note);
    try {
      async function* batches() {
        // Not a binary COPY signature: the server stops at the header, the client has 63 more MB to write.
        yield { startIndex: 0, rows: 1, atoms: Buffer.alloc(64 << 20, 7), embeddings: Buffer.alloc(16) };
      }
      const ids = postgisIds(resolveNames(sc.names.preset, sc.names.overrides));
      await expect(
        seedEncodedWithCopy({ clients: [client], format: 'binary' }, ids, batches(), () => {}, 1),
      ).rejects.toThrow(/COPY file signature not recognized/);
      await new Promise((r) => setTimeout(r, 200)); // a rejection is reported after the microtasks run
    } finally {
      process.off('unhandledRejection', note);
    }
    expect(unhandled.map(String)).toEqual([]);
    expect(server.psql('SELECT count(*) FROM "Atoms"', db)).toBe('0');
    // The connection is usable again after the refused COPY (rolled back).
    expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
  }, 60_000);
});
