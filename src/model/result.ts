import type { EngineFingerprint } from './engine.ts';
import type { MergedInfo, ShardInfo } from './shard.ts';
import type { ClientHealth, FaultSummary } from './conditions.ts';
import type { MaintenanceSummary } from './maintenance.ts';
import type { LatencySummary, Measured, OperationStats, TimeSeriesPoint } from './measures.ts';
import type { Neo4jSummary, OodaSummary, ProbeSummary } from './summaries.ts';

// The parts of the document live one job a file; this file keeps the whole and re-exports them.
export type { ClientHealth, FaultSummary, OutageWindow } from './conditions.ts';
export type { InterferenceStats, MaintenanceSummary, MaintenanceWindow } from './maintenance.ts';
export type { LatencySummary, Measured, OperationStats, TimeSeriesPoint } from './measures.ts';
export type { Neo4jSummary, OodaSummary, ProbeSummary } from './summaries.ts';

/** result.json, schema id `atombench/result@1`. Everything a reporter renders comes from here alone. */
export const RESULT_SCHEMA = 'atombench/result@1';

export type Verdict = 'pass' | 'fail' | 'n/a';

/**
 * A run's verdict: `pass` every target met; `fail` one failed (or the server was lost); `interrupted`
 * stopped early by the user with no target failed (never a pass); `no data` nothing was measured.
 */
export type RunVerdict = 'pass' | 'fail' | 'interrupted' | 'no data';

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
