import type pg from 'pg';
import type { Phase } from '../../../scenario/names.ts';
import type { Capability, OperationRequest, PlanInfo, ProbeSample } from '../../types.ts';
import { queueSql, type PostgisIds, type SpatialSql } from '../dialect.ts';
import { filterCounts, planRoot, planSummary, usesIndex } from './plan.ts';

/** Cumulative server counters the probe turns into deltas over the run. */
interface Counters {
  spatialIndexScans: number;
  seqScans: number;
  calls: number;
  execMs: number;
  blocks: number;
}

/**
 * Probes on their own connection, never the load's: queue depth, cache counters (pg_stat_database),
 * statement statistics (pg_stat_statements), index usage (pg_stat_user_indexes / _tables), and the
 * plans of sampled requests. Counters are cumulative on the server; the ones the poller reads as a
 * last value (statement stats, index-usage gauges) are reported as deltas since `markBaseline()`.
 */
export class PostgisProbes {
  private baseline: Counters | undefined;

  constructor(
    private readonly c: pg.Client,
    private readonly ids: PostgisIds,
    private readonly sql: SpatialSql,
    private readonly names: { spatialIndex: string; embeddingsTable: string },
    private readonly statStatements: Capability,
    private readonly flushSupported: boolean,
  ) {}

  /** Workload statement texts, as pg_stat_statements stores them (they are bound, so stored verbatim). */
  private workloadTexts(): string[] {
    return [this.sql.pool, this.sql.knn, this.sql.dedup, this.sql.walkStep];
  }

  private async counters(): Promise<Counters & { hits: number; reads: number }> {
    // Our backend's own pending counts first; other backends flush theirs at least every second.
    if (this.flushSupported) await this.c.query('SELECT pg_stat_force_next_flush()');
    await this.c.query('SELECT pg_stat_clear_snapshot()');
    const r = await this.c.query(
      `SELECT d.blks_hit, d.blks_read,
         (SELECT COALESCE(sum(idx_scan), 0) FROM pg_stat_user_indexes WHERE indexrelid = to_regclass($1)) AS idx,
         (SELECT COALESCE(sum(seq_scan), 0) FROM pg_stat_user_tables WHERE relid = to_regclass($2)) AS seq
       FROM pg_stat_database d WHERE d.datname = current_database()`,
      [this.ids.spatialIndex, this.ids.embeddings],
    );
    const row = r.rows[0] ?? {};
    const out = {
      hits: Number(row.blks_hit ?? 0),
      reads: Number(row.blks_read ?? 0),
      spatialIndexScans: Number(row.idx ?? 0),
      seqScans: Number(row.seq ?? 0),
      calls: 0,
      execMs: 0,
      blocks: 0,
    };
    if (this.statStatements.supported) {
      const s = await this.c.query(
        `SELECT COALESCE(sum(calls), 0) AS calls, COALESCE(sum(total_exec_time), 0) AS ms,
           COALESCE(sum(shared_blks_hit + shared_blks_read), 0) AS blocks
         FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query = ANY($1)`,
        [this.workloadTexts()],
      );
      out.calls = Number(s.rows[0].calls);
      out.execMs = Number(s.rows[0].ms);
      out.blocks = Number(s.rows[0].blocks);
    }
    return out;
  }

  /** A reconnected probe connection keeps the baseline of the one it replaces. */
  adoptBaseline(previous: PostgisProbes): void {
    this.baseline = previous.baseline;
  }

  /** Start of the load: later samples report statement stats and index usage since now. */
  async markBaseline(): Promise<void> {
    this.baseline = await this.counters();
  }

  async depth(): Promise<Record<Phase, number>> {
    const r = await this.c.query(queueSql(this.ids).depth);
    const row = r.rows[0] as Record<Phase, string>;
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as Record<Phase, number>;
  }

  async sample(): Promise<ProbeSample> {
    const now = await this.counters();
    const base = (this.baseline ??= now);
    const calls = now.calls - base.calls;
    const spatialIndexScans = now.spatialIndexScans - base.spatialIndexScans;
    const seqScans = now.seqScans - base.seqScans;
    const sample: ProbeSample = {
      atMs: Date.now(),
      // Attached to a deployment without atombench's queue tables: no depth, the other counters still.
      queueDepth: await this.depth().catch(() => undefined),
      // blks_read counts reads PostgreSQL asked the OS for (which may still hit the OS page cache).
      cache: { hits: now.hits, lookups: now.hits + now.reads },
      gauges: {
        // Cross-check of the EXPLAIN-based seek ratio: scans of the GiST index vs sequential scans of
        // the embeddings table since the load started (probe EXPLAIN ANALYZE samples included).
        'postgis.spatialIndexScans': spatialIndexScans,
        'postgis.embeddingsSeqScans': seqScans,
      },
    };
    if (spatialIndexScans + seqScans > 0)
      sample.gauges!['postgis.spatialIndexScanShare'] = spatialIndexScans / (spatialIndexScans + seqScans);
    if (this.statStatements.supported && calls > 0) {
      sample.serverQueryStats = {
        avgDurationMs: (now.execMs - base.execMs) / calls,
        avgLogicalReads: (now.blocks - base.blocks) / calls,
        executions: calls,
      };
    }
    return sample;
  }

  private statementFor(req: OperationRequest): { text: string; values: number[] } | undefined {
    switch (req.op) {
      case 'spatial.pool':
        return { text: this.sql.pool, values: [req.q.x, req.q.y, req.radius, req.pool] };
      case 'spatial.knn':
        return { text: this.sql.knn, values: [req.q.x, req.q.y, req.k] };
      case 'spatial.dedup':
        return { text: this.sql.dedup, values: [req.q.x, req.q.y, req.threshold] };
      case 'spatial.walk':
        return {
          text: this.sql.walkStep,
          values: [req.q.x, req.q.y, req.radius, req.pool, req.goal.x, req.goal.y],
        };
      case 'ingest':
        return undefined;
    }
  }

  /** EXPLAIN (FORMAT JSON) of the request's statement with its values bound (the plan it gets). */
  async explain(req: OperationRequest): Promise<PlanInfo> {
    const st = this.statementFor(req);
    if (!st) return { usedSpatialIndex: false, planSummary: 'ingest: not a spatial query' };
    const r = await this.c.query(`EXPLAIN (FORMAT JSON) ${st.text}`, st.values);
    const root = planRoot(r.rows[0]['QUERY PLAN']);
    return { usedSpatialIndex: usesIndex(root, this.names.spatialIndex), planSummary: planSummary(root) };
  }

  /**
   * Primary filter of one sampled window: EXPLAIN ANALYZE of a count over the same window (no LIMIT),
   * candidates = rows the scan fetched through the index, output = rows passing the exact test.
   * kNN has no window (undefined); the walk uses its first step's window.
   */
  async primaryFilter(req: OperationRequest): Promise<{ candidates: number; output: number } | undefined> {
    let text: string;
    let values: number[];
    if (req.op === 'spatial.pool' || req.op === 'spatial.walk') {
      text = this.sql.windowCount;
      values = [req.q.x, req.q.y, req.radius];
    } else if (req.op === 'spatial.dedup') {
      text = this.sql.dedupCount;
      values = [req.q.x, req.q.y, req.threshold];
    } else return undefined;
    // The count runs for real: keep it to one core and without JIT compilation, so the sample loads the
    // server the run is measuring as little as it can (SET LOCAL: only this transaction).
    await this.c.query('BEGIN');
    try {
      await this.c.query('SET LOCAL max_parallel_workers_per_gather = 0');
      await this.c.query('SET LOCAL jit = off');
      const r = await this.c.query(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${text}`, values);
      return filterCounts(planRoot(r.rows[0]['QUERY PLAN']), this.names.embeddingsTable);
    } finally {
      await this.c.query('ROLLBACK');
    }
  }
}
