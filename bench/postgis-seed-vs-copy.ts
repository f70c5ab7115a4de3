/**
 * Seeding cost on a real server: the engine's seed() (rows generated on the fly, encoded, one COPY per
 * table per batch, a commit per batch) against psql `\copy` of the same rows from files written
 * beforehand (the generation is not timed on that side). Both load into the same fresh schema (created
 * by the engine's prepare: primary keys only) after a CHECKPOINT, alternating which goes first. The
 * keys, secondary indexes and GiST index come after the load on both sides and are not timed here (the
 * e2e seed bench times them).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetBatches } from '../src/dataset/stream.ts';
import { COPY_FORMATS, type CopyFormat } from '../src/engines/postgis/copy/copy-encode.ts';
import { postgisIds, seedSql } from '../src/engines/postgis/dialect.ts';
import { PostgisEngine } from '../src/engines/postgis/index.ts';
import { schemaPlan } from '../src/run/dataset.ts';
import { resolveNames } from '../src/scenario/names.ts';
import type { Scenario } from '../src/scenario/schema.ts';
import { copyCommand, freshDatabase, writeCopyFiles } from './copy-side.ts';
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

/** A fresh database with the engine's schema and nothing in it, and the engine connected to it. */
async function emptySchema(server: BenchServer, sc: Scenario, format: CopyFormat): Promise<PostgisEngine> {
  freshDatabase(server, DB);
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
  server.psql('CHECKPOINT'); // again: the schema's own writes
  return engine;
}

async function engineSeed(server: BenchServer, sc: Scenario, format: CopyFormat): Promise<number> {
  const engine = await emptySchema(server, sc, format);
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
  const engine = await emptySchema(server, sc, format);
  await engine.close();
  const sql = seedSql(postgisIds(resolveNames(sc.names.preset, sc.names.overrides)));
  // Each \copy commits on its own.
  const script = `${copyCommand(sql.copyAtoms, files.atoms, format)}\n${copyCommand(sql.copyEmbeddings, files.embeddings, format)}\n`;
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
