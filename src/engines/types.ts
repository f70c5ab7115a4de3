import type { RowBatch, SeedBatch } from '../dataset/types.ts';
import type { DatasetSource } from '../dataset/stream.ts';
import type { EngineFingerprint, EngineName } from '../model/engine.ts';
import type { HealthReport } from '../model/health.ts';
import type { StoredFingerprint } from '../dataset/fingerprint.ts';
import type {
  DatasetState,
  FingerprintRequest,
  IndexBuildOptions,
  IndexBuildOutcome,
  PrepareOptions,
  SchemaPlan,
  SeedOutcome,
  SeedProgress,
} from './types/dataset.ts';
import type { MaintenanceSession } from './types/maintenance.ts';
import type { EngineRequest, OperationRequest, OperationResult, WalkStepFn } from './types/operations.ts';
import type { Capabilities, PlanInfo, ProbeSample } from './types/probes.ts';
import type { QueueDriver, SyncQueueDriver } from './types/queues.ts';
import type { ShardCoordination } from './types/shards.ts';
import type { IndexTuning } from './types/tuning.ts';

/**
 * The Engine interface every engine implements. Its request, result and driver types live in types/,
 * one file a job, and are re-exported here: `engines/types.ts` stays the one import path.
 */
export type * from './types/dataset.ts';
export type * from './types/maintenance.ts';
export type * from './types/operations.ts';
export type * from './types/probes.ts';
export type * from './types/queues.ts';
export type * from './types/shards.ts';
export type * from './types/tuning.ts';

export interface Engine {
  readonly name: EngineName;
  readonly capabilities: Capabilities;
  connect(): Promise<void>;
  close(): Promise<void>;
  fingerprint(): Promise<EngineFingerprint>;
  /** Create what is missing; refuse (UserError) foreign objects unless force. */
  prepare(plan: SchemaPlan, opts: PrepareOptions): Promise<DatasetState>;
  /** Append batches in order (resumable: the caller starts after `seededRows`). */
  seed(
    batches: AsyncIterable<SeedBatch>,
    onProgress: (p: SeedProgress) => void,
    rowsTotal: number,
  ): Promise<SeedOutcome>;
  /**
   * seed() from lazy batches (dataset/types.ts RowBatch): the engine visits each batch's rows once, in
   * order, encoding each row as it is generated. Optional: engines without it get seed().
   */
  seedRows?(
    batches: AsyncIterable<RowBatch>,
    onProgress: (p: SeedProgress) => void,
    rowsTotal: number,
  ): Promise<SeedOutcome>;
  /**
   * seed() of rows the engine generates itself (dataset/stream.ts DatasetSource), e.g. on worker
   * threads, hashing them into source.checksum in row order. Optional: preferred over seedRows.
   */
  seedDataset?(
    source: DatasetSource,
    onProgress: (p: SeedProgress) => void,
    rowsTotal: number,
  ): Promise<SeedOutcome>;
  /** Record the seeded dataset's identity (and its generator checksum, given back by prepare). */
  markSeeded(datasetKey: string, rows: number, checksum?: string): Promise<void>;
  buildIndex(plan: SchemaPlan, opts?: IndexBuildOptions): Promise<IndexBuildOutcome>;
  /**
   * Remove the rows a run ingested (marked as ingested, AtomId > datasetRows), so the next run measures
   * the same data. Rows atombench did not insert are never deleted.
   */
  resetIngested(datasetRows: number): Promise<number>;
  /**
   * The dataset as stored, aggregated by the database from the rows themselves (counts, min/max id,
   * per-bucket hash sums; the spatial index's entries where they can be counted). Absent: the engine
   * cannot (the run says the dataset is unverified).
   */
  storedFingerprint?(req: FingerprintRequest): Promise<StoredFingerprint>;
  /** Per-row hashes of some buckets, by AtomId (an id stored twice has two), to count rows that differ. */
  storedRowHashes?(req: FingerprintRequest): Promise<Map<number, number[]>>;
  /** Run one operation. Concurrency comes from the engine's own pool (`openPool`). */
  run(req: EngineRequest): Promise<OperationResult>;
  /**
   * Run one walk: the loop (src/workload/spatial-walk.ts) gets this engine's step on the load's pool,
   * bound for the walk's length to one connection or worker where the engine holds one (as the
   * application runs a walk's queries on one session).
   */
  withWalkStep<T>(loop: (step: WalkStepFn) => Promise<T>): Promise<T>;
  /** Size the pool of connections / worker threads the load uses. */
  openPool(size: number, opts?: LoadPoolOptions): Promise<void>;
  /**
   * Cancel on the server whatever the load's pool still runs (the graceful stop ran out): PostgreSQL
   * CancelRequest, the SQL Server driver's cancel, a SQLite worker interrupt. The cancelled calls
   * reject; the pool stays usable. Absent: the engine cannot cancel, the calls are only abandoned.
   */
  cancelRunning?(): Promise<void>;
  queues(): Promise<QueueDriver>;
  /** The Neo4j sync queue (prepare() with neo4jSync first). Absent: the engine has none. */
  syncQueue?(readers: number): Promise<SyncQueueDriver>;
  probe(): Promise<ProbeSample>;
  /** The plan of the request's (first) statement: a walk is sampled by its first step's window. */
  explain(req: OperationRequest): Promise<PlanInfo>;
  /** Primary filter candidates vs rows output for one sampled query, where the engine can tell. */
  primaryFilter?(req: OperationRequest): Promise<{ candidates: number; output: number } | undefined>;
  /** Bytes of the spatial index as stored, where the engine can tell. */
  indexBytes?(): Promise<number | undefined>;
  /** What `tune` can rebuild and measure on the server. */
  readonly tuning: IndexTuning;
  /**
   * Index maintenance (scenario `maintenance:`) on a connection of its own, so it contends with the
   * load on the server, not in the client's pool. Absent: the engine cannot run maintenance.
   */
  maintenance?(): Promise<MaintenanceSession>;
  /**
   * `atombench check`: the runbook's health checks, read-only, on the engine's own connection (opened
   * and closed here, without connect()). Absent: the engine has none.
   */
  healthCheck?(): Promise<HealthReport>;
  /**
   * The shards of one run (`run --shard I/N`) meet on the database: the server's clock, and rows each
   * shard writes and reads. Absent: the engine cannot coordinate shards (shards above 0 cannot wait for
   * shard 0's dataset, and there is no barrier).
   */
  readonly coordination?: ShardCoordination;
}

/** How the load's pool treats each operation (scenario `workload`). */
export interface LoadPoolOptions {
  /**
   * Per-operation deadline enforced on the server side (`workload.timeoutMs`): PostgreSQL
   * statement_timeout, the SQL Server driver's request timeout (attention), a SQLite worker deadline.
   * An operation past it fails with error class `timeout`; the pool stays usable. Absent: none.
   */
  statementTimeoutMs?: number;
}
