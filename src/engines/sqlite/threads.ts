import type { Point3 } from '../../dataset/types.ts';
import type {
  EngineRequest,
  LoadPoolOptions,
  MaintenanceSession,
  OperationRequest,
  OperationResult,
  PlanInfo,
  ProbeSample,
  QueueDriver,
  SyncQueueDriver,
  WalkStepFn,
} from '../types.ts';
import { SqliteQueueDriver } from './queues/queue-driver.ts';
import { SqliteSyncQueue } from './queues/sync-queue.ts';
import { SqliteWorkerPool } from './pool/worker-pool.ts';

/** The workerData of a worker thread; `withQueues` for the OODA and probe connections. */
export type WorkerDataFn = (withQueues: boolean) => Record<string, unknown>;

/**
 * What the embedded engine runs on worker threads, each with a connection of its own: the load pool,
 * the probes, the OODA queue, the Neo4j sync queue, an index build and maintenance. The main
 * thread keeps only the dataset's connection (index.ts), so it stays free to answer Ctrl-C.
 */
export class SqliteThreads {
  private pool: SqliteWorkerPool | undefined;
  private probePool: SqliteWorkerPool | undefined;
  private queueDriver: SqliteQueueDriver | undefined;
  private syncDriver: SqliteSyncQueue | undefined;

  constructor(private readonly workerData: WorkerDataFn) {}

  async close(): Promise<void> {
    await this.queueDriver?.close();
    await this.syncDriver?.close();
    this.syncDriver = undefined;
    await this.pool?.close();
    await this.probePool?.close();
  }

  /**
   * On a worker thread of its own: a build of 1M rows takes seconds of synchronous SQLite, and the
   * main thread must stay free to answer Ctrl-C (an interrupted build is rolled back; the index is
   * then missing and the next run builds it).
   */
  async buildIndex(drop: string, ddl: string): Promise<void> {
    const worker = new SqliteWorkerPool(1, this.workerData(false));
    try {
      await worker.ready();
      await worker.call({ kind: 'buildIndex', drop, ddl });
    } finally {
      await worker.close();
    }
  }

  async openPool(size: number, opts: LoadPoolOptions): Promise<void> {
    await this.pool?.close();
    this.pool = new SqliteWorkerPool(
      size,
      { ...this.workerData(false), prepareOps: true },
      opts.statementTimeoutMs,
    );
    // The probe and OODA connections start now too: their start-up must not land in the measurement.
    await Promise.all([this.pool.ready(), this.probes().ready(), this.queueWorker().ready()]);
  }

  async cancelRunning(): Promise<void> {
    await this.pool?.cancelBusy();
  }

  run(req: EngineRequest): Promise<OperationResult> {
    if (!this.pool) return Promise.reject(new Error('sqlite engine: openPool() first'));
    return this.pool.call<OperationResult>({ kind: 'run', req });
  }

  /** The walk's steps all go to one worker (one connection), as the whole walk did when it ran there. */
  withWalkStep<T>(loop: (step: WalkStepFn) => Promise<T>): Promise<T> {
    if (!this.pool) return Promise.reject(new Error('sqlite engine: openPool() first'));
    return this.pool.pinned((call) =>
      loop(async (step) => (await call<Point3 | null>({ kind: 'walkStep', step })) ?? undefined),
    );
  }

  private queueWorker(): SqliteWorkerPool {
    this.queueDriver ??= new SqliteQueueDriver(new SqliteWorkerPool(1, this.workerData(true)));
    return this.queueDriver.worker;
  }

  async queues(): Promise<QueueDriver> {
    await this.queueWorker().ready();
    return this.queueDriver!;
  }

  /** Maintenance runs on a worker thread and connection of its own (scenario `maintenance:`). */
  async maintenance(): Promise<MaintenanceSession> {
    const worker = new SqliteWorkerPool(1, this.workerData(false));
    await worker.ready();
    return {
      run: (kind) => worker.call<string[]>({ kind: 'maintain', maintenance: kind }),
      close: () => worker.close(),
    };
  }

  async syncQueue(): Promise<SyncQueueDriver> {
    this.syncDriver ??= new SqliteSyncQueue(new SqliteWorkerPool(1, this.workerData(false)));
    await this.syncDriver.worker.ready();
    return this.syncDriver;
  }

  /** Probes run on their own worker thread and connection, never on the load's. */
  private probes(): SqliteWorkerPool {
    this.probePool ??= new SqliteWorkerPool(1, this.workerData(true));
    return this.probePool;
  }

  async probe(): Promise<ProbeSample> {
    const queueDepth = await this.probes().call<Record<string, number>>({ kind: 'depth' });
    return { atMs: Date.now(), queueDepth: queueDepth as ProbeSample['queueDepth'] };
  }

  explain(req: OperationRequest): Promise<PlanInfo> {
    return this.probes().call<PlanInfo>({ kind: 'explain', req });
  }

  async primaryFilter(req: OperationRequest): Promise<{ candidates: number; output: number } | undefined> {
    return (
      (await this.probes().call<{ candidates: number; output: number } | null>({ kind: 'filter', req })) ??
      undefined
    );
  }
}
