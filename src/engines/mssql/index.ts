/**
 * The SQL Server engine: Hartonomous's own platform (geometry + spatial index + Service Broker), via the
 * mssql package (tedious). Connection pools in pools.ts (admin, work, probe) plus the queue driver's own.
 * Attach mode creates nothing, runs read-only spatial work and probes, and sends OODA triggers only with
 * ooda.sendInAttachMode. The password never leaves connection-url.ts unredacted: every message goes
 * through the target's Redactor. Seeding path: seed-rows.ts (native by default, ATOMBENCH_MSSQL_SEED_MODE).
 */
import { DatasetLockHolder } from './seed/lock.ts';
import { createIngestRecordFactory } from '../../dataset/records.ts';
import type { SeedBatch } from '../../dataset/types.ts';
import { RuntimeFailure, UserError } from '../../errors.ts';
import { resolveNames, type ObjectNames } from '../../scenario/names.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type {
  Capabilities,
  DatasetState,
  Engine,
  EngineRequest,
  IndexBuildOutcome,
  MaintenanceSession,
  OperationRequest,
  OperationResult,
  PlanInfo,
  PrepareOptions,
  ProbeSample,
  QueueDriver,
  SyncQueueDriver,
  SchemaPlan,
  SeedOutcome,
  SeedProgress,
  IndexTuning,
  LoadPoolOptions,
  ShardCoordination,
  WalkStepFn,
  FingerprintRequest,
} from '../types.ts';
import { mssqlCoordination } from './coordination.ts';
import type { EngineFingerprint } from '../../model/engine.ts';
import { MssqlQueueDriver } from './broker/queue-driver.ts';
import { updateMetaQuery } from './sql/catalog.ts';
import { parseMssqlUrl, type MssqlTarget } from './connection-url.ts';
import { MssqlPools } from './pools.ts';
import { queryWindow } from './sql/dialect.ts';
import { resetIngestedQuery } from './sql/dialect-ingest.ts';
import { enableBroker, type Sessions } from './broker/enable-broker.ts';
import { MssqlSyncQueue } from './queues/sync-queue.ts';
import { syncClearQuery } from './queues/sync-dialect.ts';
import { mssqlErrorClass } from './error-class.ts';
import { attachState, readFingerprint } from './engine-info.ts';
import { buildSpatialIndexes, spatialIndexBytes } from './seed/index-build.ts';
import { MssqlOperations } from './operations.ts';
import { PrimaryFilterSampler } from './plan/primary-filter.ts';
import { openMaintenanceSession } from './maintenance.ts';
import { defaultCapabilities, MssqlProbes, NO_SHOWPLAN } from './plan/probes.ts';
import { prepareSchema } from './seed/schema.ts';
import { SEED_MODES, type SeedMode } from './seed/seed-rows.ts';
import { seedBatches } from './seed/seeding.ts';
import { mssqlTuning } from './tune/tune-target.ts';
import { runHealthCheck } from './check/healthcheck.ts';
import type { HealthReport } from '../../model/health.ts';
import { exec, rows } from './sql/statement.ts';
import { storedFingerprint, storedRowHashes } from './seed/stored-fingerprint.ts';
import type { StoredFingerprint } from '../../dataset/fingerprint.ts';

export interface MssqlEngineOptions {
  url: string | undefined;
  scenario: Scenario;
  /** Unique per run: ingested atoms get content hashes no other run uses. */
  runNonce: string;
  /** Seeding path (seed-rows.ts); default native, or ATOMBENCH_MSSQL_SEED_MODE=staging. */
  seedMode?: SeedMode;
  /** At most one sp_help_spatial_geometry_index_xml call per this many ms (it reads the whole index). */
  primaryFilterEveryMs?: number;
}

const QUEUE_POOL_MAX = 10;

function seedModeOf(o: MssqlEngineOptions): SeedMode {
  const m = o.seedMode ?? process.env.ATOMBENCH_MSSQL_SEED_MODE ?? 'native';
  if (!SEED_MODES.includes(m as SeedMode))
    throw new UserError(`ATOMBENCH_MSSQL_SEED_MODE: "${m}" is not one of ${SEED_MODES.join(', ')}`);
  return m as SeedMode;
}

export class MssqlEngine implements Engine {
  readonly name = 'mssql' as const;
  readonly capabilities: Capabilities;
  private readonly target: MssqlTarget;
  private readonly scenario: Scenario;
  private names: ObjectNames;
  private index: Scenario['index'];
  private readonly mode: SeedMode;
  private ops: MssqlOperations;
  private readonly pools: MssqlPools;
  private probes: MssqlProbes | undefined;
  private driver: MssqlQueueDriver | undefined;
  /** prepare() created the Neo4j sync queue (SchemaPlan.neo4jSync): ingest sends to it. */
  private neo4jSync = false;
  private readonly datasetLock = new DatasetLockHolder();
  private readonly filter: PrimaryFilterSampler;
  readonly tuning: IndexTuning;
  /**
   * The stored-data fingerprint (seed/stored-fingerprint.ts); absent on the staging seed path, which
   * stores no Z (geometry::Point is 2-D), so no row could match the generator's.
   */
  readonly storedFingerprint?: (req: FingerprintRequest) => Promise<StoredFingerprint>;
  readonly storedRowHashes?: (req: FingerprintRequest) => Promise<Map<number, number[]>>;
  readonly coordination: ShardCoordination = mssqlCoordination(
    { admin: () => this.pools.admin, probe: () => this.pools.probe },
    () => this.names.schema,
  );

  constructor(private readonly o: MssqlEngineOptions) {
    this.target = parseMssqlUrl(o.url);
    this.pools = new MssqlPools(this.target);
    this.scenario = o.scenario;
    this.names = resolveNames(o.scenario.names.preset, o.scenario.names.overrides);
    this.index = o.scenario.index;
    this.mode = seedModeOf(o);
    this.capabilities = defaultCapabilities(o.scenario.ooda.enabled);
    this.ops = this.makeOps();
    this.filter = new PrimaryFilterSampler(
      o.primaryFilterEveryMs ?? 10_000,
      this.target.redactor,
      (reason) => (this.capabilities.primaryFilter = { supported: false, reason }),
    );
    if (this.mode === 'native') {
      this.storedFingerprint = (req) => storedFingerprint(this.pools.admin, this.names, req);
      this.storedRowHashes = (req) => storedRowHashes(this.pools.admin, this.names, req);
    }
    this.tuning = mssqlTuning({
      url: o.url,
      names: this.names,
      index: this.index,
      engine: this,
      attach: this.scenario.attach,
      openPool: (n) => this.openPool(n),
    });
  }

  private get attach(): boolean {
    return this.scenario.attach;
  }

  private makeOps(): MssqlOperations {
    const makeIngest = createIngestRecordFactory(this.scenario.dataset, this.o.runNonce);
    return new MssqlOperations({
      names: this.names,
      hint: this.index.hint,
      mode: this.mode,
      makeIngest,
      redactor: this.target.redactor,
      neo4jSync: this.neo4jSync,
    });
  }

  healthCheck(): Promise<HealthReport> {
    return runHealthCheck(this.o.url, this.names);
  }

  /** Run setup work, turning server errors into RuntimeFailures (exit 3) with a redacted message. */
  private async setup<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof UserError || e instanceof RuntimeFailure) throw e;
      throw new RuntimeFailure(`${what} on ${this.target.display}: ${this.target.redactor.message(e)}`);
    }
  }

  async connect(): Promise<void> {
    await this.pools.connect();
    this.probes = new MssqlProbes(this.pools.probe, this.names, this.capabilities, this.target.redactor, () =>
      this.driverGauges(),
    );
    await this.probes.detect().catch(() => undefined);
  }

  /** Gauges kept client-side: broker errors by class, the last sp_help_spatial_geometry_index_xml sample. */
  private driverGauges(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.driver?.errorsByClass ?? {})) out[`brokerErrors.${k}`] = v;
    const f = this.filter.last;
    if (f?.efficiencyPercent !== undefined) out['primaryFilter.efficiencyPercent'] = f.efficiencyPercent;
    if (f?.indexRowsPerBaseRow !== undefined) out['spatialIndex.rowsPerBaseRow'] = f.indexRowsPerBaseRow;
    return out;
  }

  async close(): Promise<void> {
    await this.unlock();
    await this.driver?.close().catch(() => undefined);
    this.driver = undefined;
    await this.pools.close();
  }

  /** The dataset lock (seed/lock.ts) on a connection of its own, taken by prepare, held until close. */
  private lock(): Promise<void> {
    return this.datasetLock.take(() => this.pools.open(1, 0), this.names);
  }

  private unlock(): Promise<void> {
    return this.datasetLock.release();
  }

  async fingerprint(): Promise<EngineFingerprint> {
    return this.setup('fingerprint', () =>
      readFingerprint(this.pools.probe, {
        names: this.names,
        index: this.index,
        seedMode: this.mode,
        attach: this.attach,
      }),
    );
  }

  async prepare(plan: SchemaPlan, opts: PrepareOptions): Promise<DatasetState> {
    this.names = plan.names;
    this.index = plan.index;
    this.neo4jSync = plan.neo4jSync === true && !this.attach;
    this.ops = this.makeOps();
    this.probes = new MssqlProbes(this.pools.probe, this.names, this.capabilities, this.target.redactor, () =>
      this.driverGauges(),
    );
    if (this.attach) return this.setup('attach', () => attachState(this.pools.admin, this.names));
    const pools = this.pools;
    if (!opts.followShard) await this.setup('taking the dataset lock', () => this.lock());
    return this.setup('prepare', () =>
      prepareSchema(
        {
          get pool() {
            return pools.admin;
          },
          names: this.names,
          validation: this.scenario.ooda.validation,
          enableBroker: (exclusive) => enableBroker(this.sessions(), exclusive),
        },
        plan,
        opts,
      ),
    );
  }

  private sessions(): Sessions {
    return {
      pools: this.pools,
      // ENABLE_BROKER needs the database to itself: the lock's session goes too, and is taken again.
      close: () => this.close(),
      connect: async () => {
        await this.connect();
        await this.lock();
      },
      redactor: this.target.redactor,
    };
  }

  private writable(what: string): void {
    if (this.attach)
      throw new UserError(`attach mode is read-only: atombench does not ${what} on a deployment`);
  }

  async seed(
    batches: AsyncIterable<SeedBatch>,
    onProgress: (p: SeedProgress) => void,
    rowsTotal: number,
  ): Promise<SeedOutcome> {
    this.writable('seed');
    return this.setup('seeding', () =>
      seedBatches(
        { pool: this.pools.admin, names: this.names, mode: this.mode },
        batches,
        onProgress,
        rowsTotal,
      ),
    );
  }

  async markSeeded(datasetKey: string, rowsSeeded: number): Promise<void> {
    this.writable('record a dataset');
    await this.setup('recording the dataset', () =>
      exec(
        this.pools.admin,
        updateMetaQuery(this.names.schema, {
          DatasetKey: datasetKey,
          SeededRows: rowsSeeded,
          PendingDatasetKey: null,
        }),
      ),
    );
  }

  async buildIndex(plan: SchemaPlan): Promise<IndexBuildOutcome> {
    this.writable('build indexes');
    const r = await this.setup('building the spatial index', () =>
      buildSpatialIndexes(this.pools.admin, plan.names, plan.index),
    );
    return { durationMs: r.durationMs, ddl: r.ddl };
  }

  indexBytes(): Promise<number | undefined> {
    return this.setup('reading the spatial index size', () =>
      spatialIndexBytes(this.pools.admin, this.names),
    );
  }

  async resetIngested(datasetRows: number): Promise<number> {
    if (this.attach) return 0;
    // Sync requests left behind name atoms about to be deleted: their dialogs are ended first.
    if (this.neo4jSync)
      await this.setup('clearing the Neo4j sync queue', () =>
        exec(this.pools.admin, syncClearQuery(this.names)),
      );
    return this.setup('removing ingested atoms', async () =>
      Number(
        rows<{ Deleted: number }>(
          await exec(this.pools.admin, resetIngestedQuery(this.names, datasetRows)),
        )[0]?.Deleted ?? 0,
      ),
    );
  }

  async run(req: EngineRequest): Promise<OperationResult> {
    if (req.op === 'ingest' && this.attach)
      throw new UserError('attach mode is read-only: remove the ingest operation from the workload mix');
    return this.ops.run(this.pools.work, req);
  }

  async cancelRunning(): Promise<void> {
    this.pools.cancelWork();
  }

  /** Each step takes a connection from the work pool, as the walk's statements always did here. */
  withWalkStep<T>(loop: (step: WalkStepFn) => Promise<T>): Promise<T> {
    return loop((step) => this.ops.walkStep(this.pools.work, step));
  }

  async openPool(size: number, opts: LoadPoolOptions = {}): Promise<void> {
    await this.pools.resizeWork(size, opts.statementTimeoutMs);
  }

  async queues(): Promise<QueueDriver> {
    if (this.driver) return this.driver;
    const pool = await this.pools.open(QUEUE_POOL_MAX, 120_000);
    this.driver = new MssqlQueueDriver({
      pool,
      names: this.names,
      redactor: this.target.redactor,
      attach: this.attach,
      allowTriggers: !this.attach || this.scenario.ooda.sendInAttachMode,
      ownsPool: true,
    });
    if (this.scenario.ooda.enabled) await this.driver.setActivation(this.scenario.ooda.activation);
    return this.driver;
  }

  /** Neo4jSyncQueue over Service Broker: a connection per reader (each holds its receive) plus depth. */
  async syncQueue(readers: number): Promise<SyncQueueDriver> {
    if (!this.neo4jSync) throw new Error('mssql engine: prepare() with neo4jSync first');
    return new MssqlSyncQueue(await this.pools.open(readers + 1, 120_000), this.names, this.target.redactor);
  }

  async probe(): Promise<ProbeSample> {
    if (!this.probes) throw new Error('mssql engine: connect() first');
    return this.probes.sample();
  }

  async explain(req: OperationRequest): Promise<PlanInfo> {
    try {
      return await this.ops.explain(this.pools.probe, req);
    } catch (e) {
      if (mssqlErrorClass(e) === 'permission')
        this.capabilities.seekRatio = { supported: false, reason: NO_SHOWPLAN };
      throw e;
    }
  }

  /** Maintenance on a pool of its own without a request timeout (maintenance.ts). */
  maintenance(): Promise<MaintenanceSession> {
    return openMaintenanceSession(this.pools, this.names, this.target.redactor, this.attach);
  }

  /** P (primary filter candidates) and O (rows output) for the request's query window, rate-limited. */
  async primaryFilter(req: OperationRequest): Promise<{ candidates: number; output: number } | undefined> {
    if (req.op === 'ingest' || req.op === 'graph.provenance') return undefined;
    const w = queryWindow(req);
    return w ? this.filter.sample(this.pools.probe, this.names, w) : undefined;
  }
}
