/**
 * The dataset as a stream of batches, its checksum and its identity.
 *
 * Batches are generated on demand (only the batch being consumed is in memory), from any start row, so a
 * 1M-atom seed streams with bounded memory and a resumed seed starts where the table ends.
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { AtomRecord, RowBatch, SeedBatch } from './types.ts';
import type { DatasetConfig, DistributionConfig } from './distributions.ts';
import { createRecordFactory, type RecordFactory } from './records.ts';
import { Checksummer } from './checksum.ts';

export { Checksummer } from './checksum.ts';

/**
 * Version of the generators (PRNG, distributions, record columns). Part of datasetKey: bump it whenever a
 * change alters any generated value, so an engine's stored dataset is recognised as stale.
 */
export const GENERATOR_VERSION = 1;

export interface BatchOptions {
  /** First row to generate (default 0; a resumed seed passes the rows already stored). */
  startIndex?: number;
  /** Rows per batch (default config.batchSize). */
  batchSize?: number;
  /** One past the last row (default config.atoms). */
  endIndex?: number;
  signal?: AbortSignal;
}

/** Rows [startIndex, startIndex + count) from a factory. */
export function generateBatch(factory: RecordFactory, startIndex: number, count: number): SeedBatch {
  const records = new Array<AtomRecord>(count);
  for (let i = 0; i < count; i++) records[i] = factory(startIndex + i);
  return { startIndex, records };
}

function checkRange(config: DatasetConfig, start: number, end: number, size: number): void {
  if (!Number.isSafeInteger(start) || start < 0 || start > config.atoms) {
    throw new RangeError(`startIndex must be an integer in 0..${config.atoms}, got ${start}`);
  }
  if (!Number.isSafeInteger(end) || end < start || end > config.atoms) {
    throw new RangeError(`endIndex must be an integer in ${start}..${config.atoms}, got ${end}`);
  }
  if (!Number.isSafeInteger(size) || size < 1)
    throw new RangeError(`batchSize must be a positive integer, got ${size}`);
}

/** The batches' row ranges [first, first + rows), in order, checked (the options' defaults applied). */
export function batchRangeList(
  config: DatasetConfig,
  options: Omit<BatchOptions, 'signal'> = {},
): { first: number; rows: number }[] {
  const start = options.startIndex ?? 0;
  const end = options.endIndex ?? config.atoms;
  const size = options.batchSize ?? config.batchSize;
  checkRange(config, start, end, size);
  const out: { first: number; rows: number }[] = [];
  for (let at = start; at < end; at += size) out.push({ first: at, rows: Math.min(size, end - at) });
  return out;
}

/**
 * The batches' row ranges, in order, checked. Between batches it yields to the event loop, so timers,
 * progress output and abort signals keep working while a large dataset is generated.
 */
async function* batchRanges(
  config: DatasetConfig,
  options: BatchOptions,
): AsyncGenerator<{ first: number; rows: number }> {
  for (const range of batchRangeList(config, options)) {
    options.signal?.throwIfAborted();
    yield range;
    await yieldToEventLoop();
  }
}

/** Yields the dataset's rows in order as batches (see batchRanges). */
export async function* datasetBatches(
  config: DatasetConfig,
  options: BatchOptions = {},
): AsyncGenerator<SeedBatch> {
  const factory = createRecordFactory(config);
  for await (const { first, rows } of batchRanges(config, options)) yield generateBatch(factory, first, rows);
}

/**
 * The dataset's rows [startIndex, endIndex) as lazy batches (RowBatch): each row is generated when the
 * batch is visited, hashed into `checksum` (which must be at startIndex) and dropped after its visit.
 * The same rows, in the same batches, as datasetBatches; a batch visited twice, or out of order, throws.
 */
export async function* datasetRowBatches(
  config: DatasetConfig,
  checksum: Checksummer,
  options: BatchOptions = {},
): AsyncGenerator<RowBatch> {
  const factory = createRecordFactory(config);
  for await (const { first, rows } of batchRanges(config, options)) {
    let visited = false;
    yield {
      startIndex: first,
      rows,
      each(visit) {
        if (visited) throw new Error(`dataset: batch at row ${first} visited twice`);
        visited = true;
        for (let i = first; i < first + rows; i++) {
          const record = factory(i);
          checksum.updateRecord(record);
          visit(record);
        }
      },
    };
    if (!visited) throw new Error(`dataset: batch at row ${first} was not visited`);
  }
}

/**
 * The rows a seed stores, for an engine that generates them itself (Engine.seedDataset: off the main
 * thread): rows [startIndex, config.atoms) in batches of config.batchSize, each hashed into `checksum`
 * in row order (it is at startIndex: a resumed seed fed the stored prefix already); stop when `signal`
 * is aborted.
 */
export interface DatasetSource {
  config: DatasetConfig;
  startIndex: number;
  checksum: Checksummer;
  signal?: AbortSignal;
}

/** SHA-256 hex of the whole dataset (see checksum.ts for the encoding), generated and hashed as a stream. */
export async function datasetChecksum(config: DatasetConfig, signal?: AbortSignal): Promise<string> {
  const checksummer = new Checksummer(config);
  for await (const batch of datasetBatches(config, { signal })) checksummer.update(batch);
  return checksummer.digest();
}

/** The distribution parameters that change generated data, in a fixed order (others are ignored). */
function relevantParams(dist: DistributionConfig): string {
  switch (dist.kind) {
    case 'projected':
      return `scale=${dist.scale};clusters=${dist.clusters};dimensions=${dist.dimensions};spread=${dist.clusterSpread}`;
    case 'sphere':
      return `scale=${dist.scale};dimensions=${dist.dimensions}`;
    case 'uniform':
      return `scale=${dist.scale};halfExtent=${dist.halfExtent};dimensions=${dist.dimensions}`;
  }
}

/**
 * A short stable identity of the dataset definition, e.g. `projected-100000-s42-1a2b3c4d5e6f`, for the
 * engines' meta table: equal keys mean equal data (given GENERATOR_VERSION). The readable prefix is for
 * people; the 48-bit hash suffix covers the distribution parameters and the generator version.
 * batchSize is not part of it: it does not change the rows.
 */
export function datasetKey(config: DatasetConfig): string {
  const dist = config.distribution;
  const canonical = `v${GENERATOR_VERSION};${dist.kind};${relevantParams(dist)};seed=${config.seed};atoms=${config.atoms}`;
  const digest = createHash('sha256').update(canonical).digest('hex').slice(0, 12);
  return `${dist.kind}-${config.atoms}-s${config.seed}-${digest}`;
}
