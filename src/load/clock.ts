/** The clock the load models run on: injected so tests can slow it, stall it or replace it. */
export interface Clock {
  /** Monotonic nanoseconds (process.hrtime.bigint() in real runs). */
  nowNs(): bigint;
  /** Resolve after ms, or at once when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  nowNs: () => process.hrtime.bigint(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const t = setTimeout(done, ms);
      function done() {
        signal?.removeEventListener('abort', done);
        clearTimeout(t);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export const NS_PER_MS = 1_000_000n;

export function nsToUs(ns: bigint): number {
  return Number(ns) / 1000;
}
