import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecordFactory } from '../src/dataset/records.ts';
import { datasetBatches } from '../src/dataset/stream.ts';
import { openSqlite } from '../src/engines/sqlite/connection.ts';
import {
  seedAtomParams,
  seedEmbeddingParams,
  seedSql,
  sqliteIdentifiers,
  sqliteTemplateNames,
} from '../src/engines/sqlite/dialect.ts';
import { SqliteEngine } from '../src/engines/sqlite/index.ts';
import { quoteDouble, renderSqlFile } from '../src/engines/sql-template.ts';
import { schemaPlan } from '../src/run/dataset.ts';
import { validateScenario } from '../src/scenario/load.ts';
import type { BenchModule } from './types.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/**
 * Embedded seeding through the engine (streamed batches, progress, resumable) against the plainest
 * loop that inserts the same rows: one better-sqlite3 transaction per batch, nothing else. Both
 * generate the rows, so the ratio is the pipeline's own overhead.
 */
export const embeddedSeeding: BenchModule = {
  name: 'embedded seeding vs a raw better-sqlite3 insert loop',
  async run(log) {
    const atoms = Number(process.env.ATOMBENCH_BENCH_ATOMS ?? 200_000);
    const reps = Number(process.env.ATOMBENCH_BENCH_REPS ?? 3);
    const { scenario } = validateScenario({
      dataset: { atoms, seed: 5 },
      workload: { mix: [{ op: 'spatial.knn' }] },
    });
    const sc = scenario!;
    const plan = schemaPlan(sc);
    const engineTimes: number[] = [];
    const rawTimes: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const dir = mkdtempSync(join(tmpdir(), 'atombench-bench-'));
      try {
        const engine = new SqliteEngine({ path: join(dir, 'e.sqlite'), dataset: sc.dataset, runNonce: 'b' });
        await engine.connect();
        await engine.prepare(plan, { allowDestructive: true, force: false });
        const t0 = performance.now();
        await engine.seed(datasetBatches(sc.dataset), () => {}, atoms);
        engineTimes.push(performance.now() - t0);
        await engine.close();

        const db = openSqlite(join(dir, 'raw.sqlite'));
        db.exec(renderSqlFile('sqlite', 'schema.sql', sqliteTemplateNames(plan.names), quoteDouble));
        const sql = seedSql(sqliteIdentifiers(plan.names));
        const atom = db.prepare(sql.atom);
        const emb = db.prepare(sql.embedding);
        const factory = createRecordFactory(sc.dataset);
        const t1 = performance.now();
        for (let at = 0; at < atoms; at += sc.dataset.batchSize) {
          db.transaction(() => {
            for (let i = at; i < Math.min(atoms, at + sc.dataset.batchSize); i++) {
              const r = factory(i);
              atom.run(...seedAtomParams(r));
              emb.run(...seedEmbeddingParams(r));
            }
          })();
        }
        rawTimes.push(performance.now() - t1);
        db.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const e = median(engineTimes);
    const r = median(rawTimes);
    log(
      `  ${atoms} atoms, median of ${reps}: atombench ${(atoms / (e / 1000)).toFixed(0)} rows/s, raw loop ${(atoms / (r / 1000)).toFixed(0)} rows/s`,
    );
    log(`  ratio atombench/raw throughput: ${(r / e).toFixed(3)} (1.0 = no pipeline overhead)`);
  },
};
