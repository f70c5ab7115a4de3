import { clientsBench } from './clients.ts';
import { e2eRunVsPgbench } from './e2e-run-vs-pgbench.ts';
import { e2eSeedVsCopy } from './e2e-seed-vs-copy.ts';
import { postgisSeedVsCopy } from './postgis-seed-vs-copy.ts';
import { postgisVsPgbench } from './postgis-vs-pgbench.ts';
import { embeddedSeeding } from './seeding.ts';
import { recordingOverhead } from './recording.ts';
import { schedulingAccuracy } from './scheduling.ts';
import { startup } from './startup.ts';
import type { BenchModule } from './types.ts';

/**
 * Harness self-benchmarks (`npm run bench`): each measures side by side in one run and prints ratios.
 * `npm run bench -- <name filter>` runs the matching ones only; `--quick` is a smoke test of every
 * benchmark (small dataset, short runs, one repetition: it proves they run, its figures prove nothing).
 * The e2e ones run the real CLI process, as users meet it; the others measure inner loops.
 */
const MODULES: BenchModule[] = [
  recordingOverhead,
  schedulingAccuracy,
  embeddedSeeding,
  postgisVsPgbench,
  postgisSeedVsCopy,
  e2eRunVsPgbench,
  e2eSeedVsCopy,
  clientsBench,
  startup,
];

/** --quick: knobs an explicit environment variable still overrides. */
const QUICK: Record<string, string> = {
  ATOMBENCH_BENCH_ATOMS: '20000',
  ATOMBENCH_BENCH_REPS: '1',
  ATOMBENCH_BENCH_DURATION_SEC: '2',
  ATOMBENCH_BENCH_WARMUP_SEC: '1',
};

const args = process.argv.slice(2);
if (args.includes('--quick')) for (const [k, v] of Object.entries(QUICK)) process.env[k] ??= v;
const filter = args.find((a) => !a.startsWith('--'))?.toLowerCase();
for (const m of MODULES) {
  if (filter && !m.name.toLowerCase().includes(filter)) continue;
  const skip = await m.skipReason?.();
  if (skip) {
    console.log(`${m.name}: skipped (${skip})`);
    continue;
  }
  console.log(`${m.name}:`);
  await m.run((line) => console.log(line));
}
