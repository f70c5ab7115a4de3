/**
 * The one clock of a run, injected into the load models, the interval ticks, the recorder and the OODA
 * driver, so a test can slow it, stall it or replace it everywhere at once. It lives on the ground floor
 * because every layer that reads time (load/, ooda/, run/) sits above it; the real implementation is
 * load/clock.ts's realClock.
 */
export interface Clock {
  /** Monotonic nanoseconds, for latencies (process.hrtime.bigint() in real runs). */
  nowNs(): bigint;
  /** Monotonic milliseconds, for interval ticks and deadlines (performance.now() in real runs). */
  nowMs(): number;
  /**
   * Wall time, ms since the epoch (Date.now() in real runs): only where it is compared with timestamps
   * the server records (OODA loop start times) or written into the result.
   */
  wallMs(): number;
  /** Resolve after ms, or at once when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
