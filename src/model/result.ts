import type { EngineFingerprint } from './engine.ts';
import type { MergedInfo, ShardInfo } from './shard.ts';

/** result.json, schema id `atombench/result@1`. Everything a reporter renders comes from here alone. */
export const RESULT_SCHEMA = 'atombench/result@1';

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

/** One maintenance operation as it ran: seconds since the run started, like TimeSeriesPoint.tSec. */
export interface MaintenanceWindow {
  kind: 'statistics' | 'rebuild';
  startSec: number;
  endSec: number;
  statements: string[];
  /** Set when the operation failed (its window is still a window: the server did work). */
  error?: string;
}

/**
 * Latency of one operation in the measured window, split by whether the request overlapped a
 * maintenance window: p95 inside vs outside, their ratio with a bootstrap interval, and the difference.
 */
export interface InterferenceStats {
  op: string;
  inside: { count: number; p50Ms: number; p95Ms: number };
  outside: { count: number; p50Ms: number; p95Ms: number };
  /** p95 inside / p95 outside, with its 95% bootstrap percentile interval. */
  p95Ratio: Measured<{ ratio: number; lo: number; hi: number }>;
  /** p95 inside - p95 outside, ms. */
  p95DifferenceMs?: number;
}

export interface MaintenanceSummary {
  updateStatisticsEverySec?: number;
  rebuildIndexEverySec?: number;
  windows: MaintenanceWindow[];
  interference: InterferenceStats[];
}

export type Verdict = 'pass' | 'fail' | 'n/a';

/**
 * A run's verdict: `pass` every target met; `fail` one failed (or the server was lost); `interrupted`
 * stopped early by the user with no target failed (never a pass); `no data` nothing was measured.
 */
export type RunVerdict = 'pass' | 'fail' | 'interrupted' | 'no data';

/** A window in which the server could not be reached, seconds since the run started. */
export interface OutageWindow {
  startSec: number;
  endSec?: number;
  /** Failures by class during the window. */
  errors: Record<string, number>;
}

/** Server faults during the run. */
export interface FaultSummary {
  outages: OutageWindow[];
  /** Why the run ended before its window (the server stayed unreachable longer than faults.maxOutageSec). */
  endedEarly?: string;
  /** What could not be done afterwards (e.g. cleanup skipped: the server was gone). */
  warnings: string[];
}

export interface TargetResult {
  metric: string;
  expression: string;
  /** Observed value in the unit of the expression (ms for latencies, a 0..1 ratio, a count). */
  observed: number | null;
  threshold: number;
  unit: string;
  verdict: Verdict;
  /** Why n/a, or a short note. */
  reason?: string;
  /** The runbook line the target comes from, or "scenario". */
  source: string;
}

export interface ClientHealth {
  /** Process CPU over the run (all threads: with the embedded engine this includes the database work). */
  cpuPercent: number;
  /** Share of the run the main thread's event loop was busy (0..1): the harness's own load. */
  eventLoopUtilization?: number;
  eventLoopLagP99Ms: number;
  eventLoopLagMaxMs: number;
  /** True when the client could not keep up, so the run must not gate a release. */
  bottleneck: boolean;
  reasons: string[];
  /**
   * Who limited the load when it did not run as asked (arrivals dropped, requests cancelled): `client`
   * when the harness was the bottleneck (the run is invalid for gating), else `server` (a result).
   */
  limitedBy?: 'client' | 'server';
  /** Why the server limited the load (drops, cancellations), when it did. */
  serverReasons?: string[];
}

export interface OodaSummary {
  loopsStarted: number;
  loopsCompleted: number;
  loopsFailed: number;
  /** Phase executions (one OODALoopMetrics row each) and how many succeeded. */
  phaseExecutions: number;
  /** Successful phase executions / all, as the runbook's SuccessRate column computes it. */
  successRate: Measured<number>;
  /** Mean seconds between Analyze triggers (the runbook's execution frequency). */
  loopIntervalSec?: number;
  /** Sends and receives the server refused, by class (e.g. a body rejected by XML validation). */
  errors: Record<string, number>;
  loopLatencyMs?: LatencySummary;
  phaseDurationMs: Record<string, LatencySummary>;
  maxQueueDepth: Measured<number>;
  queueDepthMaxByQueue: Record<string, number>;
}

/** The graph side of a run (Neo4j): present only when a Neo4j URL was given. */
export interface Neo4jSummary {
  /** The server, redacted (no credentials), and what it reports itself as. */
  server: string;
  serverVersion: string;
  /** The uniqueness constraint on (Atom.id, Atom.tenantId) in force. */
  constraint: string;
  readers: number;
  batch: number;
  /** Sync requests merged and batches committed in the measured window. */
  merged: number;
  batches: number;
  /** MERGE transaction latency per batch (measured window); encoded HDR histogram in µs. */
  mergeLatencyMs: LatencySummary;
  mergeHistogram: string;
  /** From enqueue (ingest) to merged in the graph, per request (measured window). */
  syncLagMs: LatencySummary;
  syncLagHistogram: string;
  /** Neo4jSyncQueue depth sampled from the database every probe interval (measured window). */
  queueDepthMax: Measured<number>;
  queueDepthMean?: number;
  /** Graph errors by class (transient, constraint, auth, unavailable, other; queue = the SQL side), whole run. */
  errors: Record<string, number>;
  /** Transaction retries the driver made (transient errors, lost connections), whole run. */
  retries: number;
  /** Times the graph became unreachable and the time until a merge succeeded again. */
  outages: number;
  unavailableMs: number;
  /** Whole run, warm-up included: requests merged, Atom nodes they created. */
  mergedTotal: number;
  nodesCreated: number;
  /** Requests still queued when the drain ended (0: the graph caught up). */
  backlogAtEnd: number | null;
  /** Atoms this run ingested (stored in the SQL engine) and the Atom nodes for them counted in Neo4j. */
  ingestedAtoms?: number;
  graphNodes?: number;
  /** The preloaded provenance graph, when the mix reads it. */
  preload?: { atoms: number; edges?: number; reused: boolean };
}

export interface ProbeSummary {
  seekRatio: Measured<number>;
  seekSamples: number;
  cacheHitRatio: Measured<number>;
  queueDepthMax: Measured<number>;
  serverQueryStats: Measured<{ avgDurationMs: number; avgLogicalReads?: number; executions: number }>;
  gauges: Record<string, number>;
  planExample?: string;
  /** Primary filter of sampled queries per operation: candidate rows vs rows output. */
  primaryFilter: Record<string, { samples: number; candidates: number; output: number }>;
}

/** The stored dataset's fingerprint, computed by the database from its rows (run/verify.ts). */
export interface StoredDataset {
  verify: 'full' | 'sample';
  rows: number;
  minId: number;
  maxId: number;
  /** SHA-256 over the database's totals and the sampled buckets' hash sums (the same in both modes). */
  contentHash: string;
  bucketsChecked: number;
  /** Spatial index entries, where the engine can count them. */
  indexEntries?: number;
}

export interface RunResult {
  schema: typeof RESULT_SCHEMA;
  runId: string;
  atombenchVersion: string;
  startedAt: string;
  finishedAt: string;
  /** The resolved scenario, secrets redacted. */
  scenario: Record<string, unknown>;
  engine: EngineFingerprint;
  dataset: {
    atoms: number;
    distribution: string;
    seed: number;
    checksum: string;
    seedDurationMs?: number;
    indexBuildMs?: number;
    /** The dataset as the database reported it, verified against the generator (absent: not verified). */
    stored?: StoredDataset;
  };
  load: {
    model: 'open' | 'closed';
    durationSec: number;
    warmupSec: number;
    ratePerSec?: number;
    achievedRatePerSec?: number;
    concurrency?: number;
    dropped?: number;
    /** Open loop: dropped / arrivals due in the measured window. */
    dropRatio?: number;
    /** Seconds actually measured (the interrupted or cut-short window; durationSec is the plan). */
    measuredSec?: number;
    gracefulStopSec?: number;
    /** Requests still running when the graceful stop ran out: cancelled, never a latency. */
    cancelled?: number;
    scheduleLagMs?: LatencySummary;
    /** Encoded HDR histogram of the schedule lag in microseconds (so shards merge it exactly). */
    scheduleLagHistogram?: string;
  };
  operations: OperationStats[];
  /** All operations merged (lossless histogram merge). */
  total: OperationStats;
  probes: ProbeSummary;
  ooda: OodaSummary | null;
  /** The graph side (Neo4j); absent when no Neo4j URL was given (results before it have none). */
  neo4j?: Neo4jSummary;
  timeseries: TimeSeriesPoint[];
  targets: TargetResult[];
  verdict: RunVerdict;
  client: ClientHealth;
  faults?: FaultSummary;
  /** Scenario `maintenance:`: the windows and the latency inside vs outside them. */
  maintenance?: MaintenanceSummary;
  /** Set when the run was stopped early (Ctrl-C): what was measured until then is kept. */
  interrupted?: boolean;
  /** What makes two runs comparable (src/run/fingerprint.ts); compare refuses runs whose fingerprints differ. */
  fingerprint?: RunFingerprint;
  /** `run --trials N` (N > 1): every measured phase on its own; the fields above are all trials merged. */
  trials?: TrialResult[];
  /** `run --shard I/N`: this result is one shard of a run; `atombench merge` adds the shards up. */
  shard?: ShardInfo;
  /** Written by `atombench merge`: the result is the shards of one run merged (`merged from N shards`). */
  merged?: MergedInfo;
}

/** One operation in one trial: the numbers compare reads per trial. */
export interface TrialOperationStats {
  op: string;
  count: number;
  errors: Record<string, number>;
  /** Failed / completed attempts (0 when nothing completed). */
  errorRate: number;
  throughputPerSec: number;
  latencyMs: LatencySummary;
  /** Encoded HDR histogram of latency in microseconds, as OperationStats.histogram. */
  histogram: string;
}

/** One measured phase of a multi-trial run (fresh warm-up each, same data). */
export interface TrialResult {
  /** 1-based. */
  trial: number;
  startedAt: string;
  finishedAt: string;
  /** Seconds of the measured window (warm-up excluded): the denominator of throughput. */
  measuredSec: number;
  operations: TrialOperationStats[];
  total: TrialOperationStats;
  seekRatio: Measured<number>;
  seekSamples: number;
  maxQueueDepth: Measured<number>;
  /** The client could not drive this trial faithfully (see ClientHealth). */
  clientBottleneck: boolean;
  interrupted?: boolean;
}

/**
 * Everything that must match for two runs to be compared. Flattened to dotted paths
 * (`dataset.seed`, `engine.settings.cache_size`, `client.cpuModel`) when compare names a difference.
 */
export interface RunFingerprint {
  engine: { name: string; serverVersion: string; settings: Record<string, string>; indexDdl: string };
  /** The scenario's index settings (grid settings included, whether or not the engine uses them). */
  index: Record<string, unknown>;
  /** `stored`: the database's content hash of the stored rows (run/verify.ts), when verified. */
  dataset: { atoms: number; seed: number; checksum: string; distribution: string; stored?: string };
  /** What the load asks of the server (injectDelayMs excluded: it simulates a slower build). */
  workload: Record<string, unknown>;
  atombench: { version: string };
  client: { cpuModel: string; cores: number; memoryGiB: number; os: string; node: string };
}
