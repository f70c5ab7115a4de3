import pg from 'pg';
import type { Phase } from '../../../scenario/names.ts';
import type { PhaseMetricRow, QueueDriver, QueueMessage } from '../../types.ts';
import { clientConfig, openClient, scrubbedError, scrubbing } from '../connection.ts';
import { NOTIFY_CHANNEL, queueSql, type PostgisIds } from '../dialect.ts';

/** Pool clients that already carry an 'error' listener of their own. */
const guarded = new WeakSet<pg.PoolClient>();

/** How long a queue statement waits for a row lock before it fails (55P03 lock_not_available). */
const QUEUE_LOCK_TIMEOUT_MS = 5000;

/** Connections for OODA traffic: one per phase consumer holding a message, plus trigger and depth. */
const QUEUE_POOL_SIZE = 8;
/** Even without a notification, an empty queue is looked at again this often (a missed wake-up costs this). */
const SAFETY_POLL_MS = 250;

interface Row {
  id: string;
  loopId: string;
  body: string;
  enqueuedAtMs: string;
  loopStartedAtMs: string;
}

/**
 * OODA queues as tables, with Service Broker's transactional RECEIVE: `receive` opens a transaction,
 * takes the oldest message nobody holds (`FOR UPDATE SKIP LOCKED`) and keeps the transaction — and the
 * connection — open while the consumer works; `complete` deletes the message, sends the next phase's,
 * writes the metric row and commits. A consumer that dies loses its connection, the transaction rolls
 * back, and the message is received again. We hold the transaction rather than lease with a timestamp
 * because that is what Service Broker does: no lease length to tune, no message received twice while
 * its first consumer is merely slow. The cost (a connection per message in flight, four consumers here)
 * is small. Waiting is LISTEN/NOTIFY (like WAITFOR (RECEIVE)), not a poll loop.
 */
export class PostgisQueueDriver implements QueueDriver {
  private readonly held = new Map<string, pg.PoolClient>();
  private readonly waiters = new Set<() => void>();
  /** Bumped on every notification: a receive that saw an empty queue retries if it moved meanwhile. */
  private notifications = 0;
  private readonly sql: ReturnType<typeof queueSql>;

  private constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    private readonly listener: pg.Client,
    ids: PostgisIds,
  ) {
    this.sql = queueSql(ids);
    listener.on('notification', () => {
      this.notifications++;
      for (const wake of this.waiters) wake();
    });
  }

  static async open(url: string, ids: PostgisIds): Promise<PostgisQueueDriver> {
    const listener = await openClient(url);
    await scrubbing(url, () => listener.query(`LISTEN ${NOTIFY_CHANNEL}`));
    // lock_timeout: a phase consumer must never wait for ever on a message row another session holds
    // (after a fault a stale session can hold one until the server notices it is gone).
    const pool = new pg.Pool({
      ...clientConfig(url),
      max: QUEUE_POOL_SIZE,
      idleTimeoutMillis: 0,
      lock_timeout: QUEUE_LOCK_TIMEOUT_MS,
    });
    pool.on('error', () => {});
    return new PostgisQueueDriver(url, pool, listener, ids);
  }

  trigger(loopId: string, body: string): Promise<void> {
    const now = Date.now();
    return scrubbing(this.url, async () => {
      await this.pool.query(this.sql.send.Analyze, [loopId, body, now, now]);
    });
  }

  private async tryReceive(phase: Phase): Promise<QueueMessage | undefined> {
    const client = await this.pool.connect();
    // pg-pool listens for 'error' only on idle clients: one held by a consumer whose server goes away
    // would emit an unhandled 'error' and crash the process. Its query rejects; that is enough.
    if (!guarded.has(client)) {
      guarded.add(client);
      client.on('error', () => undefined);
    }
    try {
      await client.query('BEGIN');
      const r = await client.query<Row>(this.sql.receive[phase]);
      const row = r.rows[0];
      if (!row) {
        await client.query('ROLLBACK');
        client.release();
        return undefined;
      }
      this.held.set(row.id, client);
      return {
        id: row.id,
        phase,
        loopId: row.loopId,
        body: row.body,
        enqueuedAtMs: Number(row.enqueuedAtMs),
        loopStartedAtMs: Number(row.loopStartedAtMs),
      };
    } catch (e) {
      client.release(e as Error);
      throw e;
    }
  }

  async receive(phase: Phase, waitMs: number): Promise<QueueMessage | undefined> {
    const deadline = Date.now() + waitMs;
    return scrubbing(this.url, async () => {
      for (;;) {
        const seen = this.notifications;
        const msg = await this.tryReceive(phase);
        if (msg) return msg;
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        if (this.notifications === seen) await this.waitForNotification(Math.min(left, SAFETY_POLL_MS));
      }
    });
  }

  private waitForNotification(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }

  async complete(msg: QueueMessage, metric: PhaseMetricRow, next: Phase | undefined): Promise<void> {
    const client = this.held.get(msg.id);
    if (!client) throw new Error(`queue message ${msg.id} (${msg.phase}) is not held by this driver`);
    this.held.delete(msg.id);
    let failed: Error | undefined;
    try {
      await client.query(this.sql.delete[msg.phase], [msg.id]);
      if (next)
        await client.query(this.sql.send[next], [msg.loopId, msg.body, Date.now(), msg.loopStartedAtMs]);
      await client.query(this.sql.metric, [
        metric.phase,
        Math.round(metric.durationMs),
        metric.success,
        metric.errorMessage ?? null,
      ]);
      await client.query('COMMIT');
    } catch (e) {
      failed = e as Error;
      await client.query('ROLLBACK').catch(() => {});
      throw scrubbedError(e, this.url);
    } finally {
      client.release(failed);
    }
  }

  async depth(): Promise<Record<Phase, number>> {
    const r = await scrubbing(this.url, () => this.pool.query(this.sql.depth));
    const row = r.rows[0] as Record<Phase, string>;
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as Record<Phase, number>;
  }

  async close(): Promise<void> {
    for (const wake of [...this.waiters]) wake();
    for (const [, client] of this.held) {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
    this.held.clear();
    await this.listener.end().catch(() => {});
    await this.pool.end().catch(() => {});
  }
}
