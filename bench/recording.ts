import { Bench } from 'tinybench';
import { createLatencyHistogram, recordMicros } from '../src/metrics/histogram.ts';
import { IntervalRecorder } from '../src/metrics/interval.ts';
import type { BenchModule } from './types.ts';

const BATCH = 1000;

/** What recording one latency sample costs the load loop (histogram alone, and the interval recorder). */
export const recordingOverhead: BenchModule = {
  name: 'recording overhead per sample (tinybench)',
  async run(log) {
    const h = createLatencyHistogram();
    const rec = new IntervalRecorder({ now: () => performance.now(), warmupSec: 0, ops: ['spatial.knn'] });
    const values = Array.from({ length: BATCH }, (_, i) => 200 + ((i * 7919) % 50_000));
    const bench = new Bench({ time: 1000, warmupTime: 200 });
    bench
      .add(`recordMicros x${BATCH}`, () => {
        for (const v of values) recordMicros(h, v);
      })
      .add(`IntervalRecorder.recordSuccess x${BATCH}`, () => {
        for (const v of values) rec.recordSuccess('spatial.knn', v, { rows: 10 });
      })
      .add(`process.hrtime.bigint() pair x${BATCH}`, () => {
        let s = 0n;
        for (let i = 0; i < BATCH; i++) s += process.hrtime.bigint() - process.hrtime.bigint();
        return s;
      });
    await bench.run();
    for (const t of bench.tasks) {
      const meanMs = t.result?.latency?.mean;
      if (meanMs === undefined) continue;
      log(`  ${t.name.padEnd(44)} ${((meanMs * 1e6) / BATCH).toFixed(1).padStart(7)} ns/sample`);
    }
  },
};
