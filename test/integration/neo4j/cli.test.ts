import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cypherNumber, neo4jSkipReason, startNeo4j, type Neo4jServer } from '../../helpers/neo4j.ts';
import { postgisSkipReason, startPgServer, type PgServer } from '../../helpers/pg-server.ts';

/** `atombench run --neo4j-url` end to end on sqlite and postgis, against the real Neo4j. */
const skip = neo4jSkipReason();
const pgSkip = postgisSkipReason();
const BIN = resolve('bin/atombench.js');
const PASSWORD = 'cli-neo4j-secret-pw';
const ATOMS = 2000;

const scenario = (durationSec: number, drainSec = 30) => `
name: graph-tiny
dataset: { atoms: ${ATOMS}, seed: 3, batchSize: 1000 }
workload:
  mix:
    - { op: spatial.knn, weight: 2, k: 10 }
    - { op: ingest, weight: 1, batchSize: 10 }
# About 100 new atoms a second: a load the graph keeps up with here, so the lag target is meaningful.
load: { model: open, ratePerSec: 30, connections: 2 }
warmupSec: 0.5
durationSec: ${durationSec}
ooda: { enabled: false }
probes: { intervalMs: 250 }
neo4j: { readers: 3, batch: 10, drainSec: ${drainSec}, maxRetrySec: 1 }
`;

describe.skipIf(!!skip)('atombench run --neo4j-url (real Neo4j)', () => {
  let neo: Neo4jServer;
  let pg: PgServer | undefined;
  let admin: Driver;
  const cwd = mkdtempSync(join(tmpdir(), 'atombench-neo4j-cli-'));
  const url = () => `bolt://neo4j:${PASSWORD}@127.0.0.1:${neo.port}`;
  const env = () => ({ ...process.env, ATOMBENCH_URL: '', ATOMBENCH_NEO4J_URL: '' });
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: env() });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const count = (cypher: string) => cypherNumber(admin, cypher);
  const read = (dir: string, f: string) => readFileSync(join(cwd, dir, 'latest', f), 'utf8');

  beforeAll(async () => {
    [neo, pg] = await Promise.all([startNeo4j({ password: PASSWORD }), pgSkip ? undefined : startPgServer()]);
    admin = neo4j.driver(neo.url, neo4j.auth.basic('neo4j', PASSWORD), { disableLosslessIntegers: true });
    pg?.psql('CREATE DATABASE cli_db');
    pg?.psql('CREATE EXTENSION postgis', 'cli_db');
    writeFileSync(join(cwd, 'graph.yaml'), scenario(3));
    // A killed Neo4j takes 10-40 s to recover here: the drain waits for it.
    writeFileSync(join(cwd, 'graph-long.yaml'), scenario(20, 120));
  }, 180_000);
  beforeEach(async () => {
    await count('MATCH (n) DETACH DELETE n RETURN 0');
    await count('DROP CONSTRAINT atombench_atom_id_tenant IF EXISTS');
  });
  afterAll(async () => {
    await admin?.close();
    await Promise.all([neo?.dispose(), pg?.stop()]);
    rmSync(cwd, { recursive: true, force: true });
  }, 60_000);

  const checkRun = (dir: string, r: { code: number | null; out: string; err: string }, outage = false) => {
    expect(r.err).toBe('');
    expect([0, 1]).toContain(r.code);
    // The summary prints the graph rows; no output or report carries the password.
    expect(r.out).toMatch(/GRAPH \(NEO4J\)/);
    expect(r.out).toMatch(/Sync lag \(enqueue to merged\)\s+p50 [\d.]+/);
    expect(r.out).toMatch(/neo4j\.syncLag\s+p95 < 5s/);
    expect(r.out).toMatch(/neo4j\.queueDepth\s+max < 10/);
    expect(r.out).not.toContain(PASSWORD);
    for (const f of ['result.json', 'summary.md', 'junit.xml', 'timeseries.csv', 'report.html'])
      expect(read(dir, f)).not.toContain(PASSWORD);
    const result = JSON.parse(read(dir, 'result.json'));
    const g = result.neo4j;
    expect(g.server).toBe(`bolt://127.0.0.1:${neo.port} (user neo4j)`);
    expect(g.serverVersion).toMatch(/^Neo4j Kernel 5\.26/);
    expect(g.ingestedAtoms).toBeGreaterThan(50);
    expect(g.graphNodes).toBe(g.ingestedAtoms); // counted in Neo4j after the drain
    // Summed from each MERGE's counters. Across an outage a batch can commit while its reply is lost
    // (Neo4j killed between commit and answer): the driver's retry finds the nodes and creates none, so
    // the sum may fall short by such batches; the graph count above is the one that must be exact.
    if (outage) {
      expect(g.nodesCreated).toBeLessThanOrEqual(g.ingestedAtoms);
      expect(g.nodesCreated).toBeGreaterThan(0);
    } else expect(g.nodesCreated).toBe(g.ingestedAtoms);
    expect(g.backlogAtEnd).toBe(0);
    expect(g.syncLagMs.count).toBeGreaterThan(20);
    expect(g.syncLagMs.p95).toBeGreaterThan(0);
    // Without an outage the graph keeps up with ~100 atoms/s; with one, the lag target fails, as it must.
    if (!outage) expect(g.syncLagMs.p95).toBeLessThan(5000);
    expect(g.mergeLatencyMs.count).toBe(g.batches);
    expect(g.queueDepthMax.value).toBeGreaterThanOrEqual(0);
    const depths = result.timeseries
      .filter((p: { warmup: boolean }) => !p.warmup)
      .map((p: { neo4jQueueDepth?: number }) => p.neo4jQueueDepth);
    expect(depths.every((d: unknown) => typeof d === 'number')).toBe(true);
    const t = result.targets.find((x: { metric: string }) => x.metric === 'neo4j.syncLag');
    expect(t).toMatchObject({ expression: 'p95 < 5s', source: expect.stringMatching(/atombench default/) });
    expect(t.observed).toBeCloseTo(g.syncLagMs.p95, 6);
    expect(t.verdict).toBe(g.syncLagMs.p95 < 5000 ? 'pass' : 'fail');
    expect(read(dir, 'summary.md')).toContain('## Graph (Neo4j)');
    expect(read(dir, 'junit.xml')).toContain('neo4j.syncLag');
    expect(read(dir, 'timeseries.csv').split('\n')[0]).toContain('neo4jQueueDepth,neo4jMerged');
    expect(read(dir, 'report.html')).toContain('Neo4j sync queue depth over time');
    return result;
  };

  it('sqlite: N ingested atoms are N Atom nodes, graph rows in every format, cleanup leaves the graph empty', async () => {
    const r = cli('run', 'graph.yaml', '--out', 'out-sqlite', '--no-progress', '--neo4j-url', url());
    checkRun('out-sqlite', r);
    expect(await count(`MATCH (a:Atom) WHERE a.id > ${ATOMS} RETURN count(a)`)).toBe(0);
  }, 120_000);

  it.skipIf(!!pgSkip)(
    'postgis: the same through the SKIP LOCKED sync queue',
    async () => {
      const r = cli(
        'run',
        'graph.yaml',
        '--engine',
        'postgis',
        '--url',
        pg!.urlFor('cli_db'),
        '--out',
        'out-pg',
        '--no-progress',
        '--neo4j-url',
        url(),
      );
      checkRun('out-pg', r);
      expect(await count(`MATCH (a:Atom) WHERE a.id > ${ATOMS} RETURN count(a)`)).toBe(0);
    },
    120_000,
  );

  it('graph.provenance: preloads the provenance graph once, walks it in the mix, and reuses it', async () => {
    writeFileSync(
      join(cwd, 'prov.yaml'),
      scenario(2).replace(
        '- { op: ingest, weight: 1, batchSize: 10 }',
        '- { op: ingest, weight: 1, batchSize: 10 }\n    - { op: graph.provenance, weight: 2, depth: 3 }',
      ) + 'targets:\n  latency.graph.provenance: p95 < 10s\n',
    );
    const first = cli('run', 'prov.yaml', '--out', 'out-prov', '--no-progress', '--neo4j-url', url());
    expect(first.err).toBe('');
    expect(first.out).toMatch(/Provenance graph\s+2,000 atoms, 3,997 edges \(preloaded\)/);
    const r1 = JSON.parse(read('out-prov', 'result.json'));
    const op = r1.operations.find((o: { op: string }) => o.op === 'graph.provenance');
    expect(op.count).toBeGreaterThan(5);
    expect(op.errors).toEqual({});
    expect(op.rowsOutput / op.count).toBeGreaterThan(1); // depth 3 over 2 edges per atom reaches several
    expect(
      r1.targets.find((t: { metric: string }) => t.metric === 'latency.graph.provenance').verdict,
    ).not.toBe('n/a');
    // The seed graph stays (owned), the run's ingested atoms go.
    expect(await count('MATCH (a:Atom) RETURN count(a)')).toBe(ATOMS);
    const second = cli('run', 'prov.yaml', '--out', 'out-prov', '--no-progress', '--neo4j-url', url());
    expect(second.out).toMatch(/Provenance graph\s+2,000 atoms \(reused\)/);
    // Without a Neo4j the mix cannot read the graph: exit 2, naming the field.
    const none = cli('run', 'prov.yaml', '--out', 'o', '--no-progress');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/workload\.mix\[2\]\.op: graph\.provenance reads Neo4j/);
  }, 120_000);

  it('refuses a graph with a foreign Atom node: exit 2, the graph intact', async () => {
    await count(
      "CREATE (:Atom {id: 1, tenantId: 0, owner: 'them'})-[:DERIVED_FROM]->(:Atom {id: 2, tenantId: 0}) RETURN 0",
    );
    const r = cli('run', 'graph.yaml', '--out', 'out-foreign', '--no-progress', '--neo4j-url', url());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/2 Atom node\(s\) atombench did not create/);
    expect(r.err + r.out).not.toContain(PASSWORD);
    expect(await count('MATCH (a:Atom) RETURN count(a)')).toBe(2);
    expect(await count('MATCH ()-[r]->() RETURN count(r)')).toBe(1);
    expect(
      await count("SHOW CONSTRAINTS YIELD name WHERE name = 'atombench_atom_id_tenant' RETURN count(*)"),
    ).toBe(0);
  }, 60_000);

  it('a bad --neo4j-url is exit 2; an unreachable Neo4j is exit 3, and neither prints the password', () => {
    const bad = cli(
      'run',
      'graph.yaml',
      '--out',
      'o',
      '--no-progress',
      '--neo4j-url',
      `http://neo4j:${PASSWORD}@h`,
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--neo4j-url: unknown scheme "http:"/);
    const down = cli(
      'run',
      'graph.yaml',
      '--out',
      'o',
      '--no-progress',
      '--neo4j-url',
      `bolt://neo4j:${PASSWORD}@127.0.0.1:1`,
    );
    expect(down.code).toBe(3);
    expect(down.err).toMatch(/cannot connect to neo4j bolt:\/\/127\.0\.0\.1:1/);
    for (const x of [bad, down]) expect(x.err + x.out).not.toContain(PASSWORD);
  }, 60_000);

  it('survives a Neo4j crash and restart mid-run: reports written, every atom arrives once', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'run', 'graph-long.yaml', '--out', 'out-restart', '--no-progress', '--neo4j-url', url()],
      { cwd, env: env() },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
    await new Promise((r) => setTimeout(r, 9000)); // seeding and the start of the load
    await neo.kill();
    await new Promise((r) => setTimeout(r, 2000));
    await neo.restart();
    const code = await exited;
    expect([0, 1]).toContain(code);
    const result = checkRun(
      'out-restart',
      {
        code,
        out: out.slice(out.indexOf('atombench graph-tiny')),
        err: '',
      },
      true,
    );
    const g = result.neo4j;
    expect(g.outages).toBeGreaterThanOrEqual(1);
    expect(g.errors.unavailable).toBeGreaterThan(0);
    expect(g.unavailableMs).toBeGreaterThan(1000);
    expect(out).toMatch(/Outages\s+\d+, unreachable [\d.]+ ?s in all, recovered/);
  }, 300_000);
});
