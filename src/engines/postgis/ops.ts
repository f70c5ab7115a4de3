import { createRequire } from 'node:module';
import type { AtomRecord, Point3 } from '../../dataset/types.ts';
import type { OperationRequest, OperationResult } from '../types.ts';
import { ingestSql, spatialSql, type PoolVariant, type PostgisIds, type SpatialSql } from './dialect.ts';
import type { WireParam } from './wire/frames.ts';
import type { WirePool } from './wire/pool.ts';

type Walk = Extract<OperationRequest, { op: 'spatial.walk' }>;

/** pg's own conversion of a JS value to a parameter (arrays to array literals, Buffers as binary, ...). */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as {
  prepareValue(v: unknown): WireParam;
};

/**
 * The workload operations on the load's connection pool (the lean client, wire/: src/engines/postgis
 * README says why not pg's). Every statement is a named prepared statement, parsed once per connection
 * as pgbench -M prepared does; the spatial operations count their rows, and the server sends the same
 * rows either way.
 */
export class PostgisOps {
  private readonly s: SpatialSql;
  private readonly ingestText: string;

  constructor(
    private readonly pool: WirePool,
    ids: PostgisIds,
    variant: PoolVariant,
    private readonly makeIngest: (ingestIndex: number) => AtomRecord,
  ) {
    this.s = spatialSql(ids, variant);
    this.ingestText = ingestSql(ids);
  }

  run(req: OperationRequest): Promise<OperationResult> {
    switch (req.op) {
      case 'spatial.pool':
        return this.count('ab_pool', this.s.pool, [req.q.x, req.q.y, req.radius, req.pool]);
      case 'spatial.knn':
        return this.count('ab_knn', this.s.knn, [req.q.x, req.q.y, req.k]);
      case 'spatial.dedup':
        return this.count('ab_dedup', this.s.dedup, [req.q.x, req.q.y, req.threshold]);
      case 'spatial.walk':
        return this.walk(req);
      case 'ingest':
        return this.ingest(req.batchSize, req.firstIngestIndex);
    }
  }

  /** Numbers as the text PostgreSQL parses: JS's shortest exact decimal. */
  private async count(name: string, text: string, values: number[]): Promise<OperationResult> {
    const params = values.map(String);
    const r = await this.pool.with((c) => c.query(name, text, params));
    return { rows: r.count, queries: 1 };
  }

  /**
   * A chain of small pool queries on one connection (as the application's loop runs them): from the
   * current point move to the pooled atom nearest the goal; stop when that is no nearer than where the
   * walk already is (the same rule as the embedded engine and the contract's brute force).
   */
  private walk(req: Walk): Promise<OperationResult> {
    return this.pool.with(async (c) => {
      let cur: Point3 = req.q;
      let best = dist2(cur, req.goal);
      let visited = 0;
      let queries = 0;
      for (let step = 0; step < req.steps; step++) {
        queries++;
        const params = [cur.x, cur.y, req.radius, req.pool, req.goal.x, req.goal.y].map(String);
        const r = await c.query('ab_walk', this.s.walkStep, params, true);
        const row = r.rows?.[0];
        if (!row) break;
        const next = { x: Number(row[0]), y: Number(row[1]), z: Number(row[2]) };
        const d = dist2(next, req.goal);
        if (!(d < best)) break; // no progress: the walk has arrived as near as the data allows
        best = d;
        cur = next;
        visited++;
      }
      return { rows: visited, queries };
    });
  }

  /** A batch of new atoms in one statement: upsert on ContentHash, an embedding per inserted atom. */
  private async ingest(batchSize: number, first: number): Promise<OperationResult> {
    const cols: unknown[][] = Array.from({ length: 19 }, () => new Array<unknown>(batchSize));
    for (let i = 0; i < batchSize; i++) {
      const r = this.makeIngest(first + i);
      const v = [
        r.contentHash,
        r.tenantId,
        r.modality,
        r.subtype,
        r.contentType,
        r.sourceUri,
        r.canonicalText,
        r.metadata,
        r.referenceCount,
        r.modelId,
        r.embeddingType,
        r.dimension,
        r.point.x,
        r.point.y,
        r.point.z,
        r.bucketX,
        r.bucketY,
        r.bucketZ,
        r.hilbertValue,
      ];
      for (let c = 0; c < v.length; c++) cols[c]![i] = v[c];
    }
    const params = cols.map((col) => prepareValue(col));
    const r = await this.pool.with((c) => c.query('ab_ingest', this.ingestText, params));
    return { rows: r.affected ?? 0, queries: 1 };
  }
}

function dist2(a: Point3, b: Point3): number {
  return (a.x - b.x) ** 2 + (a.y - b.y) ** 2;
}
