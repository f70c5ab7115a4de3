import { Worker } from 'node:worker_threads';
import { OperationError } from '../../errors.ts';
import type { WorkerCall, WorkerRequest, WorkerResponse } from './protocol.ts';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

const BOOT = new URL('./worker-boot.mjs', import.meta.url);
const ENTRY = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

/** One worker thread with a request/response channel. */
class PooledWorker {
  readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  busy = 0;
  /** Set when the pool terminates this worker on purpose (cancel): its calls fail as `cancelled`. */
  cancelling = false;
  /** Resolves once the worker has opened its connection and prepared its statements. */
  readonly ready: Promise<void>;

  constructor(data: Record<string, unknown>, onCrash: (e: Error) => void) {
    this.worker = new Worker(BOOT, { workerData: { ...data, entry: ENTRY } });
    let markReady: () => void = () => {};
    let failReady: (e: Error) => void = () => {};
    this.ready = new Promise((res, rej) => ((markReady = res), (failReady = rej)));
    this.worker.on('message', (res: WorkerResponse | { ready: true }) => {
      if ('ready' in res) return markReady();
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      this.busy--;
      if (res.ok) p.resolve(res.value);
      else p.reject(new OperationError(res.errorClass, res.message));
    });
    const fail = (e: Error) => {
      const err = this.cancelling
        ? new OperationError('cancelled', 'cancelled: the graceful stop ran out and the worker was stopped')
        : Object.assign(e, { code: 'worker-exit' });
      this.dead ??= err;
      failReady(err);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      if (!this.cancelling) onCrash(err);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`sqlite worker exited (code ${code})`)));
  }

  /** Set once the thread died; every later call fails at once instead of waiting forever. */
  private dead: Error | undefined;

  call(call: WorkerCall): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    this.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...call, id } as WorkerRequest);
    });
  }
}

/**
 * N SQLite worker threads, one connection each. A call goes to the least busy worker, so with N
 * callers in flight each worker runs one query at a time, truly in parallel.
 */
export class SqliteWorkerPool {
  private readonly workers: PooledWorker[] = [];
  private crash: Error | undefined;

  constructor(
    size: number,
    private readonly data: Record<string, unknown>,
  ) {
    for (let i = 0; i < size; i++) this.workers.push(new PooledWorker(data, (e) => (this.crash ??= e)));
  }

  /** Wait until every worker is up, so start-up cost never lands in a measurement. */
  async ready(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ready));
  }

  get size(): number {
    return this.workers.length;
  }

  call<T>(call: WorkerCall): Promise<T> {
    if (this.crash) return Promise.reject(this.crash);
    return this.leastBusy().call(call) as Promise<T>;
  }

  /**
   * Calls on one worker for a sequence (a walk's steps, one connection as the application runs them).
   * The worker counts as busy throughout, so other calls go to a freer worker where there is one.
   */
  async pinned<T>(fn: (call: <V>(call: WorkerCall) => Promise<V>) => Promise<T>): Promise<T> {
    if (this.crash) throw this.crash;
    const w = this.leastBusy();
    w.busy++;
    try {
      return await fn(<V>(call: WorkerCall) => w.call(call) as Promise<V>);
    } finally {
      w.busy--;
    }
  }

  private leastBusy(): PooledWorker {
    let best = this.workers[0]!;
    for (const w of this.workers) if (w.busy < best.busy) best = w;
    return best;
  }

  /**
   * Cancel what the workers run now: better-sqlite3 runs a statement synchronously on its thread, so
   * the only interrupt is to terminate a busy worker; a fresh one takes its slot (the pool stays usable).
   */
  async cancelBusy(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w, i) => {
        if (w.busy === 0) return;
        w.cancelling = true;
        await w.worker.terminate();
        const fresh = new PooledWorker(this.data, (e) => (this.crash ??= e));
        this.workers[i] = fresh;
        await fresh.ready.catch(() => undefined);
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.call({ kind: 'close' })));
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}
