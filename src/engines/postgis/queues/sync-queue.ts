import pg from 'pg';
import type { SyncBatch, SyncQueueDriver, SyncRequest } from '../../types.ts';
import { clientConfig, scrubbedError, scrubbing } from '../connection.ts';
import { syncSql, type PostgisIds } from '../dialect.ts';

/** How often an empty sync queue is looked at again while a receive waits. */
const POLL_MS = 25;

interface Row {
  id: string;
  entityId: string;
  tenantId: number;
  syncType: string;
  enqueuedAtMs: string;
}

/**
 * The Neo4j sync queue as a table received with SKIP LOCKED, like the OODA queues (queue-driver.ts):
 * a batch holds its transaction and connection until the graph committed it (complete: delete and
 * commit) or failed (abandon: roll back, so the requests are received again). One connection per
 * reader plus one for depth.
 */
export class PostgisSyncQueue implements SyncQueueDriver {
  private readonly sql: ReturnType<typeof syncSql>;
  private readonly held = new Set<pg.PoolClient>();

  private constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    ids: PostgisIds,
  ) {
    this.sql = syncSql(ids);
  }

  static open(url: string, ids: PostgisIds, readers: number): PostgisSyncQueue {
    const pool = new pg.Pool({ ...clientConfig(url), max: readers + 1, idleTimeoutMillis: 0 });
    pool.on('error', () => {});
    return new PostgisSyncQueue(url, pool, ids);
  }

  private async tryReceive(max: number): Promise<SyncBatch | undefined> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const r = await client.query<Row>(this.sql.receive, [max]);
      if (r.rows.length === 0) {
        await client.query('ROLLBACK');
        client.release();
        return undefined;
      }
      this.held.add(client);
      const requests: SyncRequest[] = r.rows.map((row) => ({
        id: row.id,
        entityId: Number(row.entityId),
        tenantId: Number(row.tenantId),
        syncType: row.syncType,
        enqueuedAtMs: Number(row.enqueuedAtMs),
      }));
      const finish = async (commit: boolean) => {
        if (!this.held.delete(client)) return;
        let failed: Error | undefined;
        try {
          if (commit) {
            await client.query(this.sql.complete, [requests.map((x) => x.id)]);
            await client.query('COMMIT');
          } else await client.query('ROLLBACK');
        } catch (e) {
          failed = e as Error;
          await client.query('ROLLBACK').catch(() => {});
          throw scrubbedError(e, this.url);
        } finally {
          client.release(failed);
        }
      };
      return { requests, complete: () => finish(true), abandon: () => finish(false) };
    } catch (e) {
      client.release(e as Error);
      throw e;
    }
  }

  receive(max: number, waitMs: number): Promise<SyncBatch | undefined> {
    const deadline = Date.now() + waitMs;
    return scrubbing(this.url, async () => {
      for (;;) {
        const batch = await this.tryReceive(max);
        if (batch) return batch;
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        await new Promise((r) => setTimeout(r, Math.min(POLL_MS, left)));
      }
    });
  }

  async depth(): Promise<number> {
    const r = await scrubbing(this.url, () => this.pool.query(this.sql.depth));
    return Number(r.rows[0].n);
  }

  async close(): Promise<void> {
    for (const client of this.held) {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
    this.held.clear();
    await this.pool.end().catch(() => {});
  }
}
