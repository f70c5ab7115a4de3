/**
 * The seed's rows generated off the main thread: `threads` workers (generator-worker.ts) each generate
 * and encode whole batches, asked for round robin and taken back in row order, a few batches ahead. The
 * main thread is left with hashing the checksum bytes (in order: the same digest as row by row) and
 * writing COPY data to the sockets, so the client's generation no longer bounds the load on its own.
 */
import { Worker } from 'node:worker_threads';
import { batchRangeList, type DatasetSource } from '../../../dataset/stream.ts';
import type { DatasetConfig } from '../../../dataset/distributions.ts';
import { workerEntries, type WorkerEntry } from '../../worker-entry.ts';
import type { EncodedBatch } from './seeder.ts';

export interface GenerateRequest {
  kind: 'generate';
  id: number;
  first: number;
  rows: number;
}

/** A batch's buffers, done with, transferred back to the thread that made them (it writes into them again). */
export interface GiveBack {
  kind: 'give-back';
  memory: { atoms: ArrayBuffer; embeddings: ArrayBuffer; checksum: ArrayBuffer };
}

export type GenerateReply =
  | { id: number; atoms: Uint8Array; embeddings: Uint8Array; checksum: Uint8Array; error?: undefined }
  | { id: number; error: string };

/** A batch as a generator thread gives it back: both COPY streams and its rows' checksum bytes. */
export interface GeneratedBatch extends EncodedBatch {
  atoms: Buffer;
  embeddings: Buffer;
  /** The rows in the dataset checksum's encoding (dataset/checksum.ts EncodedChecksumRows). */
  checksum: Buffer;
  /**
   * Hands the three buffers back to their thread (detached here): call it once nothing reads them any
   * more, the COPY acknowledged. Without it they are garbage collected as usual.
   */
  release(): void;
}

const SOURCE = new URL(
  `./generator-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);
const generatorEntries = workerEntries(SOURCE, 'postgis-generator');

/**
 * Batches asked for per thread before the oldest is taken (memory: ~6 MB per 10k-row batch). 1M, 2
 * threads: 2 ahead peaked at 213-245 MB RSS, 1 ahead at 210-218 MB with the same load time (8.5-9.3 s).
 */
const AHEAD_PER_THREAD = 1;

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** One worker; its answers come back in the order asked (the worker handles one message at a time). */
class GeneratorThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<
    number,
    { req: GenerateRequest; resolve(b: GeneratedBatch): void; reject(e: Error): void }
  >();
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  constructor(entry: WorkerEntry, config: DatasetConfig) {
    this.worker = new Worker(entry.file, { workerData: { ...entry.data, config } });
    this.worker.on('message', (m: GenerateReply) => this.answer(m));
    this.worker.on('error', (e) => this.fail(new Error(`seed generator thread failed: ${e.message}`)));
    this.worker.on('messageerror', (e) =>
      this.fail(new Error(`seed generator thread: a reply could not be read: ${e.message}`)),
    );
    this.worker.on('exit', (code) => this.fail(new Error(`seed generator thread exited (code ${code})`)));
  }

  generate(first: number, rows: number): Promise<GeneratedBatch> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const req: GenerateRequest = { kind: 'generate', id, first, rows };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { req, resolve, reject });
      this.worker.postMessage(req);
    });
  }

  terminate(): Promise<number> {
    this.closing = true;
    return this.worker.terminate();
  }

  private answer(m: GenerateReply): void {
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    const { req } = w;
    if (m.error !== undefined) return w.reject(new Error(`seed generator thread: ${m.error}`));
    const memory = { atoms: m.atoms.buffer, embeddings: m.embeddings.buffer, checksum: m.checksum.buffer };
    let released = false;
    w.resolve({
      startIndex: req.first,
      rows: req.rows,
      atoms: asBuffer(m.atoms),
      embeddings: asBuffer(m.embeddings),
      checksum: asBuffer(m.checksum),
      release: () => {
        if (released || this.closing || this.failure) return;
        released = true;
        const back: GiveBack = { kind: 'give-back', memory: memory as GiveBack['memory'] };
        this.worker.postMessage(back, [memory.atoms, memory.embeddings, memory.checksum] as ArrayBuffer[]);
      },
    });
  }

  private fail(e: Error): void {
    if (this.closing) return;
    this.failure ??= e;
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
  }
}

/**
 * The source's batches (from its startIndex, config.batchSize rows each) generated on `threads` worker
 * threads, yielded in row order, each hashed into source.checksum before it is yielded. It stops at the
 * next batch once source.signal is aborted (throwing its reason) and ends the threads whatever happens.
 * `entry` is what the threads start (generator-worker.ts; the tests start one that fails on purpose).
 */
export async function* generatedBatches(
  source: DatasetSource,
  threads: number,
  entry: () => Promise<WorkerEntry> = generatorEntries.entry,
): AsyncGenerator<GeneratedBatch> {
  const ranges = batchRangeList(source.config, { startIndex: source.startIndex });
  source.signal?.throwIfAborted();
  if (!ranges.length) return;
  const from = await entry();
  // No more threads than batches (a small dataset, a resumed seed near its end).
  const count = Math.min(Math.max(1, threads), ranges.length);
  const pool: GeneratorThread[] = [];
  const asked: Promise<GeneratedBatch>[] = [];
  let next = 0;
  const ask = () => {
    while (next < ranges.length && asked.length < AHEAD_PER_THREAD * pool.length) {
      const { first, rows } = ranges[next]!;
      const p = pool[next % pool.length]!.generate(first, rows);
      p.catch(() => {}); // awaited in order below; a batch given up on must not be an unhandled rejection
      asked.push(p);
      next++;
    }
  };
  try {
    // Started in the try: a thread that cannot start still ends the ones started before it.
    while (pool.length < count) pool.push(new GeneratorThread(from, source.config));
    ask();
    while (asked.length) {
      source.signal?.throwIfAborted();
      const batch = await asked.shift()!;
      source.checksum.updateEncoded(batch.startIndex, batch.rows, batch.checksum);
      ask();
      yield batch;
    }
  } finally {
    await Promise.all(pool.map((t) => t.terminate()));
  }
}
