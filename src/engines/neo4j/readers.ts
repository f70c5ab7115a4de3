import {
  createLatencyHistogram,
  recordMicros,
  recordNanos,
  type HdrHistogram,
} from '../../metrics/histogram.ts';
import type { Clock } from '../../model/clock.ts';
import type { SyncQueueDriver } from '../types.ts';
import { graphErrorClass } from './error-class.ts';
import type { MergeOutcome, SyncRow } from './graph.ts';

/**
 * The Neo4j sync workers: `readers` consumers, each receiving up to `batch` requests from the engine's
 * sync queue and merging them in one managed transaction (Hartonomous runs 3 activated readers on
 * Neo4jSyncQueue). The graph commits first, then the queue: a request whose delete is lost is merged
 * again, which MERGE makes harmless; a failed merge puts the batch back and the reader backs off, so a
 * Neo4j outage only grows the queue. Errors are counted by class (error-class.ts), `queue` for the SQL side.
 */

export interface GraphMerger {
  merge(rows: readonly SyncRow[]): Promise<MergeOutcome>;
}

export interface ReaderOptions {
  readers: number;
  batch: number;
  clock: Clock;
  /** Wall ms from which merges count in the histograms (the end of warm-up). */
  measureFromWallMs: number;
  /** How long an empty receive waits before the reader looks at `stopping` again. */
  receiveWaitMs?: number;
  maxBackoffMs?: number;
}

export interface SyncStats {
  /** Requests merged and batches committed in the measured window. */
  merged: number;
  batches: number;
  /** MERGE transaction latency per batch (µs), and sync lag per request from enqueue to merged (µs). */
  mergeLatency: HdrHistogram;
  syncLag: HdrHistogram;
  /** Over the whole run, warm-up included. */
  mergedTotal: number;
  nodesCreated: number;
  /** Transaction functions the driver ran again after a transient error or a lost connection. */
  retries: number;
  errors: Record<string, number>;
  /** Times the graph became unreachable, and for how long in all (ms), until a merge succeeded again. */
  outages: number;
  unavailableMs: number;
}

const BACKOFF_START_MS = 50;

export class SyncReaders {
  private stopping = false;
  private loops: Promise<void>[] = [];
  private downSinceWall: number | undefined;
  private readonly s: SyncStats = {
    merged: 0,
    batches: 0,
    mergeLatency: createLatencyHistogram(),
    syncLag: createLatencyHistogram(),
    mergedTotal: 0,
    nodesCreated: 0,
    retries: 0,
    errors: {},
    outages: 0,
    unavailableMs: 0,
  };

  constructor(
    private readonly queue: SyncQueueDriver,
    private readonly graph: GraphMerger,
    private readonly o: ReaderOptions,
  ) {}

  start(): void {
    for (let i = 0; i < this.o.readers; i++) this.loops.push(this.loop());
  }

  private count(cls: string): void {
    this.s.errors[cls] = (this.s.errors[cls] ?? 0) + 1;
  }

  private async loop(): Promise<void> {
    const { clock } = this.o;
    let backoff = BACKOFF_START_MS;
    const pause = async () => {
      await clock.sleep(backoff);
      backoff = Math.min(backoff * 2, this.o.maxBackoffMs ?? 2000);
    };
    while (!this.stopping) {
      let batch;
      try {
        batch = await this.queue.receive(this.o.batch, this.o.receiveWaitMs ?? 200);
      } catch {
        this.count('queue');
        await pause();
        continue;
      }
      if (!batch) continue;
      const rows = batch.requests;
      const t0 = clock.nowNs();
      let out: MergeOutcome;
      try {
        out = await this.graph.merge(rows);
      } catch (e) {
        const cls = graphErrorClass(e);
        this.count(cls);
        if (cls === 'unavailable' && this.downSinceWall === undefined) {
          this.downSinceWall = clock.wallMs();
          this.s.outages++;
        }
        await batch.abandon().catch(() => this.count('queue'));
        await pause();
        continue;
      }
      const mergeNs = clock.nowNs() - t0;
      const mergedAt = clock.wallMs();
      if (this.downSinceWall !== undefined) {
        this.s.unavailableMs += mergedAt - this.downSinceWall;
        this.downSinceWall = undefined;
      }
      backoff = BACKOFF_START_MS;
      this.s.retries += out.attempts - 1;
      this.s.nodesCreated += out.nodesCreated;
      this.s.mergedTotal += rows.length;
      if (mergedAt >= this.o.measureFromWallMs) {
        recordNanos(this.s.mergeLatency, mergeNs);
        for (const r of rows) recordMicros(this.s.syncLag, (mergedAt - r.enqueuedAtMs) * 1000);
        this.s.merged += rows.length;
        this.s.batches++;
      }
      // Merged even if this fails: the request is received again and merged again, creating nothing.
      await batch.complete().catch(() => this.count('queue'));
    }
  }

  /** Queue depth from the database (undefined when the queue cannot be read). */
  async depth(): Promise<number | undefined> {
    try {
      return await this.queue.depth();
    } catch {
      this.count('queue');
      return undefined;
    }
  }

  /** Let the readers empty the queue for up to timeoutMs; the depth left (undefined: unreadable). */
  async drain(timeoutMs: number): Promise<number | undefined> {
    const deadline = this.o.clock.nowMs() + timeoutMs;
    for (;;) {
      const d = await this.depth();
      if (d === 0 || this.o.clock.nowMs() >= deadline) return d;
      await this.o.clock.sleep(50);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
    this.loops = [];
    if (this.downSinceWall !== undefined) {
      this.s.unavailableMs += this.o.clock.wallMs() - this.downSinceWall;
      this.downSinceWall = undefined;
    }
  }

  stats(): SyncStats {
    return this.s;
  }
}
