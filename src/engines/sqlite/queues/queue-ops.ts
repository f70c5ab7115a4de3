import type Database from 'better-sqlite3';
import { PHASES, phaseQueue, type ObjectNames, type Phase } from '../../../scenario/names.ts';
import { quoteDouble as q } from '../../sql-template.ts';
import type { PhaseMetricRow, QueueMessage } from '../../types.ts';

/** A received message stays leased this long; a consumer that dies lets it be received again. */
export const LEASE_MS = 30_000;

interface Row {
  id: number;
  loopId: string;
  body: string;
  enqueuedAtMs: number;
  loopStartedAtMs: number;
}

/** OODA queue traffic on SQLite tables (one per queue), on the OODA worker's own connection. */
export class SqliteQueueOps {
  private readonly recv = new Map<Phase, Database.Statement>();
  private readonly peek = new Map<Phase, Database.Statement>();
  private readonly send = new Map<Phase, Database.Statement>();
  private readonly del = new Map<Phase, Database.Statement>();
  private readonly count = new Map<Phase, Database.Statement>();
  private readonly metric: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    names: ObjectNames,
  ) {
    for (const phase of PHASES) {
      const t = q(phaseQueue(names, phase));
      // One statement takes the oldest free message and leases it: no two consumers get the same one.
      this.recv.set(
        phase,
        db.prepare(`UPDATE ${t} SET claimedUntilMs = @until WHERE id = (
            SELECT id FROM ${t} WHERE claimedUntilMs IS NULL OR claimedUntilMs < @now ORDER BY id LIMIT 1)
          RETURNING id, loopId, body, enqueuedAtMs, loopStartedAtMs`),
      );
      // A read-only look first: an empty poll must not take the database's write lock.
      this.peek.set(
        phase,
        db.prepare(`SELECT 1 FROM ${t} WHERE claimedUntilMs IS NULL OR claimedUntilMs < ? LIMIT 1`),
      );
      this.send.set(
        phase,
        db.prepare(`INSERT INTO ${t} (loopId, body, enqueuedAtMs, loopStartedAtMs) VALUES (?, ?, ?, ?)`),
      );
      this.del.set(phase, db.prepare(`DELETE FROM ${t} WHERE id = ?`));
      this.count.set(phase, db.prepare(`SELECT COUNT(*) AS n FROM ${t}`));
    }
    this.metric = db.prepare(
      `INSERT INTO ${q(names.metricsTable)} (Phase, ExecutedAt, DurationMs, Success, ErrorMessage) VALUES (?, ?, ?, ?, ?)`,
    );
  }

  trigger(loopId: string, body: string, nowMs: number): void {
    this.send.get('Analyze')!.run(loopId, body, nowMs, nowMs);
  }

  receive(phase: Phase, nowMs: number): QueueMessage | undefined {
    if (!this.peek.get(phase)!.get(nowMs)) return undefined;
    const row = this.recv.get(phase)!.get({ until: nowMs + LEASE_MS, now: nowMs }) as Row | undefined;
    if (!row) return undefined;
    return { ...row, id: String(row.id), phase };
  }

  /** Delete the message, send the next phase's, write the metric row: one transaction. */
  complete(msg: QueueMessage, metric: PhaseMetricRow, next: Phase | undefined, nowMs: number): void {
    this.db.transaction(() => {
      this.del.get(msg.phase)!.run(Number(msg.id));
      if (next) this.send.get(next)!.run(msg.loopId, msg.body, nowMs, msg.loopStartedAtMs);
      this.metric.run(
        metric.phase,
        new Date(nowMs).toISOString(),
        Math.round(metric.durationMs),
        metric.success ? 1 : 0,
        metric.errorMessage ?? null,
      );
    })();
  }

  depth(): Record<Phase, number> {
    const out = {} as Record<Phase, number>;
    for (const phase of PHASES) out[phase] = (this.count.get(phase)!.get() as { n: number }).n;
    return out;
  }
}
