import type { Phase } from '../../scenario/names.ts';

/** The queues an engine drives: the OODA phase queues and the Neo4j sync queue. */

/** A message on an OODA queue. */
export interface QueueMessage {
  id: string;
  phase: Phase;
  loopId: string;
  body: string;
  /** ms since epoch, as recorded by the server when the message was sent. */
  enqueuedAtMs: number;
  /** ms since epoch when the loop's Analyze trigger was sent. */
  loopStartedAtMs: number;
}

export interface PhaseMetricRow {
  phase: Phase;
  durationMs: number;
  success: boolean;
  errorMessage?: string;
}

/** The OODA traffic driver. receive/complete together are transactional on every engine. */
export interface QueueDriver {
  /** Put a trigger on the Analyze queue. */
  trigger(loopId: string, body: string): Promise<void>;
  /** Take the oldest message of a phase's queue, waiting up to waitMs; undefined on timeout. */
  receive(phase: Phase, waitMs: number): Promise<QueueMessage | undefined>;
  /**
   * Finish a received message: record the metric row and, unless `next` is undefined (the loop ends
   * or failed), send it on to the next phase. Atomic with the receive's removal of the message.
   */
  complete(msg: QueueMessage, metric: PhaseMetricRow, next: Phase | undefined): Promise<void>;
  /** Messages waiting per queue, read from the database. */
  depth(): Promise<Record<Phase, number>>;
  /**
   * Server activation (`ooda.activation: server`): the metric rows the server's own procedures wrote
   * since the driver was opened. Absent: every phase is consumed by atombench.
   */
  serverPhaseRows?(): Promise<ServerPhaseRow[]>;
  close(): Promise<void>;
}

/** One OODALoopMetrics row written by a server-side phase procedure. */
export interface ServerPhaseRow {
  phase: Phase;
  durationMs: number;
  success: boolean;
  /** ExecutedAt (the row's insert, at the end of the phase), ms since the epoch. */
  executedAtMs: number;
}

/** One Neo4jSyncRequest on the engine's sync queue. */
export interface SyncRequest {
  id: string;
  /** The new atom's AtomId. */
  entityId: number;
  tenantId: number;
  syncType: string;
  /** ms since epoch when ingest enqueued it (the client's clock, as the sync lag is measured on it). */
  enqueuedAtMs: number;
}

/** Requests received together: held (leased or locked) until completed or abandoned. */
export interface SyncBatch {
  requests: SyncRequest[];
  /** Remove them from the queue (after the graph committed them). */
  complete(): Promise<void>;
  /** Put them back (the graph failed): they are received again. */
  abandon(): Promise<void>;
}

/** The Neo4j sync queue, consumed by the readers (src/engines/neo4j/readers.ts). */
export interface SyncQueueDriver {
  /** Up to `max` of the oldest requests nobody holds, waiting up to waitMs; undefined on timeout. */
  receive(max: number, waitMs: number): Promise<SyncBatch | undefined>;
  /** Requests waiting (held ones included), read from the database. */
  depth(): Promise<number>;
  close(): Promise<void>;
}
