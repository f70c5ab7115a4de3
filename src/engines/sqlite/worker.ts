import { parentPort, workerData } from 'node:worker_threads';
import { createIngestRecordFactory } from '../../dataset/records.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { ObjectNames } from '../../scenario/names.ts';
import { openSqlite } from './connection.ts';
import { sqliteIdentifiers, sqliteMaintenanceSql } from './dialect.ts';
import { SqliteOps } from './ops.ts';
import { SqliteQueueOps } from './queues/queue-ops.ts';
import { SqliteSyncOps } from './queues/sync-ops.ts';
import type { WorkerRequest, WorkerResponse } from './protocol.ts';

/** One worker thread = one SQLite connection. Requests arrive one at a time per worker. */
export interface SqliteWorkerData {
  entry: string;
  dbPath: string;
  names: ObjectNames;
  dataset: Scenario['dataset'];
  runNonce: string;
  withQueues: boolean;
  /** The Neo4j sync queue table when ingest enqueues sync requests (SchemaPlan.neo4jSync). */
  syncQueue?: string;
  /**
   * workload.timeoutMs: a statement waiting on another connection's lock gives up after this long
   * (busy_timeout) and fails as `timeout`, its connection usable; the pool's deadline is the backstop
   * for a statement that runs long (pool/worker-pool.ts).
   */
  deadlineMs?: number;
  /** A load worker: prepare the operations' statements before saying ready. */
  prepareOps?: boolean;
  /** Test hook: every `run` takes at least this long on its worker (see SqliteEngineOptions). */
  serviceTimeMs?: number;
}

const data = workerData as SqliteWorkerData;
const db = openSqlite(data.dbPath);
if (data.deadlineMs) db.pragma(`busy_timeout = ${data.deadlineMs}`);
// Prepared on first use: a queue-only worker must start before any spatial index exists.
let opsCache: SqliteOps | undefined;
const ops = () =>
  (opsCache ??= new SqliteOps(
    db,
    sqliteIdentifiers(data.names),
    createIngestRecordFactory(data.dataset, data.runNonce),
    data.syncQueue,
  ));
const queues = data.withQueues ? new SqliteQueueOps(db, data.names) : undefined;
let syncCache: SqliteSyncOps | undefined;
const sync = () => {
  if (!data.syncQueue) throw new Error('sqlite worker: no Neo4j sync queue (prepare with neo4jSync)');
  return (syncCache ??= new SqliteSyncOps(db, data.syncQueue));
};

const serviceTimeMs = data.serviceTimeMs ?? 0;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Hold the worker (and its connection) until `serviceTimeMs` have passed since `t0`: a fixed service time. */
function padServiceTime(t0: number): void {
  const left = serviceTimeMs - (performance.now() - t0);
  if (left > 0) Atomics.wait(pause, 0, 0, left);
}

function handle(msg: WorkerRequest): unknown {
  switch (msg.kind) {
    case 'run': {
      const t0 = performance.now();
      const result = ops().run(msg.req);
      if (serviceTimeMs > 0) padServiceTime(t0);
      return result;
    }
    case 'walkStep':
      return ops().walkStep(msg.step) ?? null;
    case 'explain':
      return ops().explain(msg.req);
    case 'filter':
      return ops().primaryFilter(msg.req) ?? null;
    case 'trigger':
      return queues!.trigger(msg.loopId, msg.body, msg.nowMs);
    case 'receive':
      return queues!.receive(msg.phase, msg.nowMs) ?? null;
    case 'complete':
      return queues!.complete(msg.msg, msg.metric, msg.next, msg.nowMs);
    case 'depth':
      return queues!.depth();
    case 'maintain': {
      const statements = sqliteMaintenanceSql(sqliteIdentifiers(data.names), msg.maintenance);
      try {
        for (const st of statements) db.exec(st);
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw e;
      }
      return statements;
    }
    case 'buildIndex':
      db.exec(msg.drop);
      db.transaction(() => db.exec(msg.ddl))();
      db.exec('ANALYZE');
      return null;
    case 'syncReceive':
      return sync().receive(msg.max, msg.nowMs);
    case 'syncComplete':
      return sync().complete(msg.ids);
    case 'syncAbandon':
      return sync().abandon(msg.ids);
    case 'syncDepth':
      return sync().depth();
    case 'close':
      db.close();
      return null;
  }
}

// A load worker prepares its statements before it says ready: a fresh worker taking a slot mid-run
// (a deadline, a cancel) must not spend its first operation's time on preparing them. If the
// tables are not there yet the statements stay prepared on first use, as before.
if (data.prepareOps) {
  try {
    ops();
  } catch {
    opsCache = undefined;
  }
}
/** The load's statements, the ones workload.timeoutMs applies to. */
const DEADLINED: ReadonlySet<WorkerRequest['kind']> = new Set(['run', 'walkStep']);

parentPort!.postMessage({ ready: true });
parentPort!.on('message', (msg: WorkerRequest) => {
  let res: WorkerResponse;
  try {
    res = { id: msg.id, ok: true, value: handle(msg) };
  } catch (e) {
    const err = e as Error & { code?: string };
    const lockWait = data.deadlineMs && /^SQLITE_BUSY/.test(err.code ?? '') && DEADLINED.has(msg.kind);
    res = lockWait
      ? {
          id: msg.id,
          ok: false,
          message: `timeout: waited workload.timeoutMs (${data.deadlineMs} ms) for a lock: ${err.message}`,
          errorClass: 'timeout',
        }
      : { id: msg.id, ok: false, message: err.message, errorClass: err.code ?? err.name ?? 'Error' };
  }
  parentPort!.postMessage(res);
});
