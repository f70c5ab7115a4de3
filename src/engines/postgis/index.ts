import type pg from 'pg';
import { createIngestRecordFactory } from '../../dataset/records.ts';
import type { DatasetSource } from '../../dataset/stream.ts';
import type { RowBatch, SeedBatch } from '../../dataset/types.ts';
import type { ObjectNames } from '../../scenario/names.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type {
  Capabilities,
  Capability,
  DatasetState,
  Engine,
  EngineRequest,
  FingerprintRequest,
  IndexBuildOptions,
  IndexBuildOutcome,
  OperationRequest,
  OperationResult,
  MaintenanceSession,
  PlanInfo,
  PrepareOptions,
  ProbeSample,
  QueueDriver,
  SchemaPlan,
  SeedOutcome,
  SeedProgress,
  SyncQueueDriver,
  IndexTuning,
  LoadPoolOptions,
  ShardCoordination,
  WalkStepFn,
} from '../types.ts';
import type { EngineFingerprint } from '../../model/engine.ts';
import { clientConfig, displayUrl, isDead, onClients, openClient, scrubbing } from './connection.ts';
import type { PostgisEngineOptions } from './engine-options.ts';
import { postgisIds, spatialSql, SPATIAL_INDEX_BYTES_SQL, type PoolVariant } from './dialect.ts';
import { openMaintenanceSession } from './maintenance.ts';
import { PostgisOps } from './ops.ts';
import { PostgisProbes } from './server/probes.ts';
import { ProbeConnection } from './server/probe-connection.ts';
import {
  buildAfterLoad,
  fingerprintStored,
  seedBatches,
  seedDataset,
  seedRowBatches,
  type LoadingContext,
} from './loading.ts';
import { PostgisQueueDriver } from './queues/queue-driver.ts';
import { PostgisSyncQueue } from './queues/sync-queue.ts';
import { indexDdlFor } from './index-options.ts';
import { markSeeded, postgisCoordination, prepareSchema, resetIngested } from './schema.ts';
import { storedRowHashes } from './safety/fingerprint.ts';
import type { StoredFingerprint } from '../../dataset/fingerprint.ts';
import { postgisTuning } from './tune/tune-target.ts';
import { wireSettings } from './wire/connection.ts';
import { WirePool } from './wire/pool.ts';
import { runPostgisHealthCheck } from './server/check.ts';
import { detectServer, readFingerprint } from './server/info.ts';
import type { HealthReport } from '../../model/health.ts';

export { postgisEnvOptions, type PostgisEngineOptions } from './engine-options.ts';

/** The PostGIS engine: pg + pg-copy-streams, a GiST index, queue tables received with SKIP LOCKED. */
export class PostgisEngine implements Engine {
  readonly name = 'postgis' as const;
  private admin: pg.Client | undefined;
  private pool: WirePool | undefined;
  private ops: PostgisOps | undefined;
  private queueDriver: PostgisQueueDriver | undefined;
  private syncDriver: PostgisSyncQueue | undefined;
  /** prepare() created the Neo4j sync queue: ingest enqueues a request per new atom. */
  private sync = false;
  private names: ObjectNames;
  /** The scenario's index.postgis, once prepare() has the plan (the fingerprint's DDL before a build). */
  private indexOptions: Scenario['index']['postgis'];
  private readonly variant: PoolVariant;
  private statStatements: Capability = { supported: false, reason: 'not connected yet' };
  private flushSupported = false;

  readonly tuning: IndexTuning;
  /** Probes see the names and variant of the moment they connect (prepare() sets the names). */
  private readonly probeConn: ProbeConnection;
  readonly coordination: ShardCoordination = postgisCoordination((fn) => this.q(fn));

  constructor(private readonly opts: PostgisEngineOptions) {
    this.names = opts.names;
    this.variant = opts.poolVariant ?? 'knn-dwithin';
    this.probeConn = new ProbeConnection(opts.url, (c) => {
      const ids = postgisIds(this.names);
      const sql = spatialSql(ids, this.variant);
      return new PostgisProbes(c, ids, sql, this.names, this.statStatements, this.flushSupported);
    });
    this.tuning = postgisTuning({
      url: opts.url,
      names: opts.names,
      engine: this,
      current: () => this.indexOptions,
      openPool: (n) => this.openPool(n),
    });
  }

  get capabilities(): Capabilities {
    return {
      seekRatio: { supported: true },
      cacheHitRatio: { supported: true },
      queueDepth: { supported: true },
      primaryFilter: { supported: true },
      serverQueryStats: this.statStatements,
      gridIndex: {
        supported: false,
        reason:
          'GiST is an R-tree over bounding boxes: BOUNDING_BOX, GRIDS, CELLS_PER_OBJECT and PAD_INDEX apply to SQL Server only',
      },
    };
  }

  /** Where we are, for messages: the URL without its password. */
  private get where(): string {
    return `postgis ${displayUrl(this.opts.url)}`;
  }

  private get conn(): pg.Client {
    if (!this.admin) throw new Error('postgis engine: not connected');
    return this.admin;
  }

  /** Run on the admin connection, errors scrubbed of secrets (the server's reason if it ended it). */
  private q<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    return scrubbing(this.opts.url, () => onClients([this.conn], () => fn(this.conn)));
  }

  /**
   * Run an idempotent step on the admin connection, on a fresh one when the server dropped it (a
   * restart, pg_terminate_backend) — once more if it drops during the step. The cleanup after a
   * fault must not fail on the connection the fault killed.
   */
  private async qFresh<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (this.admin && isDead(this.admin)) {
        await this.admin.end().catch(() => undefined);
        this.admin = undefined;
      }
      this.admin ??= await openClient(this.opts.url);
      try {
        return await this.q(fn);
      } catch (e) {
        if (attempt > 0 || !isDead(this.admin)) throw e;
      }
    }
  }

  async connect(): Promise<void> {
    this.admin = await openClient(this.opts.url);
    const abilities = await this.q((c) => detectServer(c));
    this.flushSupported = abilities.flushSupported;
    this.statStatements = abilities.statStatements;
  }

  async close(): Promise<void> {
    await this.queueDriver?.close();
    await this.syncDriver?.close();
    this.syncDriver = undefined;
    await this.pool?.end().catch(() => {});
    await this.probeConn.close();
    await this.admin?.end().catch(() => {});
    this.queueDriver = this.pool = this.admin = undefined;
    this.ops = undefined;
  }

  fingerprint(): Promise<EngineFingerprint> {
    return this.qFresh((c) =>
      readFingerprint(c, this.names, {
        poolVariant: this.variant,
        indexDdl: () => indexDdlFor(this.names, this.indexOptions),
      }),
    );
  }

  async prepare(plan: SchemaPlan, opts: PrepareOptions): Promise<DatasetState> {
    this.names = plan.names;
    this.indexOptions = plan.index.postgis;
    this.sync = plan.neo4jSync === true;
    return this.q((c) => prepareSchema(c, plan, opts, this.where));
  }

  /** What loading.ts needs: the URL, the admin connection, the names now. */
  private get loading(): LoadingContext {
    return { url: this.opts.url, admin: this.conn, names: this.names };
  }

  seed(
    batches: AsyncIterable<SeedBatch>,
    onProgress: (p: SeedProgress) => void,
    rowsTotal: number,
  ): Promise<SeedOutcome> {
    return seedBatches(this.loading, this.opts, batches, onProgress, rowsTotal);
  }

  seedRows(
    batches: AsyncIterable<RowBatch>,
    onProgress: (p: SeedProgress) => void,
    rowsTotal: number,
  ): Promise<SeedOutcome> {
    return seedRowBatches(this.loading, this.opts, batches, onProgress, rowsTotal);
  }

  seedDataset(
    source: DatasetSource,
    onProgress: (p: SeedProgress) => void,
    rowsTotal: number,
  ): Promise<SeedOutcome> {
    return seedDataset(this.loading, this.opts, source, onProgress, rowsTotal);
  }

  markSeeded(datasetKey: string, rows: number, checksum?: string): Promise<void> {
    return this.q((c) => markSeeded(c, this.names, datasetKey, rows, checksum));
  }

  buildIndex(plan: SchemaPlan, opts: IndexBuildOptions = {}): Promise<IndexBuildOutcome> {
    return buildAfterLoad(this.loading, plan, opts.fingerprint);
  }

  resetIngested(datasetRows: number): Promise<number> {
    return this.qFresh((c) => resetIngested(c, this.names, datasetRows));
  }

  async cancelRunning(): Promise<void> {
    await this.pool?.cancelAll();
  }

  storedFingerprint(req: FingerprintRequest): Promise<StoredFingerprint> {
    return fingerprintStored(this.loading, req);
  }

  storedRowHashes(req: FingerprintRequest): Promise<Map<number, number[]>> {
    return this.q((c) => storedRowHashes(c, this.names, req));
  }

  async indexBytes(): Promise<number | undefined> {
    const ix = postgisIds(this.names).spatialIndex;
    const r = await this.q((c) => c.query<{ bytes: string | null }>(SPATIAL_INDEX_BYTES_SQL, [ix]));
    return r.rows[0]?.bytes == null ? undefined : Number(r.rows[0].bytes);
  }

  async openPool(size: number, opts: LoadPoolOptions = {}): Promise<void> {
    await this.pool?.end().catch(() => {});
    const settings = wireSettings(clientConfig(this.opts.url));
    if (opts.statementTimeoutMs) settings.statementTimeoutMs = opts.statementTimeoutMs;
    this.pool = await scrubbing(this.opts.url, () => WirePool.open(settings, size));
    const ingest = createIngestRecordFactory(this.opts.dataset, this.opts.runNonce);
    this.ops = new PostgisOps(this.pool, postgisIds(this.names), this.variant, ingest, this.sync);
    // The probe connection starts now too, and counters are read once: later samples are deltas from here.
    await this.probeConn.markBaseline();
  }

  run(req: EngineRequest): Promise<OperationResult> {
    if (!this.ops) return Promise.reject(new Error('postgis engine: openPool() first'));
    return this.ops.run(req);
  }

  withWalkStep<T>(loop: (step: WalkStepFn) => Promise<T>): Promise<T> {
    if (!this.ops) return Promise.reject(new Error('postgis engine: openPool() first'));
    return this.ops.withWalkStep(loop);
  }

  async queues(): Promise<QueueDriver> {
    this.queueDriver ??= await PostgisQueueDriver.open(this.opts.url, postgisIds(this.names));
    return this.queueDriver;
  }

  /** `atombench check`: read-only, on its own connection (check.ts). */
  healthCheck(): Promise<HealthReport> {
    return runPostgisHealthCheck(this.opts.url, this.names);
  }

  /** Maintenance on a connection of its own (scenario `maintenance:`), in autocommit. */
  maintenance(): Promise<MaintenanceSession> {
    return openMaintenanceSession(this.opts.url, this.names);
  }

  async syncQueue(readers: number): Promise<SyncQueueDriver> {
    if (!this.sync) throw new Error('postgis engine: prepare() with neo4jSync first');
    this.syncDriver ??= PostgisSyncQueue.open(this.opts.url, postgisIds(this.names), readers);
    return this.syncDriver;
  }

  probe(): Promise<ProbeSample> {
    return this.probeConn.sample();
  }

  explain(req: OperationRequest): Promise<PlanInfo> {
    return this.probeConn.explain(req);
  }

  primaryFilter(req: OperationRequest): Promise<{ candidates: number; output: number } | undefined> {
    return this.probeConn.primaryFilter(req);
  }
}
