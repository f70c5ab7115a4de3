/**
 * Seeding cost on a real server: the engine's seed() (rows generated on the fly, encoded, one COPY per
 * table per batch, a commit per batch) against psql `\copy` of the same rows from files written
 * beforehand (the generation is not timed on that side). Both load into the same fresh schema (created
 * by the engine's prepare: primary keys only) after a CHECKPOINT, alternating which goes first. The
 * keys, secondary indexes and GiST index come after the load on both sides and are not timed here (the
 * e2e seed bench times them).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetBatches } from '../src/dataset/stream.ts';
import { batchEncoding, COPY_FORMATS, type CopyFormat } from '../src/engines/postgis/copy-encode.ts';
import { postgisIds, seedSql } from '../src/engines/postgis/dialect.ts';
import { PostgisEngine } from '../src/engines/postgis/index.ts';
import { schemaPlan } from '../src/run/dataset.ts';
import { resolveNames } from '../src/scenario/names.ts';
import type { Scenario } from '../src/scenario/schema.ts';
import {
  benchEnv,
  benchScenario,
  benchServer,
  fmt,
  median,
  pgTool,
  postgisBenchSkipReason,
  type BenchServer,
} from './postgis-common.ts';
import type { BenchModule } from './types.ts';

const DB = 'atombench_seedbench';
/** The engine's seed connections (default: the engine's own default, 2); 1 shows the single-stream cost. */
const SEED_CONNECTIONS = process.env.ATOMBENCH_BENCH_SEED_CONNECTIONS
  ? Number(process.env.ATOMBENCH_BENCH_SEED_CONNECTIONS)
  : undefined;

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

/** A fresh database with the engine's schema and nothing in it, and the engine connected to it. */
async function freshDatabase(server: BenchServer, sc: Scenario, format: CopyFormat): Promise<PostgisEngine> {
  server.psql(`DROP DATABASE IF EXISTS ${DB}`);
  server.psql(`CREATE DATABASE ${DB}`);
  server.psql('CREATE EXTENSION postgis', DB);
  const engine = new PostgisEngine({
    url: server.urlFor(DB),
    dataset: sc.dataset,
    names: resolveNames(sc.names.preset, sc.names.overrides),
    runNonce: 'bench',
    copyFormat: format,
    seedConnections: SEED_CONNECTIONS,
  });
  await engine.connect();
  await engine.prepare(schemaPlan(sc), { allowDestructive: true, force: false });
  // Neither side pays for the other's dirty buffers.
  server.psql('CHECKPOINT');
  return engine;
}

async function engineSeed(server: BenchServer, sc: Scenario, format: CopyFormat): Promise<number> {
  const engine = await freshDatabase(server, sc, format);
  try {
    const out = await engine.seed(datasetBatches(sc.dataset), () => {}, sc.dataset.atoms);
    if (out.rowsInserted !== sc.dataset.atoms) throw new Error(`seed inserted ${out.rowsInserted} rows`);
    return out.durationMs;
  } finally {
    await engine.close();
  }
}

async function psqlCopy(
  server: BenchServer,
  sc: Scenario,
  files: { atoms: string; embeddings: string },
  format: CopyFormat,
): Promise<number> {
  const engine = await freshDatabase(server, sc, format);
  await engine.close();
  const sql = seedSql(postgisIds(resolveNames(sc.names.preset, sc.names.overrides)));
  // \copy takes the COPY statement minus its keyword, on one line; each \copy commits on its own.
  const opts = batchEncoding(format).copyOptions;
  const line = (copy: string, file: string) =>
    `\\copy ${copy
      .replace(/\s+/g, ' ')
      .replace(/^COPY /, '')
      .replace('FROM STDIN', `FROM '${file}'${opts}`)}`;
  const script = `${line(sql.copyAtoms, files.atoms)}\n${line(sql.copyEmbeddings, files.embeddings)}\n`;
  const t0 = performance.now();
  const r = spawnSync(pgTool('psql')!, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', server.urlFor(DB)], {
    input: script,
    encoding: 'utf8',
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`psql \\copy failed: ${r.stderr}`);
  return ms;
}

export const postgisSeedVsCopy: BenchModule = {
  name: 'postgis: seeding through the engine vs psql \\copy of the same rows',
  skipReason: () => postgisBenchSkipReason('psql'),
  async run(log) {
    const env = benchEnv();
    const format = (process.env.ATOMBENCH_BENCH_COPY_FORMAT ?? 'binary') as CopyFormat;
    if (!COPY_FORMATS.includes(format))
      throw new Error(`ATOMBENCH_BENCH_COPY_FORMAT: one of ${COPY_FORMATS.join(', ')}`);
    const server = await benchServer(env);
    const dir = mkdtempSync(join(tmpdir(), 'atombench-copy-'));
    try {
      const sc = benchScenario(env.atoms);
      const files = await writeCopyFiles(sc, dir, format);
      log(
        `  ${env.atoms} atoms (batches of ${sc.dataset.batchSize}, ${format} COPY, ${SEED_CONNECTIONS ?? 2} seed connection(s)), ${env.reps} repetitions (alternating order)`,
      );
      const ratios: number[] = [];
      for (let rep = 0; rep < env.reps; rep++) {
        let seedMs: number;
        let copyMs: number;
        if (rep % 2 === 0) {
          copyMs = await psqlCopy(server, sc, files, format);
          seedMs = await engineSeed(server, sc, format);
        } else {
          seedMs = await engineSeed(server, sc, format);
          copyMs = await psqlCopy(server, sc, files, format);
        }
        ratios.push(seedMs / copyMs);
        log(
          `  rep ${rep + 1}: engine seed() ${fmt(seedMs / 1000, 1)} s | psql \\copy ${fmt(copyMs / 1000, 1)} s | ratio ${fmt(seedMs / copyMs)}`,
        );
      }
      log(`  median ratio seed()/\\copy time: ${fmt(median(ratios))} (ceiling 1.30)`);
      server.psql(`DROP DATABASE IF EXISTS ${DB}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await server.stop();
    }
  },
};
