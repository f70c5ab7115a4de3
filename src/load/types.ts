import type { OperationRequest, OperationResult } from '../engines/types.ts';
import type { Clock } from '../model/clock.ts';
import type { ShardSpec } from '../model/shard.ts';
import type { LoadSpec } from '../scenario/load-schema.ts';

/** Where a load model reports what happened; the interval recorder implements it. */
export interface LoadSink {
  recordSuccess(op: string, latencyUs: number, detail?: { rows?: number; candidates?: number }): void;
  recordError(op: string, errorClass: string): void;
  recordScheduleLag(lagUs: number): void;
  recordDropped(n?: number): void;
  recordCancelled(n?: number): void;
}

export interface LoadContext {
  /**
   * The next request of the workload mix. The open loop passes the arrival's position in the
   * single-run schedule (ArrivalSchedule.lastIndex) so a dropped arrival skips its request; without
   * it the caller numbers the requests itself.
   */
  next(index?: number): OperationRequest;
  /** Run one request on the engine (errors reject). */
  execute(req: OperationRequest): Promise<OperationResult>;
  /** Classify a rejection for the error counts. */
  classify(e: unknown): string;
  sink: LoadSink;
  clock: Clock;
  signal: AbortSignal;
  /** Length of the whole load (warm-up + measured), ms. */
  totalMs: number;
  /** Time in-flight requests get to finish after the window (or an interrupt), ms (load.gracefulStopSec). */
  gracefulStopMs: number;
  /** Cancel on the server what the load's connections still run (the graceful stop ran out). */
  cancelRunning?: () => Promise<void>;
  /** The load is draining: `inFlight` requests still run, `leftMs` of the graceful stop remain. */
  onDrain?: (inFlight: number, leftMs: number) => void;
  /** Set when this process is one shard of a run: the open loop keeps its slice of the schedule. */
  shard?: ShardSpec;
}

/** What a load model reports once it stops. */
export interface LoadOutcome {
  issued: number;
  dropped: number;
  completed: number;
  /** Requests still running when the graceful stop ran out: cancelled, not measured. */
  cancelled: number;
  elapsedMs: number;
  /** Highest number of requests in flight at once. */
  maxInFlight: number;
}

export type LoadModelName = LoadSpec['model'];

/** One load model plug-in (one per file, listed in registry.ts): how many connections it needs and how it runs. */
export interface LoadModel<M extends LoadModelName = LoadModelName> {
  readonly name: M;
  /** Connections (worker threads) the load needs from the engine's pool. */
  poolSize(load: Extract<LoadSpec, { model: M }>): number;
  /** Run the load for ctx.totalMs; `warmupMs` places the stages, `rand` draws the arrivals. */
  start(
    ctx: LoadContext,
    load: Extract<LoadSpec, { model: M }>,
    warmupMs: number,
    rand: () => number,
  ): Promise<LoadOutcome>;
}
