/**
 * run() and explain() of the workload operations on SQL Server: bind the dialect's statements, count
 * rows, walk step by step. Errors become OperationErrors with a class (error-class.ts), redacted.
 * explain() runs the request's (first) statement with SET STATISTICS XML ON on a connection pinned by
 * a transaction (the session option then applies to the parameterized call), and reads the plans.
 */
import sql from 'mssql';
import type { AtomRecord, Point3 } from '../../dataset/types.ts';
import type { ObjectNames } from '../../scenario/names.ts';
import type { OperationRequest, OperationResult, PlanInfo } from '../types.ts';
import {
  dedupQuery,
  knnQuery,
  poolQuery,
  spatialIdents,
  walkStepQuery,
  type SpatialIdents,
} from './sql/dialect.ts';
import { ingestQuery } from './sql/dialect-ingest.ts';
import { operationError } from './error-class.ts';
import { parseShowplan, planSummary, showplansFrom, usesSpatialIndex } from './plan/plan-xml.ts';
import type { Redactor } from './redact.ts';
import type { SeedMode } from './seed/seed-rows.ts';
import { batch, exec, rows, type RequestSource, type SqlStatement } from './sql/statement.ts';

export interface OperationsOptions {
  names: ObjectNames;
  /** index.hint: WITH (INDEX(...)) on pool, walk and dedup. */
  hint: boolean;
  mode: SeedMode;
  makeIngest: (ingestIndex: number) => AtomRecord;
  redactor: Redactor;
}

type Walk = Extract<OperationRequest, { op: 'spatial.walk' }>;

const dist2 = (a: Point3, b: { x: number; y: number }): number => (a.x - b.x) ** 2 + (a.y - b.y) ** 2;

export class MssqlOperations {
  private readonly ids: SpatialIdents;

  constructor(private readonly o: OperationsOptions) {
    this.ids = spatialIdents(o.names);
  }

  /** The statement a request runs first (the only one, except for the walk). */
  statement(req: OperationRequest): SqlStatement {
    const { ids, o } = this;
    switch (req.op) {
      case 'spatial.pool':
        return poolQuery(ids, o.hint, req.q, req.radius, req.pool);
      case 'spatial.knn':
        return knnQuery(ids, req.q, req.k);
      case 'spatial.dedup':
        return dedupQuery(ids, o.hint, req.q, req.threshold);
      case 'spatial.walk':
        return walkStepQuery(ids, o.hint, req.q, req.goal, req.radius, req.pool);
      case 'ingest':
        return ingestQuery(o.names, o.mode, this.ingestRecords(req.firstIngestIndex, req.batchSize));
    }
  }

  private ingestRecords(first: number, n: number): AtomRecord[] {
    return Array.from({ length: n }, (_, i) => this.o.makeIngest(first + i));
  }

  async run(pool: sql.ConnectionPool, req: OperationRequest): Promise<OperationResult> {
    try {
      if (req.op === 'spatial.walk') return await this.walk(pool, req);
      const r = await exec(pool, this.statement(req));
      if (req.op === 'ingest')
        return { rows: Number(rows<{ Inserted: number }>(r)[0]?.Inserted ?? 0), queries: 1 };
      return { rows: rows(r).length, queries: 1 };
    } catch (e) {
      throw operationError(e, this.o.redactor, req.op);
    }
  }

  /** Move from the current point to the pooled atom nearest the goal while that gets nearer. */
  private async walk(pool: RequestSource, req: Walk): Promise<OperationResult> {
    let cur: Point3 = req.q;
    let best = dist2(cur, req.goal);
    let visited = 0;
    let queries = 0;
    for (let step = 0; step < req.steps; step++) {
      queries++;
      const r = rows<{ X: number; Y: number }>(
        await exec(pool, walkStepQuery(this.ids, this.o.hint, cur, req.goal, req.radius, req.pool)),
      );
      const next = r[0];
      if (!next) break;
      const d = dist2(req.goal, { x: Number(next.X), y: Number(next.Y) });
      if (!(d < best)) break; // no progress: as near the goal as the data allows
      best = d;
      cur = { x: Number(next.X), y: Number(next.Y), z: 0 };
      visited++;
    }
    return { rows: visited, queries };
  }

  async explain(pool: sql.ConnectionPool, req: OperationRequest): Promise<PlanInfo> {
    if (req.op === 'ingest')
      return { usedSpatialIndex: false, planSummary: 'ingest: not a spatial query (no plan sampled)' };
    const tx = new sql.Transaction(pool);
    try {
      await tx.begin();
      await batch(tx, 'SET STATISTICS XML ON;');
      let plans: string[];
      try {
        plans = showplansFrom((await exec(tx, this.statement(req))).recordsets as unknown[]);
      } finally {
        await batch(tx, 'SET STATISTICS XML OFF;').catch(() => undefined);
      }
      await tx.commit();
      const parsed = plans.map(parseShowplan);
      return {
        usedSpatialIndex: parsed.some((p) => usesSpatialIndex(p, this.o.names.spatialIndex)),
        planSummary: parsed.length ? planSummary(parsed) : 'the server returned no showplan',
      };
    } catch (e) {
      await tx.rollback().catch(() => undefined);
      throw operationError(e, this.o.redactor, `explain ${req.op}`);
    }
  }
}
