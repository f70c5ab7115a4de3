import { createRandom } from '../src/dataset/prng.ts';
import { arrivalSchedule } from '../src/load/arrivals.ts';
import { realClock } from '../src/load/clock.ts';
import { runOpenLoop } from '../src/load/open-loop.ts';
import { createLatencyHistogram, recordMicros, summarize } from '../src/metrics/histogram.ts';
import type { BenchModule } from './types.ts';

/**
 * How faithfully the open loop keeps its schedule when the target answers at once: the achieved
 * rate and the schedule lag the harness itself adds (the floor under every open-loop measurement).
 */
export const schedulingAccuracy: BenchModule = {
  name: 'open-loop scheduling accuracy',
  async run(log) {
    const durationSec = Number(process.env.ATOMBENCH_BENCH_SCHED_SEC ?? 5);
    for (const [ratePerSec, arrivals] of [
      [200, 'constant'],
      [1000, 'constant'],
      [1000, 'poisson'],
      [5000, 'constant'],
    ] as const) {
      const lag = createLatencyHistogram();
      const totalMs = durationSec * 1000;
      const schedule = arrivalSchedule({
        ratePerSec,
        arrivals,
        warmupMs: 0,
        totalMs,
        stages: [],
        rand: createRandom(1),
      });
      const out = await runOpenLoop(
        {
          next: () => ({ op: 'spatial.knn', q: { x: 0, y: 0, z: 0 }, k: 1 }),
          execute: async () => ({ rows: 1 }),
          classify: () => 'Error',
          sink: {
            recordSuccess: () => {},
            recordError: () => {},
            recordScheduleLag: (us) => recordMicros(lag, us),
            recordDropped: () => {},
            recordCancelled: () => {},
          },
          clock: realClock,
          signal: new AbortController().signal,
          totalMs,
          gracefulStopMs: 5000,
        },
        schedule,
        10_000,
      );
      const s = summarize(lag);
      const achieved = out.issued / durationSec;
      log(
        `  ${String(ratePerSec).padStart(5)}/s ${arrivals.padEnd(8)} achieved ${achieved.toFixed(1).padStart(7)}/s ` +
          `(${(((achieved - ratePerSec) / ratePerSec) * 100).toFixed(2)} %)  schedule lag p50 ${s.p50.toFixed(3)} ms  p99 ${s.p99.toFixed(3)} ms  max ${s.max.toFixed(2)} ms`,
      );
    }
  },
};
