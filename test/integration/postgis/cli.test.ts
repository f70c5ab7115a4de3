import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PASSWORD_USER,
  PASSWORD_USER_SECRET,
  postgisSkipReason,
  startPgServer,
  type PgServer,
} from '../../helpers/pg-server.ts';

const skip = postgisSkipReason();
const BIN = resolve('bin/atombench.js');

const TINY = `
name: tiny-postgis
engine: postgis
dataset: { atoms: 3000, seed: 3, batchSize: 1000 }
workload:
  mix:
    - { op: spatial.knn, weight: 3, k: 10 }
    - { op: spatial.pool, weight: 1, radius: 10, pool: 100 }
    - { op: spatial.dedup, weight: 1, threshold: { min: 0, max: 0.01 } }
    - { op: spatial.walk, weight: 1, radius: 0.01, steps: 5, pool: 20 }
    - { op: ingest, weight: 1, batchSize: 5 }
load: { model: closed, concurrency: 2 }
warmupSec: 0.5
durationSec: 2
ooda: { triggerEverySec: 0.2, phaseWorkMs: 1 }
probes: { intervalMs: 500 }
targets:
  latency.spatial.knn: p95 < 10s
`;

/** Every file under `dir`, concatenated (the reports must not carry a password either). */
function allText(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

describe.skipIf(!!skip)('atombench CLI on postgis', () => {
  let server: PgServer;
  let cwd: string;
  const cli = (env: Record<string, string>, ...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, ATOMBENCH_URL: '', ...env },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off', synchronous_commit: 'off' } });
    server.psql(
      `CREATE DATABASE bench; CREATE DATABASE pwdb OWNER ${PASSWORD_USER}; CREATE DATABASE theirs;`,
    );
    for (const db of ['bench', 'pwdb', 'theirs'])
      server.psql('CREATE EXTENSION postgis; CREATE EXTENSION pg_stat_statements;', db);
    server.psql('CREATE TABLE "AtomEmbeddings" (id int PRIMARY KEY)', 'theirs');
    cwd = mkdtempSync(join(tmpdir(), 'atombench-pgcli-'));
    writeFileSync(join(cwd, 'tiny.yaml'), TINY);
  });
  afterAll(async () => {
    await server?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('runs a scenario end to end: seeds, measures, probes, writes the reports', () => {
    const r = cli({}, 'run', 'tiny.yaml', '--url', server.urlFor('bench'), '--out', 'out', '--no-progress');
    expect(r.err).toBe('');
    expect([0, 1]).toContain(r.code);
    expect(r.out).toMatch(/verdict: (PASS|FAIL)/);
    const result = JSON.parse(readFileSync(join(cwd, 'out/latest/result.json'), 'utf8'));
    expect(result.engine.engine).toBe('postgis');
    expect(result.engine.serverVersion).toMatch(/PostgreSQL .* \+ PostGIS/);
    expect(result.engine.indexDdl).toMatch(/USING gist/);
    expect(result.dataset.atoms).toBe(3000);
    expect(result.dataset.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(result.operations.find((o: { op: string }) => o.op === 'spatial.knn').count).toBeGreaterThan(10);
    expect(result.ooda.loopsCompleted).toBeGreaterThan(0);
    expect(result.probes.seekRatio.value).toBe(1);
    expect(result.probes.cacheHitRatio.value).toBeGreaterThan(0);
    expect(result.probes.queueDepthMax.value).toBeGreaterThanOrEqual(0);
    expect(result.probes.serverQueryStats.value.executions).toBeGreaterThan(0);
  }, 120_000);

  it('never prints the password of the URL: not on success, not in the reports, not on failure', () => {
    const good = server.urlFor('pwdb', PASSWORD_USER, PASSWORD_USER_SECRET);
    const ok = cli({ ATOMBENCH_URL: good }, 'run', 'tiny.yaml', '--out', 'pwout', '--no-progress');
    expect([0, 1]).toContain(ok.code);
    expect(`${ok.out}${ok.err}${allText(join(cwd, 'pwout'))}`).not.toContain(PASSWORD_USER_SECRET);

    const wrong = 'Wr0ngPassw0rd-xyzzy';
    const bad = cli(
      {},
      'run',
      'tiny.yaml',
      '--url',
      server.urlFor('pwdb', PASSWORD_USER, wrong),
      '--out',
      'badout',
    );
    expect(bad.code).toBe(3);
    expect(bad.err).toMatch(/password authentication failed/);
    expect(`${bad.out}${bad.err}${allText(join(cwd, 'badout'))}`).not.toContain(wrong);
  }, 120_000);

  it('refuses (exit 2) a database whose atom tables atombench did not create, and changes nothing', () => {
    const before = server.psql(
      "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'",
      'theirs',
    );
    const r = cli({}, 'seed', 'tiny.yaml', '--url', server.urlFor('theirs'), '--no-progress');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/AtomEmbeddings exist but were not created by atombench; refusing/);
    expect(r.err).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(
      server.psql("SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'", 'theirs'),
    ).toBe(before);
  });

  it('rejects a URL that is not postgres:// with exit 2', () => {
    const r = cli({}, 'run', 'tiny.yaml', '--url', 'mysql://u:p@localhost/db');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--url: the postgis engine takes postgres:\/\//);
  });
});
