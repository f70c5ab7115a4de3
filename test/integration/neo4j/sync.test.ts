import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Neo4jGraph } from '../../../src/engines/neo4j/graph.ts';
import { SyncReaders } from '../../../src/engines/neo4j/readers.ts';
import { parseNeo4jUrl } from '../../../src/engines/neo4j/url.ts';
import { PostgisEngine } from '../../../src/engines/postgis/index.ts';
import { SqliteEngine } from '../../../src/engines/sqlite/index.ts';
import type { Engine } from '../../../src/engines/types.ts';
import { realClock } from '../../../src/load/clock.ts';
import { countOf } from '../../../src/metrics/histogram.ts';
import { ensureDataset, schemaPlan } from '../../../src/run/dataset.ts';
import { silentProgress } from '../../../src/run/progress.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import { cypherNumber, neo4jSkipReason, startNeo4j, type Neo4jServer } from '../../helpers/neo4j.ts';
import { postgisSkipReason, startPgServer, type PgServer } from '../../helpers/pg-server.ts';
import { contractScenario } from '../contract.ts';

/**
 * The Neo4j sync on each engine against the real Neo4j: ingest enqueues one request per new atom on
 * the engine's sync queue, the readers MERGE them, and the graph ends with exactly one Atom per
 * ingested atom, also across a Neo4j crash and restart in the middle of the traffic.
 */
const skip = neo4jSkipReason();
const pgSkip = postgisSkipReason();
const ATOMS = 2000;
const sc = contractScenario({ dataset: { atoms: ATOMS, seed: 5, batchSize: 1000 } });

describe.skipIf(!!skip)('Neo4j sync through each engine (sync queue + readers + MERGE)', () => {
  let neo: Neo4jServer;
  let pg: PgServer | undefined;
  let admin: Driver;
  const dir = mkdtempSync(join(tmpdir(), 'atombench-sync-'));
  const count = (cypher: string) => cypherNumber(admin, cypher);
  const graphFor = async () => {
    const g = new Neo4jGraph({
      target: parseNeo4jUrl(neo.url.replace('bolt://', `bolt://neo4j:${neo.password}@`)),
      poolSize: 5,
      maxRetryTimeMs: 1000,
      connectTimeoutMs: 2000,
    });
    await g.connect();
    return g;
  };

  beforeAll(async () => {
    [neo, pg] = await Promise.all([startNeo4j(), pgSkip ? undefined : startPgServer()]);
    admin = neo4j.driver(neo.url, neo4j.auth.basic(neo.user, neo.password), {
      disableLosslessIntegers: true,
    });
    if (pg) {
      pg.psql('CREATE DATABASE sync_db');
      pg.psql('CREATE EXTENSION postgis', 'sync_db');
    }
  }, 180_000);
  afterAll(async () => {
    await admin?.close();
    await Promise.all([neo?.dispose(), pg?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const engines: [string, () => Engine][] = [
    [
      'sqlite',
      () => new SqliteEngine({ path: join(dir, 'sync.sqlite'), dataset: sc.dataset, runNonce: 'sync-1' }),
    ],
    [
      'postgis',
      () =>
        new PostgisEngine({
          url: pg!.urlFor('sync_db'),
          dataset: sc.dataset,
          names: resolveNames('runbook', {}),
          runNonce: 'sync-1',
        }),
    ],
  ];

  for (const [name, make] of engines) {
    describe.skipIf(name === 'postgis' && !!pgSkip)(name, () => {
      let engine: Engine;
      let graph: Neo4jGraph;
      const ingest = (firstIngestIndex: number, batchSize = 100) =>
        engine.run({ op: 'ingest', batchSize, firstIngestIndex });
      const readersOn = async () =>
        new SyncReaders(await engine.syncQueue!(3), graph, {
          readers: 3,
          batch: 10,
          clock: realClock,
          measureFromWallMs: 0,
          receiveWaitMs: 100,
          maxBackoffMs: 500,
        });

      beforeAll(async () => {
        engine = make();
        await engine.connect();
        await ensureDataset(engine, sc, { reseed: false, force: false, progress: silentProgress });
        await engine.prepare(
          { ...schemaPlan(sc), neo4jSync: true },
          { allowDestructive: false, force: false },
        );
        await engine.openPool(2);
        graph = await graphFor();
        await graph.prepare(ATOMS);
      }, 120_000);
      afterAll(async () => {
        await graph?.cleanup(0);
        await graph?.close();
        await engine?.resetIngested(ATOMS);
        await engine?.close();
      }, 60_000);

      it('N ingested atoms give N sync requests, then exactly N Atom nodes; re-ingesting creates none', async () => {
        let rows = 0;
        for (let b = 0; b < 5; b++) rows += (await ingest(b * 100)).rows;
        expect(rows).toBe(500);
        const q = await engine.syncQueue!(3);
        expect(await q.depth()).toBe(500);
        const readers = await readersOn();
        readers.start();
        expect(await readers.drain(30_000)).toBe(0);
        await readers.stop();
        const s = readers.stats();
        expect({ merged: s.mergedTotal, created: s.nodesCreated, errors: s.errors }).toEqual({
          merged: 500,
          created: 500,
          errors: {},
        });
        expect(countOf(s.syncLag)).toBe(500);
        expect(countOf(s.mergeLatency)).toBe(s.batches);
        expect(s.batches).toBeGreaterThanOrEqual(50); // batch 10
        expect(s.syncLag.maxValue).toBeGreaterThan(0);
        expect(await count(`MATCH (a:Atom) WHERE a.id > ${ATOMS} RETURN count(a)`)).toBe(500);
        // The same atoms again: ON CONFLICT matches them, nothing is new, nothing is enqueued.
        expect((await ingest(0)).rows).toBe(0);
        expect(await q.depth()).toBe(0);
        expect(await graph.countOwned(ATOMS)).toBe(500);
        // The ids in the graph are the engine's AtomIds of the ingested atoms.
        expect(await count(`MATCH (a:Atom) WHERE a.id > ${ATOMS} RETURN min(a.id)`)).toBe(ATOMS + 1);
        expect(await count(`MATCH (a:Atom) WHERE a.id > ${ATOMS} RETURN max(a.id)`)).toBe(ATOMS + 500);
      }, 90_000);

      it('resetIngested empties the sync queue', async () => {
        await ingest(10_000);
        expect(await (await engine.syncQueue!(3)).depth()).toBe(100);
        await engine.resetIngested(ATOMS);
        expect(await (await engine.syncQueue!(3)).depth()).toBe(0);
        await graph.cleanup(ATOMS);
      }, 30_000);

      if (name === 'postgis')
        it('survives a Neo4j crash and restart in the middle of the traffic: every atom arrives once', async () => {
          const readers = await readersOn();
          readers.start();
          let next = 20_000;
          let ingested = 0;
          const ingestFor = async (ms: number) => {
            const until = Date.now() + ms;
            while (Date.now() < until) {
              ingested += (await ingest(next, 20)).rows;
              next += 20;
              await new Promise((r) => setTimeout(r, 20));
            }
          };
          await ingestFor(1500);
          await neo.kill();
          await ingestFor(1000);
          const backlog = await readers.depth();
          await neo.restart();
          await ingestFor(500);
          expect(await readers.drain(60_000)).toBe(0);
          await readers.stop();
          const s = readers.stats();
          expect(backlog).toBeGreaterThan(0); // the queue grew while the graph was down
          expect(s.errors.unavailable).toBeGreaterThan(0);
          expect(s.outages).toBeGreaterThanOrEqual(1);
          expect(s.unavailableMs).toBeGreaterThan(1000);
          const fresh = await graphFor();
          expect(await fresh.countOwned(ATOMS)).toBe(ingested);
          await fresh.close();
        }, 240_000);
    });
  }
});
