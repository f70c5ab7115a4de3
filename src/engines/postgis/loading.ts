import { availableParallelism } from 'node:os';
import type pg from 'pg';
import type { StoredFingerprint } from '../../dataset/fingerprint.ts';
import { datasetRowBatches, type DatasetSource } from '../../dataset/stream.ts';
import type { RowBatch, SeedBatch } from '../../dataset/types.ts';
import type { ObjectNames } from '../../scenario/names.ts';
import type {
  FingerprintRequest,
  IndexBuildOutcome,
  SchemaPlan,
  SeedOutcome,
  SeedProgress,
} from '../types.ts';
import { buildIndex } from './after-load.ts';
import { onClients, openClient, scrubbing } from './connection.ts';
import type { CopyFormat } from './copy/copy-encode.ts';
import { postgisIds } from './dialect.ts';
import { storedFingerprint } from './safety/fingerprint.ts';
import { generatedBatches } from './copy/generator-threads.ts';
import { seedEncodedWithCopy, seedRowsWithCopy, seedWithCopy, type SeedStreams } from './copy/seeder.ts';

/**
 * The engine's dataset side that runs on connections beside the admin one: the seed's COPY streams,
 * the after-load build's second chain and the fingerprint's second scan. Each step opens its extra
 * connections, runs with errors scrubbed of the URL's secrets, and closes them whatever happens.
 */
export interface LoadingContext {
  url: string;
  admin: pg.Client;
  names: ObjectNames;
}

async function withExtraClients<T>(
  ctx: LoadingContext,
  count: number,
  fn: (extra: pg.Client[]) => Promise<T>,
): Promise<T> {
  const extra: pg.Client[] = [];
  try {
    for (let i = 0; i < count; i++) extra.push(await scrubbing(ctx.url, () => openClient(ctx.url)));
    // A failure on a connection the server ended says the server's reason (connection.ts).
    return await scrubbing(ctx.url, () => onClients([ctx.admin, ...extra], () => fn(extra)));
  } finally {
    await Promise.all(extra.map((c) => c.end().catch(() => {})));
  }
}

export interface SeedOptions {
  /** How seed batches travel in COPY (default binary). */
  copyFormat?: CopyFormat;
  /** Connections loading seed batches at once (default 2; commits stay in batch order). */
  seedConnections?: number;
  /** Worker threads generating the seed's rows (default DEFAULT_SEED_THREADS; 0: the main thread). */
  seedThreads?: number;
}

/**
 * Generator threads by default: 2, or 1 on a single core (README "Seed against COPY", 1M on 2 cores:
 * 1.13 x COPY with 2 threads, peak RSS 200-225 MB; ~1.30 x with 1, 148-179 MB).
 */
export const DEFAULT_SEED_THREADS = Math.min(2, availableParallelism());

/** The seed's streams: the admin connection and seedConnections - 1 more. */
function seedOn(
  ctx: LoadingContext,
  opts: SeedOptions,
  load: (streams: SeedStreams) => Promise<SeedOutcome>,
): Promise<SeedOutcome> {
  return withExtraClients(ctx, (opts.seedConnections ?? 2) - 1, (extra) =>
    load({ clients: [ctx.admin, ...extra], format: opts.copyFormat ?? 'binary' }),
  );
}

export function seedBatches(
  ctx: LoadingContext,
  opts: SeedOptions,
  batches: AsyncIterable<SeedBatch>,
  onProgress: (p: SeedProgress) => void,
  rowsTotal: number,
): Promise<SeedOutcome> {
  const ids = postgisIds(ctx.names);
  return seedOn(ctx, opts, (s) => seedWithCopy(s, ids, batches, onProgress, rowsTotal));
}

export function seedRowBatches(
  ctx: LoadingContext,
  opts: SeedOptions,
  batches: AsyncIterable<RowBatch>,
  onProgress: (p: SeedProgress) => void,
  rowsTotal: number,
): Promise<SeedOutcome> {
  const ids = postgisIds(ctx.names);
  return seedOn(ctx, opts, (s) => seedRowsWithCopy(s, ids, batches, onProgress, rowsTotal));
}

/**
 * The source's rows generated on opts.seedThreads worker threads (binary COPY only; text formats and
 * seedThreads 0 generate on the main thread, row by row).
 */
export function seedDataset(
  ctx: LoadingContext,
  opts: SeedOptions,
  source: DatasetSource,
  onProgress: (p: SeedProgress) => void,
  rowsTotal: number,
): Promise<SeedOutcome> {
  const threads = opts.seedThreads ?? DEFAULT_SEED_THREADS;
  if (threads < 1 || (opts.copyFormat ?? 'binary') !== 'binary') {
    const range = { startIndex: source.startIndex, signal: source.signal };
    return seedRowBatches(
      ctx,
      opts,
      datasetRowBatches(source.config, source.checksum, range),
      onProgress,
      rowsTotal,
    );
  }
  const ids = postgisIds(ctx.names);
  return seedOn(ctx, opts, (s) =>
    seedEncodedWithCopy(s, ids, generatedBatches(source, threads), onProgress, rowsTotal),
  );
}

/**
 * after-load.ts on two connections: a second one builds the embeddings' indexes beside the atoms' key;
 * with `fingerprint`, the stored fingerprint is read on both beside the foreign key's validation.
 */
export function buildAfterLoad(
  ctx: LoadingContext,
  plan: SchemaPlan,
  fingerprint?: FingerprintRequest,
): Promise<IndexBuildOutcome> {
  return withExtraClients(ctx, 1, ([other]) =>
    buildIndex(
      ctx.admin,
      plan,
      other,
      fingerprint && ((c, o) => storedFingerprint(c, ctx.names, fingerprint, o)),
    ),
  );
}

/** The stored fingerprint's two scans side by side, on the admin connection and one more. */
export function fingerprintStored(ctx: LoadingContext, req: FingerprintRequest): Promise<StoredFingerprint> {
  return withExtraClients(ctx, 1, ([other]) => storedFingerprint(ctx.admin, ctx.names, req, other));
}
