import type { OperationRequest, OperationResult } from '../engines/types.ts';
import type { Clock } from '../model/clock.ts';

/** Where a load model reports what happened; the interval recorder implements it. */
export interface LoadSink {
  recordSuccess(op: string, latencyUs: number, detail?: { rows?: number; candidates?: number }): void;
  recordError(op: string, errorClass: string): void;
  recordScheduleLag(lagUs: number): void;
  recordDropped(n?: number): void;
}

export interface LoadContext {
  /** The next request of the workload mix. */
  next(): OperationRequest;
  /** Run one request on the engine (errors reject). */
  execute(req: OperationRequest): Promise<OperationResult>;
  /** Classify a rejection for the error counts. */
  classify(e: unknown): string;
  sink: LoadSink;
  clock: Clock;
  signal: AbortSignal;
  /** Length of the whole load (warm-up + measured), ms. */
  totalMs: number;
}

/** What a load model reports once it stops. */
export interface LoadOutcome {
  issued: number;
  dropped: number;
  completed: number;
  elapsedMs: number;
  /** Highest number of requests in flight at once. */
  maxInFlight: number;
}
