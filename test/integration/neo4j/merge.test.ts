import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeHistogram, mergeAll, summarize } from '../../../src/metrics/histogram.ts';
import type { Neo4jSummary, RunResult } from '../../../src/model/result.ts';
import { cypherNumber, neo4jSkipReason, startNeo4j, type Neo4jServer } from '../../helpers/neo4j.ts';

/**
 * The graph side of merged results against the real Neo4j, on SQLite: `run --trials 2` and two
 * `run --shard` processes merged by `atombench merge`. Every ingested atom is one Atom node and one
 * merged request in the merged `neo4j` section: nothing counted twice, nothing lost.
 */
const skip = neo4jSkipReason();
const BIN = resolve('bin/atombench.js');
const PASSWORD = 'merge-neo4j-secret-pw';
const ATOMS = 2000;

const scenario = (name: string) => `
name: ${name}
engine: sqlite
dataset: { atoms: ${ATOMS}, seed: 6, batchSize: 1000 }
workload:
  mix:
    - { op: spatial.knn, weight: 2, k: 10 }
    - { op: ingest, weight: 1, batchSize: 10 }
load: { model: open, ratePerSec: 30, connections: 2 }
warmupSec: 0.5
durationSec: 3
ooda: { enabled: false }
probes: { intervalMs: 250 }
neo4j: { readers: 3, batch: 10, drainSec: 30, maxRetrySec: 1 }
`;

describe.skipIf(!!skip)('merged results with Neo4j (real Neo4j, sqlite)', () => {
  let neo: Neo4jServer;
  let admin: Driver;
  const cwd = mkdtempSync(join(tmpdir(), 'atombench-neo4j-merge-'));
  const url = () => `bolt://neo4j:${PASSWORD}@127.0.0.1:${neo.port}`;
  const cli = (...args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((done) => {
      const p = spawn(process.execPath, [BIN, ...args], {
        cwd,
        env: { ...process.env, ATOMBENCH_URL: '', ATOMBENCH_NEO4J_URL: '' },
      });
      let out = '';
      let err = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (err += d));
      p.on('close', (code) => done({ code, out, err }));
    });
  const count = (cypher: string) => cypherNumber(admin, cypher);
  const readJson = (f: string) => JSON.parse(readFileSync(join(cwd, f), 'utf8')) as RunResult;
  /** The sync-lag histogram pooled from the parts: the merged one must hold exactly these samples. */
  const pooledLag = (parts: readonly Neo4jSummary[]) =>
    summarize(mergeAll(parts.map((p) => decodeHistogram(p.syncLagHistogram))));

  beforeAll(async () => {
    neo = await startNeo4j({ password: PASSWORD });
    admin = neo4j.driver(neo.url, neo4j.auth.basic('neo4j', PASSWORD), { disableLosslessIntegers: true });
    writeFileSync(join(cwd, 'trials.yaml'), scenario('graph-trials'));
    writeFileSync(join(cwd, 'shards.yaml'), scenario('graph-shards'));
  }, 180_000);
  beforeEach(async () => {
    await count('MATCH (n) DETACH DELETE n RETURN 0');
  });
  afterAll(async () => {
    await admin?.close();
    await neo?.dispose();
    rmSync(cwd, { recursive: true, force: true });
  }, 60_000);

  it('run --trials 2: the merged result has the neo4j section, every trial counted once', async () => {
    const r = await cli(
      'run',
      'trials.yaml',
      '--trials',
      '2',
      '--out',
      'out-trials',
      '--no-progress',
      '--neo4j-url',
      url(),
    );
    expect(r.err).toBe('');
    expect([0, 1], r.out).toContain(r.code);
    expect(r.out).toMatch(/GRAPH \(NEO4J\)/);
    expect(r.out).not.toContain(PASSWORD);
    const result = readJson('out-trials/latest/result.json');
    expect(result.trials).toHaveLength(2);
    const g = result.neo4j!;
    expect(g).toBeDefined();
    expect(g.ingestedAtoms).toBeGreaterThan(100); // both trials: ~2 × 3 s × 10 ingests/s × 10 atoms
    expect(g.graphNodes).toBe(g.ingestedAtoms);
    expect(g.nodesCreated).toBe(g.ingestedAtoms);
    expect(g.mergedTotal).toBe(g.ingestedAtoms);
    expect(g.backlogAtEnd).toBe(0);
    expect(g.syncLagMs.count).toBe(g.merged);
    expect(g.syncLagMs.p95).toBeGreaterThan(0);
    expect(g.mergeLatencyMs.count).toBe(g.batches);
    expect(decodeHistogram(g.syncLagHistogram).totalCount).toBe(g.merged);
    expect(g.queueDepthMax).toHaveProperty('value');
    // The targets are judged on the merged section, not n/a.
    const lag = result.targets.find((t) => t.metric === 'neo4j.syncLag')!;
    expect(lag.verdict).not.toBe('n/a');
    expect(lag.observed).toBeCloseTo(g.syncLagMs.p95, 6);
    // Each trial's graph atoms were removed before the next; none is left.
    expect(await count(`MATCH (a:Atom) WHERE a.id > ${ATOMS} RETURN count(a)`)).toBe(0);
  }, 240_000);

  it('2 shards merged: the neo4j section counts every atom once (no double MERGE, no loss)', async () => {
    const common = [
      '--barrier',
      '--run-id',
      'g1',
      '--out',
      'out-shards',
      '--no-progress',
      '--neo4j-url',
      url(),
    ];
    const runs = await Promise.all(
      [0, 1].map((i) => cli('run', 'shards.yaml', '--shard', `${i}/2`, ...common)),
    );
    for (const r of runs) {
      expect([0, 1], r.err + r.out).toContain(r.code);
      expect(r.out + r.err).not.toContain(PASSWORD);
    }
    const parts = [0, 1].map((i) => readJson(`out-shards/g1/shard-${i}-of-2/result.json`).neo4j!);
    for (const p of parts) expect(p.mergedTotal).toBeGreaterThan(0); // both shards' readers took requests
    const m = await cli('merge', join(cwd, 'out-shards', 'g1'), '--out', join(cwd, 'merged'), '--quiet');
    expect([0, 1], m.err).toContain(m.code);
    const merged = readJson('merged/result.json');
    expect(merged.merged?.label).toBe('merged from 2 shards');
    const g = merged.neo4j!;
    expect(g).toBeDefined();
    // Shard 0 counted after both shards drained: all atoms of both shards.
    expect(g.ingestedAtoms).toBeGreaterThan(100);
    expect(g.graphNodes).toBe(g.ingestedAtoms);
    // Each request was merged by exactly one reader of one shard, and created its node once.
    expect(g.mergedTotal).toBe(g.ingestedAtoms);
    expect(g.nodesCreated).toBe(g.ingestedAtoms);
    expect(g.mergedTotal).toBe(parts[0]!.mergedTotal + parts[1]!.mergedTotal);
    expect(g.backlogAtEnd).toBe(0);
    expect(g.syncLagMs).toEqual(pooledLag(parts));
    expect(g.syncLagMs.count).toBe(g.merged);
    const lag = merged.targets.find((t) => t.metric === 'neo4j.syncLag')!;
    expect(lag.verdict).not.toBe('n/a');
    expect(merged.faults?.warnings.some((w) => /had not finished measuring/.test(w))).toBe(false);
    expect(await count(`MATCH (a:Atom) WHERE a.id > ${ATOMS} RETURN count(a)`)).toBe(0);
  }, 240_000);
});
