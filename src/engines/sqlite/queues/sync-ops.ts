import type Database from 'better-sqlite3';
import { quoteDouble as q } from '../../sql-template.ts';
import type { SyncRequest } from '../../types.ts';
import { LEASE_MS } from './queue-ops.ts';

/** The Neo4j sync queue's statements on one connection: ingest's enqueue, the readers' receive/complete. */
export function syncSql(queue: string) {
  const t = q(queue);
  return {
    enqueue: `INSERT INTO ${t} (EntityId, TenantId, SyncType, enqueuedAtMs) VALUES (@entityId, @tenantId, @syncType, @nowMs)`,
    peek: `SELECT 1 FROM ${t} WHERE claimedUntilMs IS NULL OR claimedUntilMs < @now LIMIT 1`,
    /** One statement leases the oldest free rows: no two readers get the same request. */
    receive: `UPDATE ${t} SET claimedUntilMs = @until WHERE id IN (
        SELECT id FROM ${t} WHERE claimedUntilMs IS NULL OR claimedUntilMs < @now ORDER BY id LIMIT @max)
      RETURNING id, EntityId AS entityId, TenantId AS tenantId, SyncType AS syncType, enqueuedAtMs`,
    complete: `DELETE FROM ${t} WHERE id IN (SELECT value FROM json_each(@ids))`,
    abandon: `UPDATE ${t} SET claimedUntilMs = NULL WHERE id IN (SELECT value FROM json_each(@ids))`,
    depth: `SELECT COUNT(*) AS n FROM ${t}`,
    clear: `DELETE FROM ${t}`,
  };
}

interface Row {
  id: number;
  entityId: number;
  tenantId: number;
  syncType: string;
  enqueuedAtMs: number;
}

/** The readers' side, on the sync worker's own connection. */
export class SqliteSyncOps {
  private readonly s: Record<keyof ReturnType<typeof syncSql>, Database.Statement>;

  constructor(db: Database.Database, queue: string) {
    const sql = syncSql(queue);
    this.s = Object.fromEntries(Object.entries(sql).map(([k, v]) => [k, db.prepare(v)])) as typeof this.s;
  }

  receive(max: number, nowMs: number): SyncRequest[] {
    // A read-only look first: an empty poll must not take the database's write lock.
    if (!this.s.peek.get({ now: nowMs })) return [];
    const rows = this.s.receive.all({ until: nowMs + LEASE_MS, now: nowMs, max }) as Row[];
    return rows.map((r) => ({ ...r, id: String(r.id) })).sort((a, b) => Number(a.id) - Number(b.id));
  }

  complete(ids: string[]): void {
    this.s.complete.run({ ids: `[${ids.map(Number).join(',')}]` });
  }

  abandon(ids: string[]): void {
    this.s.abandon.run({ ids: `[${ids.map(Number).join(',')}]` });
  }

  depth(): number {
    return (this.s.depth.get() as { n: number }).n;
  }
}
