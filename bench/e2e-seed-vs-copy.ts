/**
 * End to end, as users meet it: the real `atombench seed` process into a fresh database (start-up,
 * schema, generation, COPY, GiST, VACUUM ANALYZE, exit) against what a DBA would type: psql `\copy`
 * of the very same rows (files written beforehand, not timed) into the same tables with no index, then
 * the same primary keys, UNIQUE ContentHash, secondary indexes, foreign key and GiST index built, and
 * ANALYZE. The definitions are read from the catalog of a schema the engine created, so both sides
 * build exactly the same objects. Alternating order; peak RSS of the atombench process beside it, and
 * (ATOMBENCH_BENCH_SQLITE=1) the sqlite engine's seed of the same dataset for its time and peak RSS.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgisIds, seedSql } from '../src/engines/postgis/dialect.ts';
import { PostgisEngine } from '../src/engines/postgis/index.ts';
import { schemaPlan } from '../src/run/dataset.ts';
import { resolveNames } from '../src/scenario/names.ts';
import {
  atombench,
  BASE_CLI,
  e2eSkipReason,
  load1,
  timedProcess,
  writeScenario,
  type ProcessFigures,
} from './e2e-process.ts';
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
import { copyCommand, freshDatabase, writeCopyFiles } from './copy-side.ts';
import type { BenchModule } from './types.ts';

const DB = 'atombench_e2e_seed';

interface Ddl {
  /** Statements that strip the tables to bare heaps, in order. */
  drop: string[];
  /** Statements that build the same objects again, in order (keys, unique, indexes, foreign key). */
  build: string[];
}

/** The engine's schema in a fresh database, read back from the catalog as DDL. */
async function engineDdl(server: BenchServer, sc: ReturnType<typeof benchScenario>): Promise<Ddl> {
  freshDatabase(server, DB);
  const names = resolveNames(sc.names.preset, sc.names.overrides);
  const engine = new PostgisEngine({ url: server.urlFor(DB), dataset: sc.dataset, names, runNonce: 'bench' });
  await engine.connect();
  await engine.prepare(schemaPlan(sc), { allowDestructive: true, force: false });
  await engine.buildIndex(schemaPlan(sc)); // on empty tables: every key and index the engine builds
  await engine.close();
  const ids = postgisIds(names);
  const tables = `('${ids.atoms}'::regclass, '${ids.embeddings}'::regclass)`;
  const rows = (sql: string) =>
    server
      .psql(sql, DB)
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('|'));
  // Constraints: primary keys first, then unique, then foreign keys (they need the referenced key).
  const cons = rows(
    `SELECT conrelid::regclass, quote_ident(conname), pg_get_constraintdef(oid), contype FROM pg_constraint
     WHERE conrelid IN ${tables} AND contype IN ('p', 'u', 'f') ORDER BY array_position(ARRAY['p','u','f'], contype::text), conname`,
  );
  const indexes = rows(
    `SELECT quote_ident(i.relname), pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     WHERE x.indrelid IN ${tables} AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY 1`,
  );
  const drop = [
    ...[...cons].reverse().map(([t, n]) => `ALTER TABLE ${t} DROP CONSTRAINT ${n};`),
    ...indexes.map(([n]) => `DROP INDEX ${n};`),
  ];
  const build = [
    ...cons.filter((c) => c[3] !== 'f').map(([t, n, def]) => `ALTER TABLE ${t} ADD CONSTRAINT ${n} ${def};`),
    ...indexes.map(([, def]) => `${def};`),
    ...cons.filter((c) => c[3] === 'f').map(([t, n, def]) => `ALTER TABLE ${t} ADD CONSTRAINT ${n} ${def};`),
  ];
  return { drop, build };
}

/** psql: bare tables, \copy, the same keys and indexes, ANALYZE; timed as one psql process. */
async function copySide(
  server: BenchServer,
  sc: ReturnType<typeof benchScenario>,
  files: { atoms: string; embeddings: string },
  dir: string,
): Promise<ProcessFigures> {
  const ddl = await engineDdl(server, sc);
  const ids = postgisIds(resolveNames(sc.names.preset, sc.names.overrides));
  server.psql(ddl.drop.join('\n'), DB);
  server.psql('CHECKPOINT');
  const sql = seedSql(ids);
  const script = [
    copyCommand(sql.copyAtoms, files.atoms, 'binary'),
    copyCommand(sql.copyEmbeddings, files.embeddings, 'binary'),
    ...ddl.build,
    `ANALYZE ${ids.atoms};`,
    `ANALYZE ${ids.embeddings};`,
    '',
  ].join('\n');
  const file = join(dir, 'copy.sql');
  writeFileSync(file, script);
  const p = timedProcess(
    pgTool('psql')!,
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file, server.urlFor(DB)],
    process.env,
    dir,
  );
  if (p.status !== 0) throw new Error(`psql failed: ${p.stderr}`);
  return p;
}

/** `atombench seed` into a fresh database (the CLI creates the schema), timed as one process. */
function seedSide(server: BenchServer, scenarioFile: string, dir: string, cli?: string): ProcessFigures {
  freshDatabase(server, DB);
  const p = atombench(['seed', scenarioFile, '--no-progress', '--quiet'], dir, server.urlFor(DB), cli);
  if (p.status !== 0) throw new Error(`atombench seed exited ${p.status}: ${p.stderr}`);
  return p;
}

/** The sqlite engine's seed of the same dataset into a fresh file: time and peak RSS (no COPY to pair with). */
function sqliteSeed(scenarioFile: string, dir: string): ProcessFigures {
  const file = join(dir, `sqlite-${process.hrtime.bigint()}.db`);
  const p = atombench(
    ['seed', scenarioFile, '--engine', 'sqlite', '--url', `sqlite:${file}`, '--no-progress', '--quiet'],
    dir,
    '',
  );
  if (p.status !== 0) throw new Error(`atombench seed --engine sqlite exited ${p.status}: ${p.stderr}`);
  rmSync(file, { force: true });
  return p;
}

const WITH_SQLITE = process.env.ATOMBENCH_BENCH_SQLITE === '1';

export const e2eSeedVsCopy: BenchModule = {
  name: 'e2e: atombench seed (CLI process) vs psql \\copy + the same indexes + ANALYZE',
  skipReason: async () => e2eSkipReason() ?? (await postgisBenchSkipReason('psql')),
  async run(log) {
    const env = benchEnv();
    const server = await benchServer(env);
    const dir = mkdtempSync(join(tmpdir(), 'atombench-e2e-seed-'));
    try {
      const sc = benchScenario(env.atoms);
      const files = await writeCopyFiles(sc, dir, 'binary');
      const scenarioFile = writeScenario(dir, 'e2e-seed', {
        engine: 'postgis',
        dataset: { atoms: env.atoms, seed: 42 },
        workload: { mix: [{ op: 'spatial.knn', k: 10 }] },
      });
      log(
        `  ${env.atoms} atoms, binary COPY files written beforehand, ${env.reps} repetitions (alternating order)`,
      );
      const ratios: number[] = [];
      const rss: number[] = [];
      const sqlite = { sec: [] as number[], rss: [] as number[] };
      const base = { ratios: [] as number[], rss: [] as number[], cpu: [] as number[] };
      const cpu: number[] = [];
      for (let rep = 0; rep < env.reps; rep++) {
        const before = load1();
        const sides: { ours?: ProcessFigures; theirs?: ProcessFigures; base?: ProcessFigures } = {};
        const runs: (() => Promise<unknown> | unknown)[] = [
          async () => (sides.theirs = await copySide(server, sc, files, dir)),
          () => (sides.ours = seedSide(server, scenarioFile, dir)),
        ];
        if (BASE_CLI) runs.push(() => (sides.base = seedSide(server, scenarioFile, dir, BASE_CLI)));
        if (rep % 2) runs.reverse();
        for (const run of runs) await run();
        const ours = sides.ours!;
        const theirs = sides.theirs!;
        ratios.push(ours.wallSec / theirs.wallSec);
        rss.push(ours.maxRssMb);
        cpu.push(ours.cpuSec);
        let lite = '';
        if (WITH_SQLITE) {
          const s = sqliteSeed(scenarioFile, dir);
          sqlite.sec.push(s.wallSec);
          sqlite.rss.push(s.maxRssMb);
          lite = ` | sqlite seed ${fmt(s.wallSec, 1)} s, peak RSS ${fmt(s.maxRssMb, 0)} MB`;
        }
        const b = sides.base;
        if (b) {
          base.ratios.push(b.wallSec / theirs.wallSec);
          base.rss.push(b.maxRssMb);
          base.cpu.push(b.cpuSec);
        }
        log(
          `  rep ${rep + 1} (load ${before} -> ${load1()}): atombench seed ${fmt(ours.wallSec, 1)} s (cpu ${fmt(ours.cpuSec, 1)} s, ` +
            `peak RSS ${fmt(ours.maxRssMb, 0)} MB) | psql \\copy + indexes + ANALYZE ${fmt(theirs.wallSec, 1)} s | ratio ${fmt(ours.wallSec / theirs.wallSec)}${lite}` +
            (b
              ? ` | base seed ${fmt(b.wallSec, 1)} s (cpu ${fmt(b.cpuSec, 1)} s, ratio ${fmt(b.wallSec / theirs.wallSec)}, peak RSS ${fmt(b.maxRssMb, 0)} MB)`
              : ''),
        );
      }
      log(
        `  median ratio atombench seed / (\\copy + indexes + ANALYZE): ${fmt(median(ratios))} (goal <= 1.30); ` +
          `postgis seed cpu ${fmt(median(cpu), 2)} s, peak RSS ${fmt(median(rss), 0)} MB (goal <= 250)` +
          (WITH_SQLITE
            ? `; sqlite seed ${fmt(median(sqlite.sec), 1)} s, peak RSS ${fmt(median(sqlite.rss), 0)} MB`
            : ''),
      );
      if (base.ratios.length)
        log(
          `  base CLI (${BASE_CLI}): median ratio ${fmt(median(base.ratios))}, cpu ${fmt(median(base.cpu), 2)} s, peak RSS ${fmt(median(base.rss), 0)} MB`,
        );
      server.psql(`DROP DATABASE IF EXISTS ${DB}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await server.stop();
    }
  },
};
