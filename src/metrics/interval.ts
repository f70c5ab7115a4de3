import type { TimeSeriesPoint } from '../model/result.ts';
import {
  createGaugeHistogram,
  createLatencyHistogram,
  countOf,
  mergeInto,
  percentileMs,
  recordGauge,
  recordMicros,
  resetHistogram,
} from './histogram.ts';
import {
  addErrors,
  foldTotals,
  newTotals,
  resetTotals,
  type MeasuredTotals,
  type OperationTotals,
  type RowDetail,
} from './totals.ts';

export type { MeasuredTotals, OperationTotals, RowDetail } from './totals.ts';

/**
 * The interval recorder: the load loop reports each finished operation here; the caller calls tick() at
 * every interval boundary (no timers inside, the clock is injected) and gets one TimeSeriesPoint.
 *
 * Intervals that lie even partly in warm-up are flagged `warmup` and are NOT folded into the measured
 * totals, so warm-up never reaches a target. The caller should tick exactly at the warm-up boundary
 * (otherwise the straddling interval is discarded from the totals, which is safe but wasteful).
 *
 * Counting convention (shared with targets/metrics.ts): `count` is completed attempts (successes +
 * failures); latency histograms hold successful operations only, so a fast failure cannot flatter the
 * latency; errors are counted by class.
 */

export interface IntervalRecorderOptions {
  /** Clock in milliseconds (e.g. performance.now or a fake in tests). */
  now: () => number;
  /** Run start in the clock's milliseconds; defaults to now() at construction. */
  startMs?: number;
  /** Warm-up length from the run start; 0 disables warm-up. */
  warmupSec: number;
  /** Operations known in advance, so an operation that never ran still appears in the totals with count 0. */
  ops?: readonly string[];
  /** Open-loop runs add schedule lag and dropped arrivals to every point. */
  openLoop?: boolean;
}

export class IntervalRecorder {
  private readonly now: () => number;
  private readonly startMs: number;
  private readonly warmupEndMs: number;
  private readonly openLoop: boolean;
  private intervalStartMs: number;

  // Current interval. Histograms are reused (reset at each tick) so a long run allocates nothing per tick.
  private readonly current = new Map<string, OperationTotals>();
  private readonly intervalTotal = createLatencyHistogram();
  private readonly intervalLag = createLatencyHistogram();
  private intervalDropped = 0;
  private intervalCancelled = 0;
  private intervalQueueMax: number | undefined;
  private intervalQueueSamples: number[] = [];
  private intervalQueueByName: Record<string, number> | undefined;

  // Measured totals (warm-up excluded).
  private readonly measured = new Map<string, OperationTotals>();
  private readonly measuredLag = createLatencyHistogram();
  private readonly measuredQueue = createGaugeHistogram();
  private measuredDropped = 0;
  private measuredCancelled = 0;
  private measuredMs = 0;

  private readonly points: TimeSeriesPoint[] = [];

  constructor(opts: IntervalRecorderOptions) {
    this.now = opts.now;
    this.startMs = opts.startMs ?? opts.now();
    this.warmupEndMs = this.startMs + Math.max(0, opts.warmupSec) * 1000;
    this.openLoop = opts.openLoop ?? false;
    this.intervalStartMs = this.startMs;
    for (const op of opts.ops ?? []) {
      this.current.set(op, newTotals());
      this.measured.set(op, newTotals());
    }
  }

  private op(op: string): OperationTotals {
    let t = this.current.get(op);
    if (!t) {
      t = newTotals();
      this.current.set(op, t);
    }
    return t;
  }

  /** Does what is recorded now count as measured (the current interval starts after warm-up)? */
  get measuring(): boolean {
    return this.intervalStartMs >= this.warmupEndMs;
  }

  /** A successful operation and its latency (µs, measured from the intended start in open loops). */
  recordSuccess(op: string, latencyUs: number, detail?: RowDetail): void {
    const t = this.op(op);
    t.count++;
    recordMicros(t.histogram, latencyUs);
    if (detail?.rows !== undefined) {
      t.rowsOutput += detail.rows;
      if (detail.candidates !== undefined) {
        t.rowsWithCandidates += detail.rows;
        t.candidateRows = (t.candidateRows ?? 0) + detail.candidates;
      }
    }
  }

  /** A failed operation, by error class (timeout, deadlock, connection, ...). */
  recordError(op: string, errorClass: string): void {
    const t = this.op(op);
    t.count++;
    t.errors[errorClass] = (t.errors[errorClass] ?? 0) + 1;
  }

  /** Open loop: how late an arrival started against its schedule, µs. */
  recordScheduleLag(lagUs: number): void {
    recordMicros(this.intervalLag, lagUs);
  }

  /** Open loop: arrivals that found maxInFlight busy. */
  recordDropped(n = 1): void {
    this.intervalDropped += n;
  }

  /** Requests cancelled at the end of the graceful stop (or on an interrupt). */
  recordCancelled(n = 1): void {
    this.intervalCancelled += n;
  }

  /** A queue depth sample read from the server; the point keeps the interval's maximum. */
  recordQueueDepth(depth: number): void {
    if (Number.isNaN(depth)) return;
    this.intervalQueueMax =
      this.intervalQueueMax === undefined ? depth : Math.max(this.intervalQueueMax, depth);
    this.intervalQueueSamples.push(depth);
  }

  /** Depth per queue from one server sample; the point keeps each queue's maximum. */
  recordQueueDepths(byQueue: Record<string, number>): void {
    const m = (this.intervalQueueByName ??= {});
    for (const [q, d] of Object.entries(byQueue)) if (!Number.isNaN(d)) m[q] = Math.max(m[q] ?? 0, d);
  }

  /**
   * Close the current interval at `atMs` (default now()): returns its point and starts the next
   * interval. The run's last tick passes the moment its load ended, so the final probe round taken
   * after it is filed into the last interval without stretching the measured window.
   */
  tick(atMs?: number): TimeSeriesPoint {
    const nowMs = Math.max(this.intervalStartMs, atMs ?? this.now());
    const warmup = this.intervalStartMs < this.warmupEndMs;

    let ops = 0;
    let errors = 0;
    const classes: Record<string, number> = {};
    resetHistogram(this.intervalTotal);
    for (const t of this.current.values()) {
      ops += t.count;
      for (const n of Object.values(t.errors)) errors += n;
      addErrors(classes, t.errors);
      mergeInto(this.intervalTotal, t.histogram);
    }
    // Percentiles of an interval without successes are 0; `ops`/`errors` say why.
    const ms = (p: number): number => percentileMs(this.intervalTotal, p);
    const point: TimeSeriesPoint = {
      tSec: (nowMs - this.startMs) / 1000,
      warmup,
      ops,
      errors,
      p50Ms: ms(50),
      p95Ms: ms(95),
      p99Ms: ms(99),
    };
    // The error classes over time: an outage shows as connection-class errors in its intervals.
    if (errors > 0) point.errorClasses = classes;
    if (this.intervalCancelled > 0) point.cancelled = this.intervalCancelled;
    if (this.intervalQueueMax !== undefined) point.queueDepth = this.intervalQueueMax;
    if (this.intervalQueueByName) point.queueDepthByQueue = this.intervalQueueByName;
    const byOp: NonNullable<TimeSeriesPoint['byOp']> = {};
    for (const [op, t] of this.current) {
      if (t.count === 0) continue;
      let errs = 0;
      for (const n of Object.values(t.errors)) errs += n;
      const pm = (p: number): number => percentileMs(t.histogram, p);
      byOp[op] = { ops: t.count, errors: errs, p50Ms: pm(50), p95Ms: pm(95), p99Ms: pm(99) };
    }
    if (Object.keys(byOp).length) point.byOp = byOp;
    if (this.openLoop) {
      if (countOf(this.intervalLag) > 0) point.scheduleLagP99Ms = percentileMs(this.intervalLag, 99);
      point.dropped = this.intervalDropped;
    }

    if (!warmup) this.foldIntoMeasured(nowMs);
    this.resetInterval(nowMs);
    this.points.push(point);
    return point;
  }

  private foldIntoMeasured(nowMs: number): void {
    for (const [op, t] of this.current) {
      let m = this.measured.get(op);
      if (!m) {
        m = newTotals();
        this.measured.set(op, m);
      }
      foldTotals(m, t);
    }
    mergeInto(this.measuredLag, this.intervalLag);
    for (const d of this.intervalQueueSamples) recordGauge(this.measuredQueue, d);
    this.measuredDropped += this.intervalDropped;
    this.measuredCancelled += this.intervalCancelled;
    this.measuredMs += Math.max(0, nowMs - this.intervalStartMs);
  }

  private resetInterval(nowMs: number): void {
    for (const t of this.current.values()) resetTotals(t);
    resetHistogram(this.intervalLag);
    this.intervalDropped = 0;
    this.intervalCancelled = 0;
    this.intervalQueueMax = undefined;
    this.intervalQueueSamples = [];
    this.intervalQueueByName = undefined;
    this.intervalStartMs = nowMs;
  }

  /** Every point so far, in order. */
  timeseries(): TimeSeriesPoint[] {
    return [...this.points];
  }

  /**
   * The measured totals. Live objects, valid until the next tick(); call after the final tick.
   * Data recorded since the last tick is not included: tick once more at the end of the run.
   */
  totals(): MeasuredTotals {
    return {
      operations: this.measured,
      measuredSec: this.measuredMs / 1000,
      scheduleLag: this.measuredLag,
      dropped: this.measuredDropped,
      cancelled: this.measuredCancelled,
      queueDepth: this.measuredQueue,
    };
  }
}
