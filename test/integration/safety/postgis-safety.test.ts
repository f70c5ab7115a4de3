import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgisTemplateNames } from '../../../src/engines/postgis/dialect.ts';
import { quoteDouble, renderSqlFile } from '../../../src/engines/sql-template.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import { postgisSkipReason, startPgServer, type PgServer } from '../../helpers/pg-server.ts';

/**
 * The hostile setups of issue 13 on a real throwaway PostGIS, through the CLI: after every refusal the
 * content hash of each table is what it was (md5 over the ordered rows), the exit code is 2 and the
 * message names the table and the count.
 */
const skip = postgisSkipReason();
const BIN = resolve('bin/atombench.js');
const ATOMS = 2000;
const SCENARIO = `
name: safety-pg
engine: postgis
dataset: { atoms: ${ATOMS}, seed: 7, batchSize: 500 }
workload:
  mix:
    - { op: spatial.knn, weight: 1, k: 5 }
load: { model: closed, concurrency: 1 }
warmupSec: 0
durationSec: 0.5
ooda: { enabled: false }
targets: {}
`;
const names = resolveNames('hartonomous', {});

describe.skipIf(!!skip)('postgis data safety (CLI)', () => {
  let server: PgServer;
  let cwd: string;
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, ATOMBENCH_URL: '', NO_COLOR: '1' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const tableHash = (db: string, table: string) =>
    server.psql(
      `SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '-') FROM "${table}" AS t`,
      db,
    );
  const tables = (db: string) =>
    server.psql(
      "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'",
      db,
    );

  /** atombench's own schema (seed/postgis/schema.sql) holding 5 "production" rows above the dataset's ids. */
  const production = (db: string, rows: number) => {
    server.psql(`CREATE DATABASE ${db}`);
    server.psql('CREATE EXTENSION postgis', db);
    server.psql(renderSqlFile('postgis', 'schema.sql', postgisTemplateNames(names), quoteDouble), db);
    server.psql(
      `INSERT INTO "Atoms" ("AtomId", Modality, ContentHash, SourceType)
       SELECT ${ATOMS} + g, 'text', decode(md5('prod' || g), 'hex'), 'production' FROM generate_series(1, ${rows}) AS g;
       INSERT INTO "AtomEmbeddings" ("AtomId", "SpatialGeometry")
       SELECT ${ATOMS} + g, ST_MakePoint(g, g, 0) FROM generate_series(1, ${rows}) AS g;`,
      db,
    );
  };

  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off', synchronous_commit: 'off' } });
    cwd = mkdtempSync(join(tmpdir(), 'atombench-pg-safety-'));
    writeFileSync(join(cwd, 's.yaml'), SCENARIO);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('--force refuses tables holding rows atombench did not insert: exit 2 with table and count, data intact', () => {
    production('prod', 5);
    const before = [tableHash('prod', 'Atoms'), tableHash('prod', 'AtomEmbeddings'), tables('prod')];
    const r = cli('seed', 's.yaml', '--url', server.urlFor('prod'), '--force', '--no-progress');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(
      /Atoms holds 5 row\(s\), AtomEmbeddings holds 5 row\(s\) that atombench did not insert; refusing to touch them \(nothing was changed\)/,
    );
    expect(r.err).not.toMatch(/\n\s+at /);
    expect([tableHash('prod', 'Atoms'), tableHash('prod', 'AtomEmbeddings'), tables('prod')]).toEqual(before);
    expect(before[0]).toMatch(/^5:/);
  }, 60_000);

  it('--force --drop-foreign-rows lists what it deletes, then holds exactly the dataset', () => {
    production('prod2', 3);
    const r = cli(
      'seed',
      's.yaml',
      '--url',
      server.urlFor('prod2'),
      '--force',
      '--drop-foreign-rows',
      '--no-progress',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /deleting rows atombench did not insert: Atoms holds 3 row\(s\), AtomEmbeddings holds 3 row\(s\)/,
    );
    expect(
      server.psql(
        `SELECT count(*) || ',' || count(*) FILTER (WHERE SourceType = 'atombench') FROM "Atoms"`,
        'prod2',
      ),
    ).toBe(`${ATOMS},${ATOMS}`);
  }, 60_000);

  it('--force on a table of another shape: exit 2 naming the table, nothing changed (no raw foreign-key error)', () => {
    server.psql('CREATE DATABASE shape');
    server.psql(
      'CREATE EXTENSION postgis; CREATE TABLE "Atoms" (id int PRIMARY KEY, note text); INSERT INTO "Atoms" VALUES (1, \'x\');',
      'shape',
    );
    const before = [tableHash('shape', 'Atoms'), tables('shape')];
    const r = cli('seed', 's.yaml', '--url', server.urlFor('shape'), '--force', '--no-progress');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/table Atoms has another shape \(no columns atomid, tenantid, modality/);
    expect([tableHash('shape', 'Atoms'), tables('shape')]).toEqual(before);
    expect(server.psql("SELECT to_regclass('atombench_meta') IS NULL", 'shape')).toBe('t');
  }, 60_000);

  it('a run deletes only the rows it ingested, never a foreign row above the dataset (refused instead)', () => {
    server.psql('CREATE DATABASE owned');
    server.psql('CREATE EXTENSION postgis', 'owned');
    expect(cli('seed', 's.yaml', '--url', server.urlFor('owned'), '--no-progress').code).toBe(0);
    server.psql(
      `INSERT INTO "Atoms" ("AtomId", Modality, ContentHash, SourceType) VALUES (${ATOMS + 100}, 'text', '\\x01', NULL)`,
      'owned',
    );
    const before = tableHash('owned', 'Atoms');
    const r = cli('run', 's.yaml', '--url', server.urlFor('owned'), '--out', 'o', '--no-progress');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Atoms holds 1 row\(s\) that atombench did not insert/);
    expect(tableHash('owned', 'Atoms')).toBe(before);
  }, 60_000);

  it('a second seed while one holds the dataset is refused (exit 2) naming the holder; two at once end with N rows', async () => {
    server.psql('CREATE DATABASE locked');
    server.psql('CREATE EXTENSION postgis', 'locked');
    const holder = new pg.Client({
      connectionString: server.urlFor('locked'),
      application_name: 'atombench pid 4242 on ci-host',
    });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(x'61746f6d'::int, hashtext('atombench:Atoms'))");
      const r = cli('seed', 's.yaml', '--url', server.urlFor('locked'), '--no-progress');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(
        /the dataset Atoms is in use by atombench pid 4242 on ci-host \(server pid \d+, from 127\.0\.0\.1, since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\); one seed or run at a time/,
      );
      expect(tables('locked')).toBe('spatial_ref_sys'); // PostGIS's own: nothing of atombench's
    } finally {
      await holder.end();
    }
    const both = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<{ code: number | null; err: string }>((done) => {
            const p = spawn(
              process.execPath,
              [BIN, 'seed', 's.yaml', '--url', server.urlFor('locked'), '--no-progress'],
              {
                cwd,
                env: { ...process.env, ATOMBENCH_URL: '' },
              },
            );
            let err = '';
            p.stderr.on('data', (d) => (err += d));
            p.on('close', (code) => done({ code, err }));
          }),
      ),
    );
    for (const b of both) expect([0, 2]).toContain(b.code);
    for (const b of both) expect(b.err).not.toMatch(/duplicate key/);
    for (const b of both.filter((x) => x.code === 2))
      expect(b.err).toMatch(/in use by atombench pid \d+ on /);
    expect(server.psql('SELECT count(*) FROM "Atoms"', 'locked')).toBe(String(ATOMS));
  }, 120_000);
});

describe.skipIf(!!skip)('postgis stored-data fingerprint (CLI)', () => {
  let server: PgServer;
  let cwd: string;
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, ATOMBENCH_URL: '', NO_COLOR: '1' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off', synchronous_commit: 'off' } });
    cwd = mkdtempSync(join(tmpdir(), 'atombench-pg-fp-'));
    writeFileSync(join(cwd, 's.yaml'), SCENARIO);
    server.psql('CREATE DATABASE fp');
    server.psql('CREATE EXTENSION postgis', 'fp');
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('the database computes the same fingerprint as the generator; an UPDATE or DELETE is refused (exit 2) and --reseed repairs it', () => {
    const url = server.urlFor('fp');
    const seeded = cli('seed', 's.yaml', '--url', url, '--no-progress', '--verify', 'full');
    expect(seeded.code).toBe(0);
    const content = /verified \(full, 2 buckets\): content ([0-9a-f]{64})/.exec(seeded.out)?.[1];
    expect(content).toMatch(/^[0-9a-f]{64}$/);
    // The same content hash from a sampled check (it covers the sampled buckets in both modes).
    const again = cli('seed', 's.yaml', '--url', url, '--no-progress');
    expect(again.code).toBe(0);
    expect(again.out).toContain(`verified (sample, 1 buckets): content ${content}`);

    server.psql(
      `UPDATE "AtomEmbeddings" SET "SpatialGeometry" = ST_Translate("SpatialGeometry", 500, 0) WHERE "AtomId" % 2 = 0 AND "AtomId" <= 1024;
       DELETE FROM "Atoms" WHERE "AtomId" IN (1500, 1501, 1502)`,
      'fp',
    );
    const altered = server.psql(
      `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM "AtomEmbeddings" AS t`,
      'fp',
    );
    const refused = cli('seed', 's.yaml', '--url', url, '--no-progress', '--verify', 'full');
    expect(refused.code).toBe(2);
    expect(refused.err.trim()).toBe(
      'atombench: dataset altered: 515 row(s) differ from the generated dataset (1997 rows stored for 2000; 515 row(s) changed in 2 of 2 checked bucket(s)); run with --reseed',
    );
    const run = cli('run', 's.yaml', '--url', url, '--out', 'o', '--no-progress');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(
      /dataset altered: 512 row\(s\) differ .*1997 rows stored for 2000; 512 row\(s\) changed in 1 of 1 checked bucket\(s\) \(sampled 1 in 16/,
    );
    expect(
      server.psql(`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM "AtomEmbeddings" AS t`, 'fp'),
    ).toBe(altered);

    const repaired = cli('seed', 's.yaml', '--url', url, '--no-progress', '--reseed', '--verify', 'full');
    expect(repaired.code).toBe(0);
    expect(repaired.out).toContain('--reseed replaces it');
    expect(repaired.out).toContain(`content ${content}`);
  }, 120_000);
});
