import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgisEngine } from '../../../src/engines/postgis/index.ts';
import { ensureDataset } from '../../../src/run/dataset.ts';
import { guard } from '../../../src/run/phases/guard.ts';
import { silentProgress } from '../../../src/run/progress.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import { startCli } from '../../helpers/cli-process.ts';
import { postgisSkipReason, startPgServer, type PgServer } from '../../helpers/pg-server.ts';
import { contractScenario } from '../contract.ts';

/**
 * The seeding connections' backends terminated mid-seed (pg_terminate_backend): the seed fails with
 * the server's own reason (57P01, "terminating connection due to administrator command"), not with
 * node-postgres' "Client has encountered a connection error and is not queryable" from the next query
 * on a connection the server already closed.
 */
const skip = postgisSkipReason();
const sc = contractScenario({ dataset: { atoms: 6000, seed: 9, batchSize: 500 } });

describe.skipIf(!!skip)('postgis seed whose backends are terminated', () => {
  let server: PgServer;
  let n = 0;

  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off' } });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  /**
   * Seed a fresh database and terminate every seeding backend once `killAt` rows are committed, or as
   * the index build after the load begins.
   */
  const seedKilled = async (seedThreads: number, killAt: number | 'index build') => {
    const db = `killed_${n++}_db`;
    server.psql(`CREATE DATABASE ${db}`);
    server.psql('CREATE EXTENSION postgis', db);
    const engine = new PostgisEngine({
      url: server.urlFor(db),
      dataset: sc.dataset,
      names: resolveNames(sc.names.preset, sc.names.overrides),
      runNonce: 'killed',
      seedThreads,
    });
    await engine.connect();
    let killed = 0;
    // psql runs synchronously: the backends are gone before a connection's next query is sent.
    const kill = () => {
      killed ||= Number(
        server.psql(
          `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${db}' AND application_name LIKE 'atombench%'`,
        ),
      );
    };
    const progress = {
      ...silentProgress,
      seed: (done: number) => typeof killAt === 'number' && done >= killAt && kill(),
      info: (m: string) => killAt === 'index build' && /building the spatial index/.test(m) && kill(),
    };
    try {
      const failure = await guard(undefined, 'seed', () =>
        ensureDataset(engine, sc, { reseed: false, force: false, progress }),
      ).then(
        () => new Error('the seed did not fail'),
        (e: Error) => e,
      );
      return { killed, failure, stored: Number(server.psql('SELECT count(*) FROM "Atoms"', db)) };
    } finally {
      await engine.close();
    }
  };

  for (const seedThreads of [0, 2])
    it(
      `names the server's reason, whichever batch the kill follows (${seedThreads} generator threads)`,
      { timeout: 120_000 },
      async () => {
        const seen: { killAt: number; killed: number; reason: string; wholeBatches: boolean }[] = [];
        for (const killAt of [500, 1000, 2500, 4000]) {
          const { killed, failure, stored } = await seedKilled(seedThreads, killAt);
          seen.push({
            killAt,
            killed,
            reason: failure.message,
            wholeBatches: stored % 500 === 0 && killAt <= stored && stored < 6000,
          });
        }
        // Both seeding backends (the admin connection and the second stream) were ended each time.
        const expected = (killAt: number) => ({
          killAt,
          killed: 2,
          reason: 'seed: terminating connection due to administrator command',
          wholeBatches: true,
        });
        expect(seen).toEqual([500, 1000, 2500, 4000].map(expected));
      },
    );

  it(
    '`atombench seed` killed mid-COPY, at a point the test does not choose: exit 3, one line, the reason',
    { timeout: 180_000 },
    async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'atombench-killed-'));
      try {
        writeFileSync(
          join(cwd, 'big.yaml'),
          [
            'name: killed',
            'engine: postgis',
            'dataset: { atoms: 400000, seed: 4, batchSize: 5000 }',
            'workload: { mix: [{ op: spatial.knn, weight: 1, k: 10 }] }',
            '',
          ].join('\n'),
        );
        for (let attempt = 0; attempt < 5; attempt++) {
          const db = `cli_killed_${attempt}_db`;
          server.psql(`CREATE DATABASE ${db}`);
          server.psql('CREATE EXTENSION postgis', db);
          const cli = startCli(['seed', 'big.yaml', '--url', server.urlFor(db), '--no-progress'], {
            cwd,
            hardTimeoutMs: 120_000,
          });
          const copying = `SELECT count(*) FROM pg_stat_activity WHERE datname = '${db}' AND query LIKE 'COPY%'`;
          let exited = false;
          void cli.done.then(() => (exited = true));
          // A time limit, not a number of polls (each is a psql process): a slow start on a busy machine.
          const deadline = Date.now() + 60_000;
          let copySeen = false;
          while (!exited && Date.now() < deadline && !(copySeen = server.psql(copying) !== '0'))
            await new Promise((r) => setTimeout(r, 20 + attempt * 7));
          expect(copySeen, 'a COPY of the seed is seen before the seed ends').toBe(true);
          const killed = server.psql(
            `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${db}' AND application_name LIKE 'atombench%'`,
          );
          expect(Number(killed)).toBeGreaterThan(0);
          const r = await cli.done;
          expect(r.code, r.out + r.err).toBe(3);
          expect(r.err.trim()).toMatch(/^[^\n]*terminating connection due to administrator command[^\n]*$/);
        }
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    },
  );

  it(
    "names the server's reason when the kill comes as the index build begins",
    { timeout: 60_000 },
    async () => {
      const { killed, failure, stored } = await seedKilled(2, 'index build');
      expect(killed).toBe(1); // the admin connection: the build's second one is not open yet
      expect(failure.message).toBe('seed: terminating connection due to administrator command');
      expect(stored).toBe(6000);
    },
  );
});
