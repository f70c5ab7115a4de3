import type { AtomRecord, Point3 } from '../../dataset/types.ts';
import type { EngineRequest, OperationResult, WalkStep, WalkStepFn } from '../types.ts';
import { ingestSql, spatialSql, type PoolVariant, type PostgisIds, type SpatialSql } from './dialect.ts';
import { textArray } from './wire/frames.ts';
import type { WireConnection } from './wire/connection.ts';
import type { WirePool } from './wire/pool.ts';

const counted = (r: { count: number }): OperationResult => ({ rows: r.count, queries: 1 });

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
    /** Ingest enqueues a Neo4j sync request per new atom. */
    private readonly sync = false,
  ) {
    this.s = spatialSql(ids, variant);
    this.ingestText = ingestSql(ids, sync);
  }

  run(req: EngineRequest): Promise<OperationResult> {
    switch (req.op) {
      case 'spatial.pool':
        return this.count('ab_pool', this.s.pool, [req.q.x, req.q.y, req.radius, req.pool]);
      case 'spatial.knn':
        return this.count('ab_knn', this.s.knn, [req.q.x, req.q.y, req.k]);
      case 'spatial.dedup':
        return this.count('ab_dedup', this.s.dedup, [req.q.x, req.q.y, req.threshold]);
      case 'ingest':
        return this.ingest(req.batchSize, req.firstIngestIndex);
    }
  }

  /** Numbers as the text PostgreSQL parses: JS's shortest exact decimal. */
  private count(name: string, text: string, values: number[]): Promise<OperationResult> {
    const params = values.map(String);
    return this.pool.with((c) => c.query(name, text, params)).then(counted);
  }

  /**
   * A walk (its loop is src/workload/spatial-walk.ts) holds one connection for all its steps, as the
   * application's loop runs them.
   */
  withWalkStep<T>(loop: (step: WalkStepFn) => Promise<T>): Promise<T> {
    return this.pool.with((c) => loop((step) => this.walkStep(c, step)));
  }

  /** One walk step: of the pool around q, the atom nearest the goal. */
  private async walkStep(c: WireConnection, step: WalkStep): Promise<Point3 | undefined> {
    const params = [step.q.x, step.q.y, step.radius, step.pool, step.goal.x, step.goal.y].map(String);
    const r = await c.query('ab_walk', this.s.walkStep, params, true);
    const row = r.rows?.[0];
    return row && { x: Number(row[0]), y: Number(row[1]), z: Number(row[2]) };
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
    const params = cols.map((col) => textArray(col));
    if (this.sync) params.push(String(Date.now()));
    const name = this.sync ? 'ab_ingest_sync' : 'ab_ingest';
    const r = await this.pool.with((c) => c.query(name, this.ingestText, params));
    return { rows: r.affected ?? 0, queries: 1 };
  }
}
