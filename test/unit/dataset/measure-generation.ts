/**
 * Micro-measurement, not a test: rows/s for generating and checksumming a dataset.
 *   node --import tsx test/unit/dataset/measure-generation.ts [atoms] [kind]
 */
import { datasetSchema } from '../../../src/dataset/schema.ts';
import { createRecordFactory } from '../../../src/dataset/records.ts';
import { createPointGenerator, datasetPointKey } from '../../../src/dataset/distributions.ts';
import { Checksummer, datasetBatches } from '../../../src/dataset/stream.ts';
import { contentHashOf } from '../../../src/dataset/records.ts';

const atoms = Number(process.argv[2] ?? 1_000_000);
const kind = (process.argv[3] ?? 'projected') as 'projected' | 'sphere' | 'uniform';
const config = datasetSchema.parse({ atoms, seed: 42, distribution: { kind } });

function time(label: string, rows: number, fn: () => void): void {
  const t0 = process.hrtime.bigint();
  fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(
    `${label.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms  ${Math.round((rows / ms) * 1000).toLocaleString('en')} rows/s`,
  );
}

const gen = createPointGenerator(config.distribution, config.seed);
const key = datasetPointKey(config.seed);
let sink = 0;
time('points only', atoms, () => {
  for (let i = 0; i < atoms; i++) sink += gen.point(key, i).x;
});
time('sha-256 of canonical text only', atoms, () => {
  for (let i = 0; i < atoms; i++) sink += contentHashOf(`atom-42-${i}`)[0]!;
});
const factory = createRecordFactory(config);
time('records (all columns)', atoms, () => {
  for (let i = 0; i < atoms; i++) sink += factory(i).hilbertValue;
});
const t0 = process.hrtime.bigint();
const checksummer = new Checksummer(config);
for await (const batch of datasetBatches(config)) checksummer.update(batch);
const digest = checksummer.digest();
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(
  `${'records + checksum (streamed)'.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms  ${Math.round((atoms / ms) * 1000).toLocaleString('en')} rows/s`,
);
// `sink` keeps the loops above from being optimised away.
if (!Number.isFinite(sink)) throw new Error('non-finite sink');
console.log(`checksum ${digest}  heapUsed ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
