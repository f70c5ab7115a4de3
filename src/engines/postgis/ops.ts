import type pg from 'pg';
import type { AtomRecord, Point3 } from '../../dataset/types.ts';
import type { OperationRequest, OperationResult } from '../types.ts';
import { CountQuery, type CountResult } from './count-query.ts';
import { ingestSql, spatialSql, type PoolVariant, type PostgisIds, type SpatialSql } from './dialect.ts';

type Walk = Extract<OperationRequest, { op: 'spatial.walk' }>;

/**
 * The workload operations on the load's connection pool. Every statement is a named prepared
 * statement (parsed once per connection, as pgbench -M prepared does); rows come back as arrays.
 */
export class PostgisOps {
  private readonly s: SpatialSql;
  private readonly ingestText: string;

  constructor(
    private readonly pool: pg.Pool,
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

  /** Rows counted, not kept (count-query.ts says why). */
  private async count(name: string, text: string, values: number[]): Promise<OperationResult> {
    // pg-pool answers a submittable with a promise of what it reported, though its typings say otherwise.
    const pool = this.pool as unknown as { query(q: CountQuery): Promise<CountResult> };
    const r = await pool.query(new CountQuery(name, text, values));
    return { rows: r.rows, queries: 1 };
  }

  /**
   * A chain of small pool queries on one connection (as the application's loop runs them): from the
   * current point move to the pooled atom nearest the goal; stop when that is no nearer than where the
   * walk already is (the same rule as the embedded engine and the contract's brute force).
   */
  private async walk(req: Walk): Promise<OperationResult> {
    const client = await this.pool.connect();
    let failed: unknown;
    try {
      let cur: Point3 = req.q;
      let best = dist2(cur, req.goal);
      let visited = 0;
      let queries = 0;
      for (let step = 0; step < req.steps; step++) {
        queries++;
        const r = await client.query({
          name: 'ab_walk',
          text: this.s.walkStep,
          values: [cur.x, cur.y, req.radius, req.pool, req.goal.x, req.goal.y],
          rowMode: 'array',
        });
        const row = r.rows[0] as [number, number, number] | undefined;
        if (!row) break;
        const next = { x: row[0], y: row[1], z: row[2] };
        const d = dist2(next, req.goal);
        if (!(d < best)) break; // no progress: the walk has arrived as near as the data allows
        best = d;
        cur = next;
        visited++;
      }
      return { rows: visited, queries };
    } catch (e) {
      failed = e;
      throw e;
    } finally {
      // A connection whose query failed mid-protocol is discarded rather than reused.
      client.release(failed instanceof Error && !(failed as { code?: string }).code ? failed : undefined);
    }
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
    const r = await this.pool.query({ name: 'ab_ingest', text: this.ingestText, values: cols });
    return { rows: r.rowCount ?? 0, queries: 1 };
  }
}

function dist2(a: Point3, b: Point3): number {
  return (a.x - b.x) ** 2 + (a.y - b.y) ** 2;
}
