// The atombench command (as bin/atombench.js) with one test hook: when ATOMBENCH_TEST_LATENCY_LOG is set,
// every latency the interval recorder receives is also written, raw, to that file (one "op<TAB>µs" per
// line) when the process exits. The shard acceptance test re-records these into a fresh histogram to
// prove the merged histogram holds exactly the samples of every shard. Nothing else changes.
import { writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const log = process.env.ATOMBENCH_TEST_LATENCY_LOG;
if (log) {
  const { IntervalRecorder } = await import('../../src/metrics/interval.ts');
  const lines = [];
  const original = IntervalRecorder.prototype.recordSuccess;
  IntervalRecorder.prototype.recordSuccess = function (op, latencyUs, detail) {
    lines.push(`${op}\t${latencyUs}`);
    return original.call(this, op, latencyUs, detail);
  };
  process.on('exit', () => writeFileSync(log, lines.join('\n')));
}
const { main } = await import('../../src/cli/main.ts');
process.exitCode = await main(process.argv);
