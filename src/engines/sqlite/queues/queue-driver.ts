import type { Phase } from '../../../scenario/names.ts';
import type { PhaseMetricRow, QueueDriver, QueueMessage } from '../../types.ts';
import type { SqliteWorkerPool } from '../pool/worker-pool.ts';

/** How often an empty queue is polled while a receive waits (SQLite has no WAITFOR). */
const POLL_MS = 20;

/** OODA traffic on the embedded engine, through one dedicated worker connection. */
export class SqliteQueueDriver implements QueueDriver {
  constructor(readonly worker: SqliteWorkerPool) {}

  async trigger(loopId: string, body: string): Promise<void> {
    await this.worker.call({ kind: 'trigger', loopId, body, nowMs: Date.now() });
  }

  async receive(phase: Phase, waitMs: number): Promise<QueueMessage | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const msg = await this.worker.call<QueueMessage | null>({ kind: 'receive', phase, nowMs: Date.now() });
      if (msg) return msg;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise((r) => setTimeout(r, Math.min(POLL_MS, left)));
    }
  }

  async complete(msg: QueueMessage, metric: PhaseMetricRow, next: Phase | undefined): Promise<void> {
    await this.worker.call({ kind: 'complete', msg, metric, next, nowMs: Date.now() });
  }

  depth(): Promise<Record<Phase, number>> {
    return this.worker.call({ kind: 'depth' });
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
