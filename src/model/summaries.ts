import type { LatencySummary, Measured } from './measures.ts';

/** The server-side summaries of a run in result.json: the probes, the OODA queues, the graph (Neo4j). */

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
  /**
   * Whole run, warm-up included: requests merged, Atom nodes they created (summed from each MERGE's
   * counters: a batch that committed while its reply was lost in an outage is retried and counts 0,
   * so after an outage graphNodes, counted in Neo4j, is the exact figure).
   */
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
