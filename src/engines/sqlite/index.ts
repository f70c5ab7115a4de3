import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { RowBatch, SeedBatch } from '../../dataset/types.ts';
import { UserError } from '../../errors.ts';
import { NAME_PRESETS, type ObjectNames } from '../../scenario/names.ts';
import type { HealthReport } from '../../model/health.ts';
import { runSqliteHealthCheck } from './check.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { quoteDouble, renderSqlFile } from '../sql-template.ts';
import type {
  Capabilities,
  DatasetState,
  Engine,
  EngineRequest,
  FingerprintRequest,
  IndexBuildOutcome,
  OperationRequest,
  MaintenanceSession,
  OperationResult,
  PlanInfo,
  PrepareOptions,
  ProbeSample,
  QueueDriver,
  SchemaPlan,
  SeedOutcome,
  SyncQueueDriver,
  SeedProgress,
  IndexTuning,
  LoadPoolOptions,
  WalkStepFn,
} from '../types.ts';
import type { EngineFingerprint } from '../../model/engine.ts';
import { openSqlite, SQLITE_PRAGMAS } from './connection.ts';
import { sqliteCoordination } from './coordination.ts';
import { seedSql, sqliteIdentifiers, sqliteTemplateNames } from './dialect.ts';
import { prepareDataset, resetIngested, seedRows, setMeta, tableExists } from './dataset.ts';
import type { StoredFingerprint } from '../../dataset/fingerprint.ts';
import { storedFingerprint, storedRowHashes } from './fingerprint.ts';
import { DatasetLock } from './lock.ts';
import { SqliteThreads } from './threads.ts';

export const SQLITE_CAPABILITIES: Capabilities = {
  seekRatio: { supported: true },
  cacheHitRatio: {
    supported: false,
    reason:
      'SQLite keeps page-cache hit/miss counters per connection (sqlite3_db_status), which better-sqlite3 does not expose',
  },
  queueDepth: { supported: true },
  primaryFilter: { supported: true },
  serverQueryStats: {
    supported: false,
    reason: 'SQLite runs in process: there is no server-side statement statistics view',
  },
  gridIndex: {
    supported: false,
    reason: 'the R*Tree has no grid settings (GRIDS, CELLS_PER_OBJECT apply to SQL Server only)',
  },
};

/** The spatial index as the fingerprint and the build report it (one text, so runs compare equal). */
function rtreeDdl(embeddingsTable: string): string {
  return `CREATE VIRTUAL TABLE ${quoteDouble(`${embeddingsTable}_rtree`)} USING rtree(id, minX, maxX, minY, maxY) -- over (X, Y)`;
}

export interface SqliteEngineOptions {
  path: string;
  dataset: Scenario['dataset'];
  runNonce: string;
  /** The name mapping `check` reads with (prepare() gets it from the schema plan). */
  names?: ObjectNames;
  /**
   * Test hook: every operation holds its worker thread for at least this long (the query, then a sleep),
   * so the engine's capacity is known exactly: workers / service time. Set through
   * ATOMBENCH_TEST_SERVICE_TIME_MS; it shows in the fingerprint's settings, so such a run never compares
   * equal to a real one.
   */
  serviceTimeMs?: number;
}

/** The test hook's environment variable, read by the registry (sqliteEnvOptions). */
export function sqliteEnvOptions(env: NodeJS.ProcessEnv): Pick<SqliteEngineOptions, 'serviceTimeMs'> {
  const v = env.ATOMBENCH_TEST_SERVICE_TIME_MS;
  if (v === undefined || v === '') return {};
  const ms = Number(v);
  if (!Number.isFinite(ms) || ms <= 0 || ms > 10_000)
    throw new UserError(`ATOMBENCH_TEST_SERVICE_TIME_MS: expected milliseconds in (0, 10000]; got "${v}"`);
  return { serviceTimeMs: ms };
}

/** The embedded engine: better-sqlite3 in worker threads, an R*Tree spatial index, queue tables. */
export class SqliteEngine implements Engine {
  readonly name = 'sqlite' as const;
  readonly capabilities = SQLITE_CAPABILITIES;
  readonly tuning: IndexTuning = {
    kind: 'none',
    note: "SQLite's R*Tree has no index options (no grid, no fill factor, no build method to choose), so tune measures nothing on sqlite: there is nothing to sweep. The GEOMETRY_GRID model below is SQL Server's; it does not apply to SQLite and is shown for planning only",
  };
  private db: Database.Database | undefined;
  private names: ObjectNames | undefined;
  /** The load pool, probes, queues, index build and maintenance, each on its own thread (threads.ts). */
  private readonly threads = new SqliteThreads((withQueues) => this.workerData(withQueues));
  /** The Neo4j sync queue table once prepare() created it (SchemaPlan.neo4jSync). */
  private syncTable: string | undefined;
  /** Shards on one machine, one database file (coordination.ts). */
  readonly coordination = sqliteCoordination(() => this.conn);

  private readonly lock: DatasetLock;

  constructor(private readonly opts: SqliteEngineOptions) {
    this.lock = new DatasetLock(opts.path);
  }

  async connect(): Promise<void> {
    mkdirSync(dirname(this.opts.path), { recursive: true });
    this.db = openSqlite(this.opts.path, false, false);
  }

  async close(): Promise<void> {
    await this.threads.close();
    this.db?.close();
    this.db = undefined;
    this.lock.release();
  }

  private get conn(): Database.Database {
    if (!this.db) throw new Error('sqlite engine: not connected');
    return this.db;
  }

  async fingerprint(): Promise<EngineFingerprint> {
    const version = (this.conn.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    return {
      engine: 'sqlite',
      serverVersion: `SQLite ${version} (better-sqlite3)`,
      settings: {
        ...SQLITE_PRAGMAS,
        page_size: String(this.conn.pragma('page_size', { simple: true })),
        ...(this.opts.serviceTimeMs ? { test_service_time_ms: String(this.opts.serviceTimeMs) } : {}),
      },
      indexDdl: rtreeDdl(this.names?.embeddingsTable ?? 'AtomEmbeddings'),
    };
  }

  async prepare(plan: SchemaPlan, opts: PrepareOptions): Promise<DatasetState> {
    this.names = plan.names;
    // One atombench per dataset file, then every check, all before the first write (WAL included).
    if (!opts.followShard) this.lock.acquire();
    const state = prepareDataset(this.conn, plan, opts, this.opts.path);
    this.syncTable = plan.neo4jSync ? plan.names.neo4jSyncQueue : undefined;
    return state;
  }

  seed(
    batches: AsyncIterable<SeedBatch | RowBatch>,
    onProgress: (p: SeedProgress) => void,
    rowsTotal: number,
  ): Promise<SeedOutcome> {
    return seedRows(this.conn, this.requireNames(), batches, onProgress, rowsTotal);
  }

  /** Lazy batches take the same path: each row is inserted as it is generated (dataset.ts). */
  readonly seedRows = this.seed;

  async markSeeded(datasetKey: string, rows: number, checksum?: string): Promise<void> {
    setMeta(this.conn, 'datasetKey', datasetKey);
    setMeta(this.conn, 'seededRows', String(rows));
    if (checksum) setMeta(this.conn, 'checksum', checksum);
  }

  async buildIndex(plan: SchemaPlan): Promise<IndexBuildOutcome> {
    const tpl = sqliteTemplateNames(plan.names);
    const started = performance.now();
    const ddl = renderSqlFile('sqlite', 'index.sql', tpl, quoteDouble);
    await this.threads.buildIndex(`DROP TABLE IF EXISTS ${quoteDouble(tpl.rtree!)}`, ddl);
    setMeta(this.conn, 'indexBuilt', '1');
    return {
      durationMs: performance.now() - started,
      ddl: rtreeDdl(plan.names.embeddingsTable),
    };
  }

  async resetIngested(datasetRows: number): Promise<number> {
    return resetIngested(this.conn, this.requireNames(), datasetRows);
  }

  async storedFingerprint(req: FingerprintRequest): Promise<StoredFingerprint> {
    const names = this.requireNames();
    return storedFingerprint(this.conn, names, req, tableExists(this.conn, `${names.embeddingsTable}_rtree`));
  }

  async storedRowHashes(req: FingerprintRequest): Promise<Map<number, number[]>> {
    return storedRowHashes(this.conn, this.requireNames(), req);
  }

  async indexBytes(): Promise<number | undefined> {
    const names = this.requireNames();
    if (!tableExists(this.conn, `${names.embeddingsTable}_rtree_node`)) return undefined;
    return (this.conn.prepare(seedSql(sqliteIdentifiers(names)).rtreeBytes).get() as { n: number }).n;
  }

  private requireNames(): ObjectNames {
    if (!this.names) throw new Error('sqlite engine: prepare() first');
    return this.names;
  }

  private workerData(withQueues: boolean): Record<string, unknown> {
    return {
      dbPath: this.opts.path,
      names: this.requireNames(),
      dataset: this.opts.dataset,
      runNonce: this.opts.runNonce,
      withQueues,
      syncQueue: this.syncTable,
      serviceTimeMs: withQueues ? undefined : this.opts.serviceTimeMs,
    };
  }

  openPool(size: number, opts: LoadPoolOptions = {}): Promise<void> {
    return this.threads.openPool(size, opts);
  }

  cancelRunning(): Promise<void> {
    return this.threads.cancelRunning();
  }

  run(req: EngineRequest): Promise<OperationResult> {
    return this.threads.run(req);
  }

  withWalkStep<T>(loop: (step: WalkStepFn) => Promise<T>): Promise<T> {
    return this.threads.withWalkStep(loop);
  }

  queues(): Promise<QueueDriver> {
    return this.threads.queues();
  }

  /** `atombench check`: read-only, on its own read-only connection (check.ts). */
  async healthCheck(): Promise<HealthReport> {
    return runSqliteHealthCheck(this.opts.path, this.opts.names ?? this.names ?? NAME_PRESETS.runbook!);
  }

  maintenance(): Promise<MaintenanceSession> {
    return this.threads.maintenance();
  }

  async syncQueue(): Promise<SyncQueueDriver> {
    if (!this.syncTable) throw new Error('sqlite engine: prepare() with neo4jSync first');
    return this.threads.syncQueue();
  }

  probe(): Promise<ProbeSample> {
    return this.threads.probe();
  }

  explain(req: OperationRequest): Promise<PlanInfo> {
    return this.threads.explain(req);
  }

  primaryFilter(req: OperationRequest): Promise<{ candidates: number; output: number } | undefined> {
    return this.threads.primaryFilter(req);
  }
}
