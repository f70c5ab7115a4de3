import { performance } from 'node:perf_hooks';
import type { Clock } from '../model/clock.ts';

/** The real clock: hrtime for latencies, performance.now() for ticks, Date.now() for wall time. */
export const realClock: Clock = {
  nowNs: () => process.hrtime.bigint(),
  nowMs: () => performance.now(),
  wallMs: () => Date.now(),
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
