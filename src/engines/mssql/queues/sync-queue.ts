/**
 * The Neo4j sync queue on SQL Server: Service Broker's Neo4jSyncQueue (seed/mssql/25-neo4j-sync.sql),
 * consumed by atombench's readers (engines/neo4j/readers.ts) the way the sqlite and postgis sync queues
 * are (engines/sqlite/queues/sync-queue.ts, engines/postgis/queues/sync-queue.ts):
 *   receive:  BEGIN TRANSACTION; WAITFOR (RECEIVE TOP (n) ...), TIMEOUT ms. The transaction (and its
 *             connection) stays open while the readers MERGE into Neo4j.
 *   complete: END CONVERSATION for every dialog whose last request (or EndDialog) was received, then
 *             COMMIT: the messages leave the queue only once the graph has them.
 *   abandon:  ROLLBACK: the messages return to the queue and are received again.
 *   depth:    messages on the queue, from the catalog.
 * Statements in queues/sync-dialect.ts.
 */
import sql from 'mssql';
import type { ObjectNames } from '../../../scenario/names.ts';
import type { SyncBatch, SyncQueueDriver } from '../../types.ts';
import { operationError } from '../error-class.ts';
import type { Redactor } from '../redact.ts';
import { exec, request, rows } from '../sql/statement.ts';
import {
  endConversationsQuery,
  sortReceived,
  syncDepthQuery,
  syncReceiveSql,
  type SyncMessageRow,
} from './sync-dialect.ts';

export class MssqlSyncQueue implements SyncQueueDriver {
  private readonly held = new Set<sql.Transaction>();
  /** Broker Error messages (or unexpected system messages) met on the queue. */
  brokerErrors = 0;

  constructor(
    private readonly pool: sql.ConnectionPool,
    private readonly names: ObjectNames,
    private readonly redactor: Redactor,
  ) {}

  private async endAndCommit(tx: sql.Transaction, handles: readonly string[]): Promise<void> {
    if (handles.length) await exec(tx, endConversationsQuery(handles));
    await tx.commit();
  }

  async receive(max: number, waitMs: number): Promise<SyncBatch | undefined> {
    const deadline = Date.now() + Math.max(0, waitMs);
    for (;;) {
      const tx = new sql.Transaction(this.pool);
      let got: SyncMessageRow[];
      try {
        await tx.begin();
        const text = syncReceiveSql(this.names, max, Math.max(0, deadline - Date.now()));
        got = rows<SyncMessageRow>(await request(tx).query<SyncMessageRow>(text));
      } catch (e) {
        await tx.rollback().catch(() => undefined);
        throw operationError(e, this.redactor, 'neo4j sync receive');
      }
      if (got.length === 0) {
        await tx.commit().catch(() => undefined);
        return undefined;
      }
      let sorted: ReturnType<typeof sortReceived>;
      try {
        sorted = sortReceived(this.names, got);
      } catch (e) {
        await tx.rollback().catch(() => undefined);
        throw e;
      }
      this.brokerErrors += sorted.errors;
      if (sorted.requests.length === 0) {
        // Only EndDialog / Error messages: end those dialogs' remaining side, and receive again.
        try {
          await this.endAndCommit(tx, sorted.endHandles);
        } catch (e) {
          await tx.rollback().catch(() => undefined);
          throw operationError(e, this.redactor, 'neo4j sync end conversation');
        }
        if (Date.now() >= deadline) return undefined;
        continue;
      }
      this.held.add(tx);
      const finish = async (commit: boolean) => {
        if (!this.held.delete(tx)) return;
        try {
          if (commit) await this.endAndCommit(tx, sorted.endHandles);
          else await tx.rollback();
        } catch (e) {
          await tx.rollback().catch(() => undefined);
          throw operationError(e, this.redactor, commit ? 'neo4j sync complete' : 'neo4j sync abandon');
        }
      };
      return { requests: sorted.requests, complete: () => finish(true), abandon: () => finish(false) };
    }
  }

  async depth(): Promise<number> {
    try {
      return Number(
        rows<{ depth: number }>(await exec(this.pool, syncDepthQuery(this.names)))[0]?.depth ?? 0,
      );
    } catch (e) {
      throw operationError(e, this.redactor, 'neo4j sync queue depth');
    }
  }

  async close(): Promise<void> {
    for (const tx of this.held) await tx.rollback().catch(() => undefined);
    this.held.clear();
    await this.pool.close().catch(() => undefined);
  }
}
