/**
 * run(), walkStep() and explain() of the workload operations on SQL Server: bind the dialect's statements,
 * count rows, find the walk's next point. Errors become OperationErrors with a class (error-class.ts), redacted.
 * explain() runs the request's (first) statement with SET STATISTICS XML ON on a connection pinned by
 * a transaction (the session option then applies to the parameterized call), and reads the plans.
 */
import sql from 'mssql';
import type { AtomRecord, Point3 } from '../../dataset/types.ts';
import type { ObjectNames } from '../../scenario/names.ts';
import type { EngineRequest, OperationRequest, OperationResult, PlanInfo, WalkStep } from '../types.ts';
import {
  dedupQuery,
  knnQuery,
  poolQuery,
  spatialIdents,
  walkStepQuery,
  type SpatialIdents,
} from './sql/dialect.ts';
import { ingestQuery } from './sql/dialect-ingest.ts';
import { PLAN_SAMPLE_MARKER } from './sql/dialect-probes.ts';
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
  /** The run syncs to Neo4j: ingest sends a Neo4jSyncRequest per new atom. */
  neo4jSync?: boolean;
}

export class MssqlOperations {
  private readonly ids: SpatialIdents;

  constructor(private readonly o: OperationsOptions) {
    this.ids = spatialIdents(o.names);
  }

  /** The statement a request runs first (the only one, except for the walk: its first step). */
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
        return ingestQuery(
          o.names,
          o.mode,
          this.ingestRecords(req.firstIngestIndex, req.batchSize),
          o.neo4jSync ? { nowMs: Date.now() } : undefined,
        );
      case 'graph.provenance':
        throw new Error('graph.provenance runs on Neo4j, not on SQL Server');
    }
  }

  private ingestRecords(first: number, n: number): AtomRecord[] {
    return Array.from({ length: n }, (_, i) => this.o.makeIngest(first + i));
  }

  async run(pool: sql.ConnectionPool, req: EngineRequest): Promise<OperationResult> {
    try {
      const r = await exec(pool, this.statement(req));
      if (req.op === 'ingest')
        return { rows: Number(rows<{ Inserted: number }>(r)[0]?.Inserted ?? 0), queries: 1 };
      return { rows: rows(r).length, queries: 1 };
    } catch (e) {
      throw operationError(e, this.o.redactor, req.op);
    }
  }

  /** One walk step (the loop is src/workload/spatial-walk.ts): of the pool around q, the atom nearest the goal. */
  async walkStep(pool: RequestSource, step: WalkStep): Promise<Point3 | undefined> {
    try {
      const { q, goal, radius, pool: size } = step;
      const next = rows<{ X: number; Y: number }>(
        await exec(pool, walkStepQuery(this.ids, this.o.hint, q, goal, radius, size)),
      )[0];
      return next && { x: Number(next.X), y: Number(next.Y), z: 0 };
    } catch (e) {
      throw operationError(e, this.o.redactor, 'spatial.walk');
    }
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
        // The marker gives the sampled batch its own text (own dm_exec_query_stats rows), which the
        // statement-level query stats leave out, so sampling plans does not inflate them.
        const st = this.statement(req);
        const sampled = { ...st, text: `${PLAN_SAMPLE_MARKER}\n${st.text}` };
        plans = showplansFrom((await exec(tx, sampled)).recordsets as unknown[]);
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
