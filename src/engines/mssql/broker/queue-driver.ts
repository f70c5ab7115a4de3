/**
 * The OODA queue driver over Service Broker, on its own connection pool.
 *   trigger:  BEGIN DIALOG + SEND from the initiator service to the Analyze service.
 *   receive:  WAITFOR (RECEIVE TOP (1) ...), TIMEOUT inside a transaction that stays open until complete.
 *   complete: metric row + END CONVERSATION + (next phase) BEGIN DIALOG / SEND, then COMMIT: atomic with
 *             the receive's removal of the message. A failure rolls back (the message returns to the queue).
 *   depth:    per phase queue, read from the server.
 * The targets' EndDialog / Error messages come back to the initiator queue; the driver receives them and
 * ends its side, so no conversation is left open. An Error message (e.g. -9615, a body that failed
 * VALIDATION = WELL_FORMED_XML) is counted by class, not thrown at anyone.
 */
import sql from 'mssql';
import { OperationError, UserError } from '../../../errors.ts';
import type { ObjectNames, Phase } from '../../../scenario/names.ts';
import type { PhaseMetricRow, QueueDriver, QueueMessage, ServerPhaseRow } from '../../types.ts';
import { readServerPhaseRows, switchActivation } from './activation-control.ts';
import {
  completeQuery,
  DIALOG_TIMER_TYPE,
  drainHandleQuery,
  drainInitiatorSql,
  END_DIALOG_TYPE,
  endConversationQuery,
  ERROR_TYPE,
  queueDepthQuery,
  rawSendQuery,
  receiveSql,
  triggerQuery,
} from './dialect.ts';
import { brokerErrorClass, parseBrokerError, parseEnvelope } from './envelope.ts';
import { mssqlErrorClass, operationError } from '../error-class.ts';
import { depthByPhase } from '../plan/probes.ts';
import type { Redactor } from '../redact.ts';
import { exec, request, rows } from '../sql/statement.ts';

const SYSTEM_TYPES = new Set([END_DIALOG_TYPE, ERROR_TYPE, DIALOG_TIMER_TYPE]);
/** Messages one drain call takes from the initiator queue; close() repeats it while it fills up. */
const DRAIN_LIMIT = 500;
const CLOSE_DRAIN_ROUNDS = 100;

export interface QueueDriverOptions {
  pool: sql.ConnectionPool;
  names: ObjectNames;
  redactor: Redactor;
  /** Attach mode: no receive/complete (the deployment's consumers own its queues); triggers only if allowed. */
  attach: boolean;
  allowTriggers: boolean;
  /** Closed with the driver. */
  ownsPool: boolean;
}

interface Row {
  conversation_handle: string;
  message_type_name: string;
  message_body: string | null;
}

export class MssqlQueueDriver implements QueueDriver {
  private readonly inFlight = new Map<string, sql.Transaction>();
  /** Attach mode: the dialogs atombench began, ended one by one when their EndDialog arrives. */
  private readonly begun = new Set<string>();
  /** Broker errors by class (broker-validation, broker-error-<n>, ...), for the probes' gauges. */
  readonly errorsByClass: Record<string, number> = {};
  /** Server activation: the highest OODALoopMetrics id before the run (rows above it are the run's). */
  private metricWatermark: number | undefined;
  private serverActivation = false;

  constructor(private readonly o: QueueDriverOptions) {}

  private count(cls: string): void {
    this.errorsByClass[cls] = (this.errorsByClass[cls] ?? 0) + 1;
  }

  private fail(e: unknown, what: string): OperationError {
    const err = operationError(e, this.o.redactor, what);
    this.count(err.errorClass);
    return err;
  }

  async trigger(loopId: string, body: string): Promise<void> {
    if (!this.o.allowTriggers)
      throw new UserError(
        'OODA triggers are off in attach mode: set ooda.sendInAttachMode: true to send them to the deployment',
      );
    let handle: string | undefined;
    try {
      const r = rows<{ ConversationHandle: string }>(
        await exec(
          this.o.pool,
          triggerQuery(this.o.names, { loopId, loopStartedAtMs: Date.now(), payload: body }),
        ),
      );
      handle = r[0]?.ConversationHandle;
    } catch (e) {
      throw this.fail(e, 'trigger');
    }
    if (this.o.attach && handle) this.begun.add(handle);
    await this.drainInitiator().catch((e: unknown) => this.count(`drain:${mssqlErrorClass(e)}`));
  }

  /** Send a body exactly as given (e.g. the runbook's JSON trigger), to test the validation mode. */
  async sendRaw(phase: Phase, body: string): Promise<string | undefined> {
    if (!this.o.allowTriggers) throw new UserError('sending is off in attach mode (ooda.sendInAttachMode)');
    try {
      const h = rows<{ ConversationHandle: string }>(
        await exec(this.o.pool, rawSendQuery(this.o.names, phase, body)),
      )[0]?.ConversationHandle;
      if (this.o.attach && h) this.begun.add(h);
      return h;
    } catch (e) {
      throw this.fail(e, 'send');
    }
  }

  async receive(phase: Phase, waitMs: number): Promise<QueueMessage | undefined> {
    if (this.o.attach)
      throw new UserError("attach mode is read-only: atombench does not RECEIVE from a deployment's queues");
    const deadline = Date.now() + Math.max(0, waitMs);
    for (;;) {
      const tx = new sql.Transaction(this.o.pool);
      let row: Row | undefined;
      try {
        await tx.begin();
        row = rows<Row>(
          await request(tx).query<Row>(receiveSql(this.o.names, phase, Math.max(0, deadline - Date.now()))),
        )[0];
      } catch (e) {
        await tx.rollback().catch(() => undefined);
        throw this.fail(e, `receive ${phase}`);
      }
      if (!row) {
        await tx.commit().catch(() => undefined);
        return undefined;
      }
      if (SYSTEM_TYPES.has(row.message_type_name)) {
        // Not a phase message: an EndDialog / Error / timer for a dialog this queue is the target of.
        if (row.message_type_name === ERROR_TYPE)
          this.count(brokerErrorClass(parseBrokerError(row.message_body)));
        try {
          await exec(tx, endConversationQuery(row.conversation_handle));
          await tx.commit();
        } catch (e) {
          await tx.rollback().catch(() => undefined);
          throw this.fail(e, `receive ${phase}`);
        }
        if (Date.now() >= deadline) return undefined;
        continue;
      }
      const env = parseEnvelope(row.message_body);
      const now = Date.now();
      const msg: QueueMessage = {
        id: row.conversation_handle,
        phase,
        loopId: env.loopId ?? row.conversation_handle,
        body: env.payload,
        enqueuedAtMs: env.sentAtMs ?? now,
        loopStartedAtMs: env.loopStartedAtMs ?? env.sentAtMs ?? now,
      };
      this.inFlight.set(msg.id, tx);
      return msg;
    }
  }

  async complete(msg: QueueMessage, metric: PhaseMetricRow, next: Phase | undefined): Promise<void> {
    const tx = this.inFlight.get(msg.id);
    if (!tx)
      throw new Error(
        `complete: message ${msg.id} was not received by this driver, or was already completed`,
      );
    this.inFlight.delete(msg.id);
    const stmt = completeQuery(
      this.o.names,
      {
        conversationHandle: msg.id,
        phase: metric.phase,
        durationMs: metric.durationMs,
        success: metric.success,
        errorMessage: metric.errorMessage,
        loopId: msg.loopId,
        loopStartedAtMs: msg.loopStartedAtMs,
        payload: msg.body,
      },
      next,
    );
    try {
      await exec(tx, stmt);
      await tx.commit();
    } catch (e) {
      await tx.rollback().catch(() => undefined);
      throw this.fail(e, `complete ${msg.phase}`);
    }
  }

  /**
   * Switch the activated queues to the run's activation: server turns ACTIVATION on (the procedures
   * consume Hypothesize/Act/Learn) after noting the metric rows already there; client turns it off
   * where an earlier run left it on. Never in attach mode (a deployment's queues are not altered).
   */
  async setActivation(mode: 'client' | 'server'): Promise<void> {
    if (this.o.attach) return;
    try {
      const watermark = await switchActivation(this.o.pool, this.o.names, mode);
      if (watermark !== undefined) this.metricWatermark = watermark;
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw this.fail(e, `activation ${mode}`);
    }
    this.serverActivation = mode === 'server';
  }

  async serverPhaseRows(): Promise<ServerPhaseRow[]> {
    if (this.metricWatermark === undefined) return [];
    try {
      return await readServerPhaseRows(this.o.pool, this.o.names, this.metricWatermark);
    } catch (e) {
      throw this.fail(e, 'server phase rows');
    }
  }

  async depth(): Promise<Record<Phase, number>> {
    try {
      return depthByPhase(this.o.names, rows(await exec(this.o.pool, queueDepthQuery(this.o.names))));
    } catch (e) {
      throw this.fail(e, 'queue depth');
    }
  }

  /** End atombench's side of finished dialogs; returns how many messages were handled. */
  async drainInitiator(limit = DRAIN_LIMIT): Promise<number> {
    if (this.o.attach) return this.drainBegun();
    const r = rows<{ message_type_name: string | null; message_body: string | null }>(
      await request(this.o.pool).query(drainInitiatorSql(this.o.names, limit)),
    );
    for (const m of r)
      if (m.message_type_name === ERROR_TYPE) this.count(brokerErrorClass(parseBrokerError(m.message_body)));
    return r.length;
  }

  /**
   * One handle at a time, each guarded: a stale handle (its endpoint gone) is forgotten, and an error on
   * one handle is counted (drain:<class>) without stopping the handles after it.
   */
  private async drainBegun(): Promise<number> {
    let n = 0;
    for (const h of [...this.begun]) {
      let r:
        | { got: string | null; message_type_name: string | null; message_body: string | null; gone: boolean }
        | undefined;
      try {
        r = rows<NonNullable<typeof r>>(await exec(this.o.pool, drainHandleQuery(this.o.names, h)))[0];
      } catch (e) {
        this.count(`drain:${mssqlErrorClass(e)}`);
        continue;
      }
      if (r?.gone) {
        this.begun.delete(h);
        continue;
      }
      if (!r?.got) continue;
      n++;
      if (r.message_type_name === ERROR_TYPE) this.count(brokerErrorClass(parseBrokerError(r.message_body)));
      if (r.message_type_name === END_DIALOG_TYPE || r.message_type_name === ERROR_TYPE) this.begun.delete(h);
    }
    return n;
  }

  /** Attach mode: the dialogs atombench began and has not seen end (for tests and gauges). */
  get openDialogs(): number {
    return this.begun.size;
  }

  async close(): Promise<void> {
    for (const tx of this.inFlight.values()) await tx.rollback().catch(() => undefined);
    this.inFlight.clear();
    // The procedures stop at their next empty RECEIVE (TIMEOUT 5000) once activation is off.
    if (this.serverActivation) await this.setActivation('client').catch(() => undefined);
    // Drain until the initiator queue is empty (one call takes at most DRAIN_LIMIT messages), so no
    // EndDialog is left un-received and no conversation stays open on atombench's side.
    for (let round = 0; round < CLOSE_DRAIN_ROUNDS; round++) {
      const n = await this.drainInitiator(DRAIN_LIMIT).catch(() => 0);
      if (n < DRAIN_LIMIT) break;
    }
    if (this.o.ownsPool) await this.o.pool.close().catch(() => undefined);
  }
}
