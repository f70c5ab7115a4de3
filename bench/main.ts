import { postgisSeedVsCopy } from './postgis-seed-vs-copy.ts';
import { postgisVsPgbench } from './postgis-vs-pgbench.ts';
import { embeddedSeeding } from './seeding.ts';
import { recordingOverhead } from './recording.ts';
import { schedulingAccuracy } from './scheduling.ts';
import type { BenchModule } from './types.ts';

/**
 * Harness self-benchmarks (`npm run bench`): each measures side by side in one run and prints ratios.
 * `npm run bench -- <name filter>` runs the matching ones only.
 */
const MODULES: BenchModule[] = [
  recordingOverhead,
  schedulingAccuracy,
  embeddedSeeding,
  postgisVsPgbench,
  postgisSeedVsCopy,
];

const filter = process.argv[2]?.toLowerCase();
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
