import type { Phase } from '../../scenario/names.ts';

/**
 * What an engine can measure, and the readings the probes take of it (engines/types.ts re-exports
 * these; the Engine interface there uses them).
 */

/** What an engine can measure. A false entry makes the metric `n/a` with `reason`, never 0 or a pass. */
export interface Capability {
  supported: boolean;
  reason?: string;
}
export interface Capabilities {
  seekRatio: Capability;
  cacheHitRatio: Capability;
  queueDepth: Capability;
  primaryFilter: Capability;
  serverQueryStats: Capability;
  /** Grid tessellation options (GRIDS, CELLS_PER_OBJECT) apply to this engine's index. */
  gridIndex: Capability;
}

/** One probe sample, taken on the probe's own connection. Undefined fields are not measurable (see capabilities). */
export interface ProbeSample {
  atMs: number;
  queueDepth?: Record<Phase, number>;
  /** Cumulative cache counters, for deltas over the run: lookups = hits + misses. */
  cache?: { hits: number; lookups: number };
  /** An instant ratio when the server gives only that (SQL Server's buffer cache hit ratio). */
  cacheHitRatio?: number;
  /** Server-side statement stats (mssql dm_exec_query_stats, PostGIS pg_stat_statements). */
  serverQueryStats?: { avgDurationMs: number; avgLogicalReads?: number; executions: number };
  /** Extra engine-specific gauges (leaked conversations, transmission queue...). */
  gauges?: Record<string, number>;
}

export interface PlanInfo {
  usedSpatialIndex: boolean;
  /** The engine's plan text, shortened, for the report. */
  planSummary: string;
}
