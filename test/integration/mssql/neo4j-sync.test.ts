/**
 * The Neo4j sync queue over Service Broker on a real server (seed/mssql/25-neo4j-sync.sql): ingest sends
 * one Neo4jSyncRequest per new atom, the readers' receive/complete/abandon, depth from the server, every
 * dialog ended on both sides (none leaked), and the queue cleared between runs. With a Neo4j here too
 * (test/helpers/neo4j), the readers MERGE them: N ingested atoms are N Atom nodes. Skipped, with the
 * reason printed, where no container runtime exists.
 */
import { expect, it } from 'vitest';
import { datasetKey } from '../../../src/dataset/stream.ts';
import { MssqlEngine } from '../../../src/engines/mssql/index.ts';
import { Neo4jGraph } from '../../../src/engines/neo4j/graph.ts';
import { SyncReaders } from '../../../src/engines/neo4j/readers.ts';
import { parseNeo4jUrl } from '../../../src/engines/neo4j/url.ts';
import type { SyncQueueDriver } from '../../../src/engines/types.ts';
import { realClock } from '../../../src/load/clock.ts';
import { resolveNames } from '../../../src/scenario/names.ts';
import { neo4jAvailability, startNeo4j } from '../../helpers/neo4j.ts';
import { describeMssql, planOf, seedRange, testScenario } from './container.ts';

const suite = { name: 'Neo4j sync suite', database: 'neo4j_sync_it' };
const ATOMS = 2000;
const LEAKS = `SELECT COUNT(*) FROM sys.conversation_endpoints ce JOIN sys.services s ON s.service_id = ce.service_id
  WHERE s.name = N'Neo4jSyncService' AND ce.state <> 'CD'`;

describeMssql(suite, 'Neo4jSyncQueue over Service Broker on SQL Server 2022', (server) => {
  const names = resolveNames('runbook', {});
  const s = testScenario({ index: { secondaryIndexes: 0 }, ooda: { enabled: false } });

  async function engine(): Promise<MssqlEngine> {
    const e = new MssqlEngine({ url: server.url, scenario: s, runNonce: 'sync-it' });
    await e.connect();
    const state = await e.prepare(
      { ...planOf(s, names, datasetKey(s.dataset)), neo4jSync: true },
      { allowDestructive: false, force: false },
    );
    if (state.seededRows < ATOMS) {
      await seedRange(e, s, state.seededRows, ATOMS);
      await e.buildIndex?.({ ...planOf(s, names, datasetKey(s.dataset)), neo4jSync: true });
    }
    await e.openPool(2);
    return e;
  }

  /** Receive until the queue has no request left; returns every request, completed. */
  async function drain(q: SyncQueueDriver): Promise<{ entityId: number; enqueuedAtMs: number }[]> {
    const got: { entityId: number; enqueuedAtMs: number }[] = [];
    for (;;) {
      const b = await q.receive(10, 500);
      if (!b) return got;
      expect(b.requests.length).toBeLessThanOrEqual(10);
      got.push(...b.requests);
      await b.complete();
    }
  }

  it('creates the queue, service, contract and message type, owned', async () => {
    const e = await engine();
    try {
      for (const [view, name] of [
        ['sys.service_queues', 'Neo4jSyncQueue'],
        ['sys.services', 'Neo4jSyncService'],
        ['sys.service_contracts', 'Neo4jSyncContract'],
        ['sys.service_message_types', 'Neo4jSyncRequest'],
      ])
        expect(
          await server.scalar(suite.database, `SELECT COUNT(*) FROM ${view} WHERE name = N'${name}'`),
        ).toBe(1);
      expect(
        await server.scalar(
          suite.database,
          "SELECT CAST(is_poison_message_handling_enabled AS int) FROM sys.service_queues WHERE name = N'Neo4jSyncQueue'",
        ),
      ).toBe(0);
      expect(
        await server.scalar(
          suite.database,
          'SELECT CAST(is_broker_enabled AS int) FROM sys.databases WHERE name = DB_NAME()',
        ),
      ).toBe(1);
    } finally {
      await e.close();
    }
  });

  it('one request per new atom, received once, none for re-ingested atoms; no dialog leaked', async () => {
    const e = await engine();
    const q = await e.syncQueue(3);
    try {
      const before = Date.now();
      const a = await e.run({ op: 'ingest', batchSize: 25, firstIngestIndex: 0 });
      const b = await e.run({ op: 'ingest', batchSize: 25, firstIngestIndex: 25 });
      expect(a.rows + b.rows).toBe(50);
      expect(await q.depth()).toBe(50);
      // The same atoms again: matched on ContentHash, no new atom, no message.
      expect((await e.run({ op: 'ingest', batchSize: 25, firstIngestIndex: 0 })).rows).toBe(0);
      expect(await q.depth()).toBe(50);
      const got = await drain(q);
      expect(got).toHaveLength(50);
      expect(new Set(got.map((r) => r.entityId)).size).toBe(50);
      expect(Math.min(...got.map((r) => r.entityId))).toBeGreaterThan(ATOMS);
      for (const r of got) expect(r.enqueuedAtMs).toBeGreaterThanOrEqual(before);
      // The EndDialog messages of the ended dialogs are taken by the next receives, which end the other side.
      expect(await q.receive(10, 500)).toBeUndefined();
      expect(await q.depth()).toBe(0);
      expect(await server.scalar(suite.database, LEAKS)).toBe(0);
    } finally {
      await q.close();
      await e.resetIngested(ATOMS);
      await e.close();
    }
  });

  it('abandon returns the requests (received again); resetIngested ends the dialogs left behind', async () => {
    const e = await engine();
    const q = await e.syncQueue(2);
    try {
      await e.run({ op: 'ingest', batchSize: 10, firstIngestIndex: 100 });
      const first = await q.receive(10, 2000);
      expect(first?.requests).toHaveLength(10);
      await first!.abandon();
      const again = await q.receive(10, 2000);
      expect(again!.requests.map((r) => r.entityId)).toEqual(first!.requests.map((r) => r.entityId));
      await again!.abandon();
      // Seven rollbacks in a row (five disable a queue with poison-message handling): this one stays on.
      for (let i = 0; i < 5; i++) await (await q.receive(10, 2000))!.abandon();
      expect(
        await server.scalar(
          suite.database,
          "SELECT CAST(is_receive_enabled AS int) FROM sys.service_queues WHERE name = N'Neo4jSyncQueue'",
        ),
      ).toBe(1);
      await e.run({ op: 'ingest', batchSize: 10, firstIngestIndex: 200 });
      expect(await q.depth()).toBe(20);
      expect(await e.resetIngested(ATOMS)).toBe(20);
      expect(await q.depth()).toBe(0);
      expect(await server.scalar(suite.database, LEAKS)).toBe(0);
    } finally {
      await q.close();
      await e.close();
    }
  });

  it.skipIf(!neo4jAvailability().ok)(
    'with a real Neo4j: N ingested atoms are N Atom nodes',
    async () => {
      const neo = await startNeo4j();
      const e = await engine();
      const graph = new Neo4jGraph({
        target: parseNeo4jUrl(neo.url.replace('bolt://', `bolt://neo4j:${neo.password}@`)),
        poolSize: 5,
        maxRetryTimeMs: 1000,
        connectTimeoutMs: 5000,
      });
      try {
        await graph.connect();
        await graph.prepare(ATOMS);
        const readers = new SyncReaders(await e.syncQueue(3), graph, {
          readers: 3,
          batch: 10,
          clock: realClock,
          measureFromWallMs: 0,
          receiveWaitMs: 200,
          maxBackoffMs: 500,
        });
        readers.start();
        let n = 0;
        for (let i = 0; i < 5; i++)
          n += (await e.run({ op: 'ingest', batchSize: 100, firstIngestIndex: i * 100 })).rows;
        expect(n).toBe(500);
        await readers.drain(30_000);
        expect(readers.stats().mergedTotal).toBe(500);
        expect(await graph.countOwned(ATOMS)).toBe(500);
      } finally {
        await graph.cleanup(0).catch(() => undefined);
        await graph.close();
        await e.resetIngested(ATOMS);
        await e.close();
        await neo.dispose();
      }
    },
    300_000,
  );
});
