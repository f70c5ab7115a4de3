import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEngine } from '../../../src/engines/sqlite/index.ts';
import { SqliteWorkerPool } from '../../../src/engines/sqlite/pool/worker-pool.ts';
import { loaderEntry, sqliteWorkerEntry } from '../../../src/engines/sqlite/pool/worker-entry.ts';
import type { WorkerCall } from '../../../src/engines/sqlite/protocol.ts';
import { ensureDataset } from '../../../src/run/dataset.ts';
import { silentProgress } from '../../../src/run/progress.ts';
import { NAME_PRESETS } from '../../../src/scenario/names.ts';
import { contractScenario } from '../contract.ts';

/**
 * The SQLite worker threads (pool/): the bundled worker answers as the tsx-loaded one does, and the
 * pool's thread budget holds while retired workers still run a native statement (Worker.terminate
 * waits for better-sqlite3 to return), on a real SQLite file.
 */
const dir = mkdtempSync(join(tmpdir(), 'atombench-threads-'));
const dbPath = join(dir, 'bench.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sc = contractScenario();
const data = { dbPath, names: NAME_PRESETS.runbook, dataset: sc.dataset, runNonce: 't', withQueues: true };

beforeAll(async () => {
  const engine = new SqliteEngine({ path: dbPath, dataset: sc.dataset, runNonce: 't' });
  await engine.connect();
  await ensureDataset(engine, sc, { reseed: true, force: false, progress: silentProgress });
  await engine.close();
}, 120_000);

/** A native statement of a few seconds: better-sqlite3 does not return to JavaScript until it ends. */
const LONG_SQL =
  'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 15000000) SELECT max(x) FROM c';
const longCall: WorkerCall = { kind: 'buildIndex', drop: 'SELECT 1', ddl: LONG_SQL };

describe('sqlite worker threads', () => {
  it('this checkout bundles the worker, and the bundle answers as the tsx-loaded worker does', async () => {
    const entry = await sqliteWorkerEntry();
    expect(entry.reason).toBeUndefined();
    expect(entry.kind).toBe('bundle');
    expect(entry.file.pathname).toMatch(
      /node_modules\/\.cache\/atombench\/sqlite-worker-[0-9a-f]{16}-[0-9a-f]+\/worker\.cjs$/,
    );
    const q = { x: 0.005, y: -0.004, z: 0 };
    const calls: WorkerCall[] = [
      { kind: 'run', req: { op: 'spatial.pool', q, radius: 0.1, pool: 1000 } },
      { kind: 'run', req: { op: 'spatial.knn', q, k: 10 } },
      { kind: 'run', req: { op: 'spatial.dedup', q, threshold: 0.001 } },
      { kind: 'walkStep', step: { q, radius: 0.1, pool: 50, goal: { x: 0.02, y: 0.02, z: 0 } } },
      { kind: 'explain', req: { op: 'spatial.pool', q, radius: 0.1, pool: 1000 } },
      { kind: 'depth' },
    ];
    const answers = async (pool: SqliteWorkerPool) => {
      await pool.ready();
      try {
        const out: unknown[] = [];
        for (const c of calls) out.push(await pool.call(c));
        return out;
      } finally {
        await pool.close();
      }
    };
    const bundled = await answers(new SqliteWorkerPool(1, data));
    const tsx = await answers(new SqliteWorkerPool(1, data, undefined, loaderEntry()));
    expect(bundled).toEqual(tsx);
    expect((bundled[0] as { rows: number }).rows).toBeGreaterThan(0);
    expect((bundled[1] as { rows: number }).rows).toBe(10);
    expect(bundled[3]).toMatchObject({ x: expect.any(Number), y: expect.any(Number) });
  }, 60_000);

  it('retired workers still in a native statement count against the budget: the slots wait, then serve', async () => {
    // 2 slots and a spare (a deadline is set): the budget is 3 threads.
    const pool = new SqliteWorkerPool(2, data, 60_000);
    try {
      await pool.ready();
      expect(pool.threads).toMatchObject({ alive: 3, limit: 3, waiting: 0 });
      const long = [pool.call(longCall), pool.call(longCall)].map((p) => p.catch((e: Error) => e));
      await new Promise((r) => setTimeout(r, 300));
      // Both workers are inside SQLite: the cancel retires them and fresh workers take their slots.
      await pool.cancelBusy();
      const cancelled = await Promise.all(long);
      expect(cancelled.map((e) => (e as { errorClass?: string }).errorClass)).toEqual([
        'cancelled',
        'cancelled',
      ]);
      // The spare took slot 0; without the budget slot 1's worker and a new spare would start now: 5
      // threads. With it, both wait for the retired threads to end.
      expect(pool.threads).toMatchObject({ alive: 3, waiting: 2 });
      const served = pool.call<null>({ kind: 'buildIndex', drop: 'SELECT 1', ddl: 'SELECT 1' });
      let maxAlive = 0;
      const until = performance.now() + 60_000;
      while (pool.threads.waiting > 0 && performance.now() < until) {
        maxAlive = Math.max(maxAlive, pool.threads.alive);
        await new Promise((r) => setTimeout(r, 20));
      }
      await expect(served).resolves.toBeNull();
      expect(maxAlive).toBe(3);
      expect(pool.threads.peak).toBe(3);
      // The retired threads have ended: the pool is back to its slots and its spare.
      expect(pool.threads).toMatchObject({ alive: 3, waiting: 0, peak: 3 });
    } finally {
      await pool.close();
    }
  }, 120_000);
});
