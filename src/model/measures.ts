/**
 * The measured numbers of result.json (model/result.ts re-exports them): latency summaries, per-operation
 * stats, the time series, and a value that is either measured or n/a with the reason.
 */

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  min: number;
}

export interface OperationStats {
  op: string;
  count: number;
  errors: Record<string, number>;
  /** Operations per second over the measured window. */
  throughputPerSec: number;
  latencyMs: LatencySummary;
  /** Encoded HDR histogram of latency in microseconds (hdr-histogram-js encodeIntoCompressedBase64). */
  histogram: string;
  /** Sum of rows output / candidates where the engine reported candidates. */
  rowsOutput: number;
  candidateRows?: number;
  /** rowsOutput / candidateRows. */
  primaryFilterEfficiency?: number;
  /** `per-query` when every query reported its candidates; `sampled` when probes measured sampled queries. */
  primaryFilterSource?: 'per-query' | 'sampled';
}

/** A measured value or the reason it could not be measured. */
export type Measured<T> = { value: T } | { na: string };

export interface TimeSeriesPoint {
  /** Seconds since the run started (warm-up included; `warmup` marks it). */
  tSec: number;
  warmup: boolean;
  ops: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  queueDepth?: number;
  scheduleLagP99Ms?: number;
  dropped?: number;
  /** Requests cancelled in this interval (the graceful stop ran out, or an interrupt). */
  cancelled?: number;
  /** Failures in this interval by error class (absent when none failed). */
  errorClasses?: Record<string, number>;
  /** True when the probe connection could not sample the server in this interval (an outage). */
  probeMissing?: boolean;
  /** The same per operation (operations that ran in the interval). */
  byOp?: Record<string, { ops: number; errors: number; p50Ms: number; p95Ms: number; p99Ms: number }>;
  /** Max depth per OODA queue in the interval, as sampled from the server. */
  queueDepthByQueue?: Record<string, number>;
  /** Neo4jSyncQueue depth sampled from the database at the end of the interval (Neo4j runs only). */
  neo4jQueueDepth?: number;
  /** Sync requests merged into the graph in the interval. */
  neo4jMerged?: number;
  /** Maintenance kinds (statistics, rebuild) whose window overlapped the interval. */
  maintenance?: string[];
}
