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
  /** The same per operation (operations that ran in the interval). */
  byOp?: Record<string, { ops: number; errors: number; p50Ms: number; p95Ms: number; p99Ms: number }>;
  /** Max depth per OODA queue in the interval, as sampled from the server. */
  queueDepthByQueue?: Record<string, number>;
}

export type Verdict = 'pass' | 'fail' | 'n/a';

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
  };
  load: {
    model: 'open' | 'closed';
    durationSec: number;
    warmupSec: number;
    ratePerSec?: number;
    achievedRatePerSec?: number;
    concurrency?: number;
    dropped?: number;
    scheduleLagMs?: LatencySummary;
    /** Encoded HDR histogram of the schedule lag in microseconds (so shards merge it exactly). */
    scheduleLagHistogram?: string;
  };
  operations: OperationStats[];
  /** All operations merged (lossless histogram merge). */
  total: OperationStats;
  probes: ProbeSummary;
  ooda: OodaSummary | null;
  timeseries: TimeSeriesPoint[];
  targets: TargetResult[];
  verdict: 'pass' | 'fail';
  client: ClientHealth;
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
  dataset: { atoms: number; seed: number; checksum: string; distribution: string };
  /** What the load asks of the server (injectDelayMs excluded: it simulates a slower build). */
  workload: Record<string, unknown>;
  atombench: { version: string };
  client: { cpuModel: string; cores: number; memoryGiB: number; os: string; node: string };
}
