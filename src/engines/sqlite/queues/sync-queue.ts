import type { SyncBatch, SyncQueueDriver, SyncRequest } from '../../types.ts';
import type { SqliteWorkerPool } from '../pool/worker-pool.ts';

/** How often an empty sync queue is polled while a receive waits (SQLite has no WAITFOR). */
const POLL_MS = 20;

/** The Neo4j sync queue on the embedded engine, through one dedicated worker connection. */
export class SqliteSyncQueue implements SyncQueueDriver {
  constructor(readonly worker: SqliteWorkerPool) {}

  async receive(max: number, waitMs: number): Promise<SyncBatch | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const requests = await this.worker.call<SyncRequest[]>({ kind: 'syncReceive', max, nowMs: Date.now() });
      if (requests.length) {
        const ids = requests.map((r) => r.id);
        return {
          requests,
          complete: async () => void (await this.worker.call({ kind: 'syncComplete', ids })),
          abandon: async () => void (await this.worker.call({ kind: 'syncAbandon', ids })),
        };
      }
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise((r) => setTimeout(r, Math.min(POLL_MS, left)));
    }
  }

  depth(): Promise<number> {
    return this.worker.call<number>({ kind: 'syncDepth' });
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
