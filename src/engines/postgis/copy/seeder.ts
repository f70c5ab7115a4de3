import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { RowBatch, SeedBatch } from '../../../dataset/types.ts';
import type { SeedOutcome, SeedProgress } from '../../types.ts';
import { batchEncoding, type BatchEncoding, type CopyFormat } from './copy-encode.ts';
import { onClients } from '../connection.ts';
import { seedSql, type PostgisIds } from '../dialect.ts';

/** COPY data is handed to the socket in chunks of about this size (bounded memory per write). */
const CHUNK = 1 << 20;

async function copyIn(c: pg.ClientBase, sql: string, data: Buffer | string): Promise<void> {
  const stream = c.query(copyFrom(sql));
  const done = once(stream, 'finish');
  // The server may refuse the data while it is still being written (an ERROR mid-COPY: bad data, disk
  // full, a timeout): the stream's 'error' then rejects the drain wait below, which throws, and this
  // promise too, which nothing would await: observed here, so it is not an unhandled rejection (exit 1).
  done.catch(() => {});
  for (let at = 0; at < data.length; at += CHUNK) {
    const chunk = typeof data === 'string' ? data.slice(at, at + CHUNK) : data.subarray(at, at + CHUNK);
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
  stream.end();
  await done; // pg-copy-streams emits 'finish' once the server acknowledged the COPY
}

/** A batch as COPY data: what a batch in flight holds (not its records). */
export interface EncodedBatch {
  startIndex: number;
  rows: number;
  atoms: Buffer | string;
  embeddings: Buffer | string;
  /** Called once both COPYs were acknowledged: the data is not read again (its memory may be reused). */
  release?(): void;
}

export interface SeedStreams {
  /** Connections loading batches at once (each its own transaction). */
  clients: pg.ClientBase[];
  format: CopyFormat;
}

/**
 * Stream the batches into the tables: one transaction per batch (COPY its atoms, COPY their
 * embeddings, COMMIT), so an interrupted seed keeps whole batches only and the stored AtomIds stay
 * dense from 1 — the next seed resumes after them.
 *
 * With two connections, batch i+1 is copied while batch i is (the server loads on two backends, and the
 * client generates and encodes the next batch meanwhile), but a batch commits only after the batch
 * before it committed: if anything fails, the batches after the failed one roll back, so what is stored
 * is always a prefix of the dataset. A generator failure (Ctrl-C) lets the batches in flight commit.
 */
export function seedWithCopy(
  streams: SeedStreams,
  ids: PostgisIds,
  batches: AsyncIterable<SeedBatch>,
  onProgress: (p: SeedProgress) => void,
  rowsTotal: number,
): Promise<SeedOutcome> {
  // Encoded at once: the records die young (a scavenge frees them) instead of living on the heap
  // while the batch waits for a connection and for the commits before it (peak RSS).
  const encode = async function* (enc: BatchEncoding): AsyncGenerator<EncodedBatch> {
    for await (const b of batches)
      yield {
        startIndex: b.startIndex,
        rows: b.records.length,
        atoms: enc.atoms(b.records),
        embeddings: enc.embeddings(b.records),
      };
  };
  return seedEncoded(streams, ids, encode, onProgress, rowsTotal);
}

/** seedWithCopy from lazy batches: each row is written to both COPY streams as it is generated. */
export function seedRowsWithCopy(
  streams: SeedStreams,
  ids: PostgisIds,
  batches: AsyncIterable<RowBatch>,
  onProgress: (p: SeedProgress) => void,
  rowsTotal: number,
): Promise<SeedOutcome> {
  const encode = async function* (enc: BatchEncoding): AsyncGenerator<EncodedBatch> {
    for await (const b of batches) yield { startIndex: b.startIndex, rows: b.rows, ...enc.rowBatch(b) };
  };
  return seedEncoded(streams, ids, encode, onProgress, rowsTotal);
}

/** seedWithCopy from batches encoded already, in streams.format (generator-threads.ts: binary). */
export function seedEncodedWithCopy(
  streams: SeedStreams,
  ids: PostgisIds,
  batches: AsyncIterable<EncodedBatch>,
  onProgress: (p: SeedProgress) => void,
  rowsTotal: number,
): Promise<SeedOutcome> {
  return seedEncoded(streams, ids, () => batches, onProgress, rowsTotal);
}

async function seedEncoded(
  streams: SeedStreams,
  ids: PostgisIds,
  encoded: (enc: BatchEncoding) => AsyncIterable<EncodedBatch>,
  onProgress: (p: SeedProgress) => void,
  rowsTotal: number,
): Promise<SeedOutcome> {
  const sql = seedSql(ids);
  const enc = batchEncoding(streams.format);
  const copyAtoms = sql.copyAtoms + enc.copyOptions;
  const copyEmbeddings = sql.copyEmbeddings + enc.copyOptions;
  const started = performance.now();
  const idle = [...streams.clients];
  const freed: (() => void)[] = [];
  let inserted = 0;
  let previous: Promise<void> = Promise.resolve();
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();

  // A connection the server ended fails its next call with pg's words only: the server's reason instead.
  const load = (c: pg.ClientBase, job: EncodedBatch, before: Promise<void>): Promise<void> =>
    onClients([c], () => loadOn(c, job, before));
  const loadOn = async (c: pg.ClientBase, job: EncodedBatch, before: Promise<void>): Promise<void> => {
    const { atoms, embeddings } = job;
    await c.query('BEGIN');
    try {
      // A batch's commit need not wait for its WAL flush: WAL is replayed in order, so after a crash
      // the stored batches are still a prefix (resume works), and markSeeded's ordinary commit makes
      // the whole load durable. Only this transaction is affected.
      await c.query('SET LOCAL synchronous_commit = off');
      await copyIn(c, copyAtoms, atoms);
      await copyIn(c, copyEmbeddings, embeddings);
      job.release?.();
      await before; // commit in batch order; rejects if an earlier batch failed
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    }
    inserted += job.rows;
    onProgress({ rowsDone: job.startIndex + job.rows, rowsTotal });
  };

  const acquire = async (): Promise<pg.ClientBase> => {
    while (!idle.length) await new Promise<void>((r) => freed.push(r));
    return idle.pop()!;
  };

  try {
    for await (const job of encoded(enc)) {
      const c = await acquire();
      if (failure) break;
      const p = load(c, job, previous);
      previous = p;
      inFlight.add(p);
      p.catch((e) => (failure ??= e)).finally(() => {
        inFlight.delete(p);
        idle.push(c);
        freed.shift()?.();
      });
    }
  } finally {
    // Whether the batches ran out or the generator threw: let the batches in flight end (in order).
    await Promise.allSettled([...inFlight]);
  }
  if (failure) throw failure;
  return { rowsInserted: inserted, durationMs: performance.now() - started };
}
