/**
 * The SQL Server engine: Hartonomous's own platform (geometry + spatial index + Service Broker), via the
 * mssql package (tedious). Connection pools in pools.ts (admin, work, probe) plus the queue driver's own.
 * Attach mode creates nothing, runs read-only spatial work and probes, and sends OODA triggers only with
 * ooda.sendInAttachMode. The password never leaves connection-url.ts unredacted: every message goes
 * through the target's Redactor. Seeding path: seed-rows.ts (native by default, ATOMBENCH_MSSQL_SEED_MODE).
 * The dataset side (prepare, seed, index, cleanup) is in seed/dataset-writes.ts, the queues are opened
 * in broker/open-queues.ts, the options in engine-options.ts.
 */
import { DatasetLockHolder } from './seed/lock.ts';
import { createIngestRecordFactory } from '../../dataset/records.ts';
import type { SeedBatch } from '../../dataset/types.ts';
import { UserError } from '../../errors.ts';
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
import { parseMssqlUrl, type MssqlTarget } from './connection-url.ts';
import { MssqlPools } from './pools.ts';
import { queryWindow } from './sql/dialect.ts';
import { enableBroker, type Sessions } from './broker/enable-broker.ts';
import { EngineQueues, openSyncQueue } from './broker/open-queues.ts';
import { mssqlErrorClass } from './error-class.ts';
import { readFingerprint } from './engine-info.ts';
import { seedModeOf, type MssqlEngineOptions } from './engine-options.ts';
import { MssqlOperations } from './operations.ts';
import { PrimaryFilterSampler } from './plan/primary-filter.ts';
import { openMaintenanceSession } from './maintenance.ts';
import { clientGauges, defaultCapabilities, MssqlProbes, NO_SHOWPLAN } from './plan/probes.ts';
import {
  buildIndexes,
  prepareDataset,
  readIndexBytes,
  recordSeeded,
  removeIngested,
  seedDataset,
  type DatasetSide,
} from './seed/dataset-writes.ts';
import type { SeedMode } from './seed/seed-rows.ts';
import { mssqlTuning } from './tune/tune-target.ts';
import { runHealthCheck } from './check/healthcheck.ts';
import type { HealthReport } from '../../model/health.ts';
import { setupStep } from './setup-step.ts';
import { storedFingerprint, storedRowHashes } from './seed/stored-fingerprint.ts';
import type { StoredFingerprint } from '../../dataset/fingerprint.ts';

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
  private readonly queueSide: EngineQueues;
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
    this.queueSide = new EngineQueues(this.pools, this.target.redactor, o.scenario);
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

  private makeProbes(): MssqlProbes {
    return new MssqlProbes(this.pools.probe, this.names, this.capabilities, this.target.redactor, () =>
      clientGauges(this.queueSide.errorsByClass, this.filter.last),
    );
  }

  healthCheck(): Promise<HealthReport> {
    return runHealthCheck(this.o.url, this.names);
  }

  /** What the dataset side (seed/dataset-writes.ts) works with, as it is now. */
  private side(): DatasetSide {
    return {
      pools: this.pools,
      names: this.names,
      mode: this.mode,
      attach: this.attach,
      neo4jSync: this.neo4jSync,
      validation: this.scenario.ooda.validation,
      // Server errors as RuntimeFailures (exit 3) with a redacted message.
      setup: (what, fn) => setupStep(this.target, what, fn),
    };
  }

  async connect(): Promise<void> {
    await this.pools.connect();
    this.probes = this.makeProbes();
    await this.probes.detect().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.datasetLock.release();
    await this.queueSide.close();
    await this.pools.close();
  }

  /** The dataset lock (seed/lock.ts) on a connection of its own, taken by prepare, held until close. */
  private lock(): Promise<void> {
    return this.datasetLock.take(() => this.pools.open(1, 0), this.names);
  }

  async fingerprint(): Promise<EngineFingerprint> {
    return setupStep(this.target, 'fingerprint', () =>
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
    this.probes = this.makeProbes();
    return prepareDataset(this.side(), plan, opts, {
      lock: () => this.lock(),
      enableBroker: (exclusive) => enableBroker(this.sessions(), exclusive),
    });
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

  async seed(
    batches: AsyncIterable<SeedBatch>,
    onProgress: (p: SeedProgress) => void,
    rowsTotal: number,
  ): Promise<SeedOutcome> {
    return seedDataset(this.side(), batches, onProgress, rowsTotal);
  }

  async markSeeded(datasetKey: string, rowsSeeded: number): Promise<void> {
    await recordSeeded(this.side(), datasetKey, rowsSeeded);
  }

  async buildIndex(plan: SchemaPlan): Promise<IndexBuildOutcome> {
    return buildIndexes(this.side(), plan);
  }

  indexBytes(): Promise<number | undefined> {
    return readIndexBytes(this.side());
  }

  async resetIngested(datasetRows: number): Promise<number> {
    return removeIngested(this.side(), datasetRows);
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

  queues(): Promise<QueueDriver> {
    return this.queueSide.driverFor(this.names);
  }

  /** Neo4jSyncQueue over Service Broker: a connection per reader (each holds its receive) plus depth. */
  async syncQueue(readers: number): Promise<SyncQueueDriver> {
    if (!this.neo4jSync) throw new Error('mssql engine: prepare() with neo4jSync first');
    return openSyncQueue(this.pools, this.names, this.target.redactor, readers);
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
