/**
 * Streamed, resumable seeding over TDS bulk load. One transaction per batch on one pinned connection:
 *   1. (plain batch) create #atombench_seed              4. native: bulk the embeddings into the table,
 *   2. bulk the batch's atoms into it                       geometry as native bytes (seed-rows.ts)
 *   3. INSERT the atoms with their AtomIds                  staging: INSERT ... SELECT geometry::Point
 *                                                       5. AtombenchMeta.SeededRows = last AtomId
 * so a batch is all or nothing, and an interrupted seed resumes after the last committed batch.
 * The bulk into the embeddings table checks constraints, so the foreign key to the atoms stays trusted.
 * The spatial index is built after the load (index.ts buildIndex), not maintained row by row.
 */
import sql from 'mssql';
import type { SeedBatch } from '../../../dataset/types.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import type { SeedOutcome, SeedProgress } from '../../types.ts';
import { updateMetaQuery } from '../sql/catalog.ts';
import {
  embeddingBulkTable,
  insertAtomsFromStageSql,
  insertEmbeddingsFromStageSql,
  stageTable,
  stageTableDdl,
  type SeedMode,
} from './seed-rows.ts';
import { batch as runBatch, exec } from '../sql/statement.ts';

export interface SeedContext {
  pool: sql.ConnectionPool;
  names: ObjectNames;
  mode: SeedMode;
}

async function seedOne(ctx: SeedContext, b: SeedBatch): Promise<void> {
  const last = b.records[b.records.length - 1]!;
  const tx = new sql.Transaction(ctx.pool);
  await tx.begin();
  try {
    await runBatch(tx, stageTableDdl(ctx.mode));
    await new sql.Request(tx).bulk(stageTable(b.records, ctx.mode));
    const copy = [insertAtomsFromStageSql(ctx.names)];
    if (ctx.mode === 'staging') copy.push(insertEmbeddingsFromStageSql(ctx.names));
    await exec(tx, { text: copy.join('\n'), params: [] });
    if (ctx.mode === 'native')
      await new sql.Request(tx).bulk(embeddingBulkTable(ctx.names, b.records), { checkConstraints: true });
    await exec(tx, updateMetaQuery(ctx.names.schema, { SeededRows: last.atomId }));
    await tx.commit();
  } catch (e) {
    await tx.rollback().catch(() => undefined);
    throw e;
  }
}

export async function seedBatches(
  ctx: SeedContext,
  batches: AsyncIterable<SeedBatch>,
  onProgress: (p: SeedProgress) => void,
  rowsTotal: number,
): Promise<SeedOutcome> {
  const started = performance.now();
  let inserted = 0;
  let expected: number | undefined;
  for await (const b of batches) {
    if (b.records.length === 0) continue;
    if (expected !== undefined && b.startIndex !== expected)
      throw new Error(`seed batches out of order: expected row ${expected}, got ${b.startIndex}`);
    b.records.forEach((r, i) => {
      if (r.atomId !== b.startIndex + i + 1)
        throw new Error(
          `seed row ${b.startIndex + i} has AtomId ${r.atomId}, expected ${b.startIndex + i + 1}`,
        );
    });
    await seedOne(ctx, b);
    inserted += b.records.length;
    expected = b.startIndex + b.records.length;
    onProgress({ rowsDone: expected, rowsTotal });
  }
  return { rowsInserted: inserted, durationMs: performance.now() - started };
}
