import type { Point3, SeedBatch } from '../dataset/types.ts';
import type { ObjectNames, Phase } from '../scenario/names.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { EngineFingerprint, EngineName } from '../model/engine.ts';
import type { GridConfig } from '../model/index-config.ts';
import type { HealthReport } from '../model/health.ts';
import type { StoredFingerprint } from '../dataset/fingerprint.ts';

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

/** Where the engine stands before seeding: how many dataset rows are stored, and whether atombench owns it. */
export interface DatasetState {
  /** Rows with AtomId in 1..N stored by a previous seed (ingested rows excluded). */
  seededRows: number;
  /** Dataset identity recorded by the last seed, if any. */
  datasetKey?: string;
  /**
   * The generator checksum recorded by that seed (markSeeded), for the dataset `datasetKey` names;
   * absent where the engine does not record it (the caller then regenerates the rows to compute it).
   */
  checksum?: string;
  indexBuilt: boolean;
}

export interface SchemaPlan {
  names: ObjectNames;
  /** Identity of the dataset to hold (dataset/stream.ts datasetKey); another one stored means reseed. */
  datasetKey: string;
  index: Scenario['index'];
  /** The queues and metrics table for OODA traffic. */
  ooda: boolean;
  /**
   * The Neo4j sync queue: created, and every new atom ingested enqueues one sync request on it (as
   * Hartonomous's ingest sends one Neo4jSyncRequest per new atom). Absent: false.
   */
  neo4jSync?: boolean;
  /**
   * Keys of smaller datasets whose rows are a prefix of this one (same generator stream, fewer atoms): a
   * stored one is grown in place (seeding resumes after its rows) instead of refused or replaced.
   */
  growsFrom?: readonly string[];
}

export interface PrepareOptions {
  /**
   * Drop and recreate objects atombench owns when they hold another dataset. Without it, another
   * dataset is a UserError. Never touches objects atombench does not own.
   */
  allowDestructive: boolean;
  /** Accept a database whose tables atombench did not create (bench databases only). */
  force: boolean;
  /**
   * With force: delete the rows atombench did not insert (src/engines/ownership.ts) after saying so
   * through `notify`. Without it, foreign rows are a UserError naming the table and the count.
   */
  dropForeignRows?: boolean;
  /** Where prepare says what it is about to do (the progress's info line). */
  notify?: (message: string) => void;
  /**
   * A follower shard of a sharded run: shard 0 holds the dataset lock for the run (and alone writes the
   * dataset), so this prepare takes none.
   */
  followShard?: boolean;
  /** Drop and reseed the stored dataset even though it is the plan's (its rows were altered). */
  replaceDataset?: boolean;
}

/** Which stored rows a fingerprint reads: the dataset's N rows, these buckets (dataset/fingerprint.ts). */
export interface FingerprintRequest {
  atoms: number;
  buckets: readonly number[];
}

export interface SeedProgress {
  rowsDone: number;
  rowsTotal: number;
}

export interface SeedOutcome {
  rowsInserted: number;
  durationMs: number;
}

export interface IndexBuildOutcome {
  durationMs: number;
  ddl: string;
}

/** One workload operation with its parameters resolved (numbers drawn, query point chosen). */
export type OperationRequest =
  | { op: 'spatial.pool'; q: Point3; radius: number; pool: number }
  | { op: 'spatial.knn'; q: Point3; k: number }
  | { op: 'spatial.dedup'; q: Point3; threshold: number }
  | { op: 'spatial.walk'; q: Point3; goal: Point3; radius: number; steps: number; pool: number }
  | { op: 'ingest'; batchSize: number; firstIngestIndex: number }
  /** On the graph (Neo4j), not the SQL engine: the atoms `atomId` derives from, up to `depth` hops. */
  | { op: 'graph.provenance'; atomId: number; tenantId: number; depth: number };

/**
 * What Engine.run executes in one call: every request but the walk, whose loop is workload logic
 * (src/workload/spatial-walk.ts) and reaches the engine one step at a time through walkStep().
 */
export type EngineRequest = Exclude<OperationRequest, { op: 'spatial.walk' } | { op: 'graph.provenance' }>;

/** The graph's read side, for graph.provenance (src/engines/neo4j/graph.ts implements it). */
export interface GraphReader {
  /** Atoms reachable over DERIVED_FROM|INFLUENCED_BY in 1..depth hops. */
  provenance(atomId: number, tenantId: number, depth: number): Promise<number>;
}

/** One step of a spatial.walk: of the `pool` atoms nearest `q` within `radius`, the one nearest `goal`. */
export interface WalkStep {
  q: Point3;
  goal: Point3;
  radius: number;
  pool: number;
}

/** One walk step on the engine: the point to move to, or undefined when the window is empty. */
export type WalkStepFn = (step: WalkStep) => Promise<Point3 | undefined>;

export interface OperationResult {
  /** Rows the operation returned (or inserted, for ingest). */
  rows: number;
  /** Rows the spatial index returned before the exact test (primary filter), where the engine can tell. */
  candidates?: number;
  /** Spatial queries executed (walk runs several). */
  queries?: number;
}

/** A message on an OODA queue. */
export interface QueueMessage {
  id: string;
  phase: Phase;
  loopId: string;
  body: string;
  /** ms since epoch, as recorded by the server when the message was sent. */
  enqueuedAtMs: number;
  /** ms since epoch when the loop's Analyze trigger was sent. */
  loopStartedAtMs: number;
}

export interface PhaseMetricRow {
  phase: Phase;
  durationMs: number;
  success: boolean;
  errorMessage?: string;
}

/** The OODA traffic driver. receive/complete together are transactional on every engine. */
/** statistics: UPDATE STATISTICS ... WITH FULLSCAN / ANALYZE; rebuild: the spatial index rebuilt. */
export type MaintenanceKind = 'statistics' | 'rebuild';

export interface MaintenanceSession {
  /** Run one maintenance operation to completion; returns the statements it ran (for the report). */
  run(kind: MaintenanceKind): Promise<string[]>;
  close(): Promise<void>;
}

export interface QueueDriver {
  /** Put a trigger on the Analyze queue. */
  trigger(loopId: string, body: string): Promise<void>;
  /** Take the oldest message of a phase's queue, waiting up to waitMs; undefined on timeout. */
  receive(phase: Phase, waitMs: number): Promise<QueueMessage | undefined>;
  /**
   * Finish a received message: record the metric row and, unless `next` is undefined (the loop ends
   * or failed), send it on to the next phase. Atomic with the receive's removal of the message.
   */
  complete(msg: QueueMessage, metric: PhaseMetricRow, next: Phase | undefined): Promise<void>;
  /** Messages waiting per queue, read from the database. */
  depth(): Promise<Record<Phase, number>>;
  close(): Promise<void>;
}

/** One Neo4jSyncRequest on the engine's sync queue. */
export interface SyncRequest {
  id: string;
  /** The new atom's AtomId. */
  entityId: number;
  tenantId: number;
  syncType: string;
  /** ms since epoch when ingest enqueued it (the client's clock, as the sync lag is measured on it). */
  enqueuedAtMs: number;
}

/** Requests received together: held (leased or locked) until completed or abandoned. */
export interface SyncBatch {
  requests: SyncRequest[];
  /** Remove them from the queue (after the graph committed them). */
  complete(): Promise<void>;
  /** Put them back (the graph failed): they are received again. */
  abandon(): Promise<void>;
}

/** The Neo4j sync queue, consumed by the readers (src/engines/neo4j/readers.ts). */
export interface SyncQueueDriver {
  /** Up to `max` of the oldest requests nobody holds, waiting up to waitMs; undefined on timeout. */
  receive(max: number, waitMs: number): Promise<SyncBatch | undefined>;
  /** Requests waiting (held ones included), read from the database. */
  depth(): Promise<number>;
  close(): Promise<void>;
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
  /** Record the dataset identity once seeding finished. */
  /** Record the seeded dataset's identity (and its generator checksum, given back by prepare). */
  markSeeded(datasetKey: string, rows: number, checksum?: string): Promise<void>;
  buildIndex(plan: SchemaPlan): Promise<IndexBuildOutcome>;
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

/** One row a shard announced: (run id, key, shard) -> value, stamped with the server's clock. */
export interface ShardAnnouncement {
  shard: number;
  value: string;
  /** Server time of the write, ms since the epoch. */
  atMs: number;
}

/**
 * The rows live in one small table atombench creates on first use (atombench_shards on PostGIS and
 * SQLite, [schema].AtombenchShards on SQL Server) and only ever writes for a run id it was given.
 */
export interface ShardCoordination {
  /** The server's clock, ms since the epoch (SELECT now() / SYSUTCDATETIME()). */
  serverTimeMs(): Promise<number>;
  /** Write (or overwrite) this shard's row for (runId, key). */
  announce(runId: string, key: string, shard: number, value: string): Promise<void>;
  /** Every row written for (runId, key), any shard. */
  announced(runId: string, key: string): Promise<ShardAnnouncement[]>;
}

// ---- Measured index tuning (`atombench tune`): the engine-neutral sweeps in src/tune/ drive these. ----

/** The index as found before a sweep. */
export interface IndexSnapshot<C> {
  existed: boolean;
  /** The statement that recreates it (for the report, and for a person if restoring fails). */
  ddl: string;
  /** The configuration `rebuild` would reproduce it with exactly, when it is one. */
  config?: C;
}

/** What a sweep needs from an engine, for index configurations `C` and sizes `S`. Errors are redacted. */
export interface IndexTarget<C, S> {
  snapshot(): Promise<IndexSnapshot<C>>;
  /** Before the first rebuild (e.g. mark the index stale so a killed sweep is noticed by the next run). */
  begin?(): Promise<void>;
  rebuild(cfg: C): Promise<{ ddl: string }>;
  restore(s: IndexSnapshot<C>): Promise<{ ddl: string }>;
  /** After the restore succeeded. */
  end?(): Promise<void>;
  run(req: EngineRequest): Promise<OperationResult>;
  indexSize(): Promise<S | undefined>;
  close(): Promise<void>;
}

/** A query window: the disc @q.STBuffer(radius) around (x, y). */
export interface QueryWindow {
  x: number;
  y: number;
  radius: number;
}

/** One primary-filter reading for one window (sp_help_spatial_geometry_index on SQL Server). */
export interface FilterSample {
  candidates: number;
  output: number;
  internalFiltered?: number;
  efficiencyPercent?: number;
  indexRowsPerBaseRow?: number;
}

/** A grid index's size on the server. */
export interface MeasuredSize {
  rows: number;
  reservedBytes: number;
  usedBytes: number;
}

/** A GEOMETRY_GRID index (SQL Server): rebuilt with each grid configuration the model ranks. */
export interface GridIndexTarget extends IndexTarget<GridConfig, MeasuredSize> {
  primaryFilter(w: QueryWindow): Promise<FilterSample | undefined>;
}

/** An index of options (PostGIS: access method, fillfactor, buffering), its size after a build. */
export interface OptionIndexSize {
  /** pg_relation_size of the index. */
  bytes: number;
  pages: number;
  /** Index entries as the build counted them (pg_class.reltuples). */
  tuples: number;
}

/** The configurations an options sweep measures, as the engine plans them on its server. */
export interface OptionsPlan<C> {
  configs: readonly C[];
  /** The scenario's configuration: measured last, so its build usually restores the index. */
  current: C;
  /** About the server and the options (e.g. an operator class without kNN ordering). */
  notes: string[];
}

export interface OptionsIndexTarget<C = unknown> extends IndexTarget<C, OptionIndexSize> {
  /** EXPLAIN of a request as the workload issues it. */
  explain(req: OperationRequest): Promise<PlanInfo>;
  /** The sweep's configurations: `requested` (from the command line) or the engine's defaults. */
  plan(requested: readonly C[] | undefined): Promise<OptionsPlan<C>>;
  same(a: C, b: C): boolean;
  describe(c: C): { label: string; options: Record<string, string | number> };
}

/** Who may rebuild: `force` accepts tables atombench did not create; attach mode never rebuilds. */
export interface TuneAccess {
  force: boolean;
}

/**
 * What `tune` can build and measure on this engine's server. `none`: nothing to sweep (the note says
 * why). `grid`: the GEOMETRY_GRID model's configurations. `options`: the engine's own index options,
 * chosen with `flag` (parsed before anything connects).
 */
export type IndexTuning =
  | { kind: 'none'; note: string }
  | { kind: 'grid'; open(access: TuneAccess): Promise<GridIndexTarget> }
  | {
      kind: 'options';
      note: string;
      flag: string;
      /** The flag's value as configurations; a UserError naming the flag on bad input. */
      parseConfigs(text: string): unknown[];
      open(access: TuneAccess): Promise<OptionsIndexTarget>;
    };

/** How the load's pool treats each operation (scenario `workload`). */
export interface LoadPoolOptions {
  /**
   * Per-operation deadline enforced on the server side (`workload.timeoutMs`): PostgreSQL
   * statement_timeout, the SQL Server driver's request timeout (attention), a SQLite worker deadline.
   * An operation past it fails with error class `timeout`; the pool stays usable. Absent: none.
   */
  statementTimeoutMs?: number;
}
