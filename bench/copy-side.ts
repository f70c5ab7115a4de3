/**
 * The COPY side both seed benchmarks share: the rows exactly as the engine sends them written to files
 * beforehand (not timed), a fresh database, and the psql `\copy` line of one of the engine's COPY
 * statements reading such a file.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { datasetBatches } from '../src/dataset/stream.ts';
import { batchEncoding, type CopyFormat } from '../src/engines/postgis/copy/copy-encode.ts';
import type { Scenario } from '../src/scenario/schema.ts';
import type { BenchServer } from './postgis-common.ts';

/** The rows exactly as the engine sends them (same encoder), in two files. */
export async function writeCopyFiles(
  sc: Scenario,
  dir: string,
  format: CopyFormat,
): Promise<{ atoms: string; embeddings: string }> {
  const enc = batchEncoding(format);
  const files = { atoms: join(dir, 'atoms.copy'), embeddings: join(dir, 'embeddings.copy') };
  const a = createWriteStream(files.atoms);
  const e = createWriteStream(files.embeddings);
  for await (const b of datasetBatches(sc.dataset)) {
    // Listen for both drains before waiting on either: one may fire while we wait for the other.
    const waits = [];
    // Binary COPY data is one header, the tuples, one trailer: a file holds one stream, so the per-batch
    // header (19 bytes) and trailer (2 bytes) are cut from all batches but the first and last.
    if (!a.write(frame(enc.atoms(b.records), format, b, sc))) waits.push(once(a, 'drain'));
    if (!e.write(frame(enc.embeddings(b.records), format, b, sc))) waits.push(once(e, 'drain'));
    await Promise.all(waits);
  }
  a.end();
  e.end();
  await Promise.all([once(a, 'close'), once(e, 'close')]);
  return files;
}

function frame(
  data: Buffer | string,
  format: CopyFormat,
  b: { startIndex: number; records: unknown[] },
  sc: Scenario,
): Buffer | string {
  if (format !== 'binary' || typeof data === 'string') return data;
  const first = b.startIndex === 0;
  const last = b.startIndex + b.records.length === sc.dataset.atoms;
  return data.subarray(first ? 0 : 19, last ? data.length : data.length - 2);
}

/** An empty database `db` with PostGIS, after a CHECKPOINT (neither side pays for the other's dirty buffers). */
export function freshDatabase(server: BenchServer, db: string): void {
  server.psql(`DROP DATABASE IF EXISTS ${db}`);
  server.psql(`CREATE DATABASE ${db}`);
  server.psql('CREATE EXTENSION postgis', db);
  server.psql('CHECKPOINT');
}

/** psql's `\copy` of one of the engine's COPY statements from a file: the statement minus its keyword, on one line. */
export function copyCommand(stmt: string, file: string, format: CopyFormat): string {
  const opts = batchEncoding(format).copyOptions;
  return `\\copy ${stmt
    .replace(/\s+/g, ' ')
    .replace(/^COPY /, '')
    .replace('FROM STDIN', `FROM '${file}'${opts}`)}`;
}
