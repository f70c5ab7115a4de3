import type Database from 'better-sqlite3';
import type { Point3 } from '../../dataset/types.ts';
import type { AtomRecord } from '../../dataset/types.ts';
import type { EngineRequest, OperationRequest, OperationResult, PlanInfo, WalkStep } from '../types.ts';
import { INGEST_SOURCE_TYPE } from '../ownership.ts';
import { ingestSql, spatialSql, type SqliteIdentifiers } from './dialect.ts';
import { syncSql } from './queues/sync-ops.ts';

type Stmt = Database.Statement;
type Extent = { minX: number | null; maxX: number; minY: number; maxY: number };

/**
 * The workload operations on one connection. Runs inside a worker thread (one connection each),
 * so a closed loop of N workers really has N queries in flight.
 */
export class SqliteOps {
  private readonly s: Record<keyof ReturnType<typeof spatialSql>, Stmt>;
  private readonly ins: Record<keyof ReturnType<typeof ingestSql>, Stmt>;
  /** Last kNN window radius that held k rows: the next search starts there (adaptive, per connection). */
  private knnRadius = 0;
  /** The data's extent, read once per connection (a full scan; ingest barely moves it). */
  private ext: Extent | undefined;
  /** Ingest's Neo4j sync request per new atom, when the scenario syncs to Neo4j. */
  private readonly enqueue: Stmt | undefined;

  constructor(
    private readonly db: Database.Database,
    ids: SqliteIdentifiers,
    private readonly makeIngest: (ingestIndex: number) => AtomRecord,
    syncQueue?: string,
  ) {
    this.enqueue = syncQueue ? db.prepare(syncSql(syncQueue).enqueue) : undefined;
    const sql = spatialSql(ids);
    this.s = Object.fromEntries(Object.entries(sql).map(([k, v]) => [k, db.prepare(v)])) as typeof this.s;
    const ing = ingestSql(ids);
    this.ins = Object.fromEntries(Object.entries(ing).map(([k, v]) => [k, db.prepare(v)])) as typeof this.ins;
  }

  run(req: EngineRequest): OperationResult {
    switch (req.op) {
      case 'spatial.pool':
        return { rows: this.s.pool.all(win(req.q, req.radius, { pool: req.pool })).length, queries: 1 };
      case 'spatial.knn':
        return this.knn(req.q, req.k);
      case 'spatial.dedup':
        return { rows: this.s.dedup.all(win(req.q, req.threshold)).length, queries: 1 };
      case 'ingest':
        return this.ingest(req.batchSize, req.firstIngestIndex);
    }
  }

  /**
   * k nearest: the R*Tree has no kNN operator, so search a window and double its radius until k
   * rows lie within it (then they are the true k nearest); past the data's extent, scan.
   */
  private knn(q: Point3, k: number): OperationResult {
    this.ext ??= this.s.extent.get() as Extent;
    const ext = this.ext;
    if (ext.minX === null) return { rows: 0, queries: 1 };
    const span = Math.max(ext.maxX - ext.minX, ext.maxY - ext.minY, Number.EPSILON);
    let r = this.knnRadius > 0 ? this.knnRadius : span / 64;
    for (let queries = 1; ; queries++) {
      if (r > 4 * span + Math.abs(q.x) + Math.abs(q.y)) {
        return { rows: this.s.knnScan.all({ qx: q.x, qy: q.y, k }).length, queries };
      }
      const rows = this.s.knnWithin.all(win(q, r, { k })).length;
      if (rows >= k) {
        this.knnRadius = queries === 1 ? r * 0.75 : r;
        return { rows, queries };
      }
      r *= 2;
    }
  }

  /** One walk step (the loop is src/workload/spatial-walk.ts): of the pool around q, the atom nearest the goal. */
  walkStep(step: WalkStep): Point3 | undefined {
    const { q, radius, pool, goal } = step;
    const params = { ...win(q, radius, { pool }), gx: goal.x, gy: goal.y };
    return this.s.walkStep.get(params) as Point3 | undefined;
  }

  /** A batch of new atoms: upsert on ContentHash, one embedding (and index entry) per new atom. */
  private readonly ingestTx = (batchSize: number, first: number): number => {
    let inserted = 0;
    for (let i = 0; i < batchSize; i++) {
      const rec = this.makeIngest(first + i);
      const atom = this.ins.atom.get({
        tenantId: rec.tenantId,
        modality: rec.modality,
        subtype: rec.subtype,
        contentHash: rec.contentHash,
        contentType: rec.contentType,
        sourceType: INGEST_SOURCE_TYPE,
        sourceUri: rec.sourceUri,
        canonicalText: rec.canonicalText,
        metadata: rec.metadata,
        referenceCount: rec.referenceCount,
      }) as { atomId: number; refs: number };
      if (atom.refs > 1) continue; // MERGE matched: an existing atom, no new embedding
      const p = rec.point;
      const emb = this.ins.embedding.run({
        atomId: atom.atomId,
        tenantId: rec.tenantId,
        modelId: rec.modelId,
        embeddingType: rec.embeddingType,
        dimension: rec.dimension,
        x: p.x,
        y: p.y,
        z: p.z,
        bx: rec.bucketX,
        by: rec.bucketY,
        bz: rec.bucketZ,
        hilbert: rec.hilbertValue,
      });
      this.ins.rtree.run({ id: emb.lastInsertRowid, x: p.x, y: p.y });
      this.enqueue?.run({
        entityId: atom.atomId,
        tenantId: rec.tenantId,
        syncType: 'Create',
        nowMs: Date.now(),
      });
      inserted++;
    }
    return inserted;
  };

  private ingest(batchSize: number, first: number): OperationResult {
    return { rows: this.db.transaction(this.ingestTx)(batchSize, first), queries: batchSize };
  }

  /** EXPLAIN QUERY PLAN of the operation's main statement: did it go through the R*Tree? */
  explain(req: OperationRequest): PlanInfo {
    if (req.op === 'ingest' || req.op === 'graph.provenance')
      return { usedSpatialIndex: false, planSummary: `${req.op}: not a spatial query` };
    const stmt =
      req.op === 'spatial.knn' ? this.s.knnWithin : req.op === 'spatial.dedup' ? this.s.dedup : this.s.pool;
    const params = paramsFor(req);
    const plan = this.db.prepare(`EXPLAIN QUERY PLAN ${stmt.source}`).all(params) as { detail: string }[];
    const details = plan.map((p) => p.detail);
    // The R*Tree is used when the plan scans its virtual table through xBestIndex constraints.
    const used = details.some((d) => /VIRTUAL TABLE INDEX \d+:[A-Za-z]/.test(d));
    return { usedSpatialIndex: used, planSummary: details.join(' | ') };
  }

  /** Primary filter (R*Tree candidates) vs rows passing the exact test, for one sampled query. */
  primaryFilter(req: OperationRequest): { candidates: number; output: number } | undefined {
    if (req.op === 'ingest' || req.op === 'graph.provenance' || req.op === 'spatial.knn') return undefined; // kNN has no fixed window
    const p = paramsFor(req);
    const candidates = (this.s.candidates.get(p) as { n: number }).n;
    const output = (this.s.output.get(p) as { n: number }).n;
    return { candidates, output };
  }
}

function win(q: Point3, r: number, extra: Record<string, number> = {}): Record<string, number> {
  return { qx: q.x, qy: q.y, r, ...extra };
}

function paramsFor(req: OperationRequest): Record<string, number> {
  switch (req.op) {
    case 'spatial.pool':
      return win(req.q, req.radius, { pool: req.pool });
    case 'spatial.walk': // sampled by its first step's window
      return win(req.q, req.radius, { pool: req.pool });
    case 'spatial.knn':
      return win(req.q, 1, { k: req.k });
    case 'spatial.dedup':
      return win(req.q, req.threshold);
    case 'ingest':
    case 'graph.provenance':
      return {};
  }
}
