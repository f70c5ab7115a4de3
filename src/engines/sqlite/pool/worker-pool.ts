import { OperationError } from '../../../errors.ts';
import { PooledWorker } from './pooled-worker.ts';
import type { WorkerCall } from '../protocol.ts';
import { ThreadBudget } from './thread-budget.ts';
import { sqliteWorkerEntry, type WorkerEntry } from './worker-entry.ts';

/**
 * N SQLite worker threads, one connection each. A call goes to the least busy worker, so with N
 * callers in flight each worker runs one query at a time, truly in parallel.
 */
export class SqliteWorkerPool {
  private readonly workers: PooledWorker[] = [];
  private crash: Error | undefined;
  /**
   * With a deadline, one started worker waits aside, so a slot whose worker a deadline retired is
   * served again at once, not after a worker thread's start-up (about a second on a busy machine).
   */
  private spare: PooledWorker | undefined;

  /**
   * The threads alive at once: the slots and the spare. A retired worker still running its statement
   * keeps its unit, so the worker that takes its slot (after the spare) waits for it to end and the
   * slot's calls queue meanwhile: the run's concurrency is then limited by statements the server is
   * still running, which the load reports as the server's limit (drops with load.maxInFlight busy,
   * the service time). Without the budget a saturated run that replaced every slot's worker held twice
   * its connections in threads (about 25 MB each at 1M atoms; README "Memory").
   */
  private readonly budget: ThreadBudget;
  private readonly entry: Promise<WorkerEntry>;

  constructor(
    size: number,
    private readonly data: Record<string, unknown>,
    /** workload.timeoutMs: the deadline of each `run` / walk step on these workers. */
    private readonly deadlineMs?: number,
    /** Tests: start the workers from this entry instead of the bundle (worker-entry.ts). */
    entry?: WorkerEntry,
  ) {
    this.entry = entry ? Promise.resolve(entry) : sqliteWorkerEntry();
    this.budget = new ThreadBudget(size + (deadlineMs ? 1 : 0));
    for (let i = 0; i < size; i++) this.workers.push(this.spawn());
    if (deadlineMs) this.spare = this.spawn();
  }

  /** A started worker for a slot: the spare when there is one (replaced by a new spare). */
  private takeFresh(): PooledWorker {
    const fresh = this.spare ?? this.spawn();
    if (this.spare) this.spare = this.spawn();
    return fresh;
  }

  private spawn(): PooledWorker {
    const deadline = this.deadlineMs
      ? { ms: this.deadlineMs, onExpired: (w: PooledWorker) => this.replaceExpired(w) }
      : undefined;
    const data = this.deadlineMs ? { ...this.data, deadlineMs: this.deadlineMs } : this.data;
    return new PooledWorker(this.entry, this.budget, data, (e) => (this.crash ??= e), deadline);
  }

  /**
   * A statement ran past its deadline (a lock wait would have ended itself: busy_timeout). better-sqlite3
   * has no sqlite3_interrupt and runs a statement synchronously on its thread, and Worker.terminate()
   * takes effect only when the thread returns to JavaScript (measured: a 10 s statement ended its
   * thread 10 s after terminate). So the pool keeps the deadline: the call failed as `timeout`, a
   * fresh worker takes the slot at once and the calls queued behind the late one move to it; the old
   * thread is terminated: a batch of statements (ingest) stops before its next statement and its
   * transaction is rolled back when the thread's connection closes; a single long statement runs to
   * its end first (its CPU is spent until then, as on a server that ignores a cancel).
   */
  private replaceExpired(old: PooledWorker): void {
    const i = this.workers.indexOf(old);
    if (i < 0) return;
    const fresh = this.takeFresh();
    this.workers[i] = fresh;
    for (const p of old.retire()) fresh.adopt(p);
  }

  /** Wait until every worker is up, so start-up cost never lands in a measurement. */
  async ready(): Promise<void> {
    await Promise.all([...this.workers, ...(this.spare ? [this.spare] : [])].map((w) => w.ready));
  }

  get size(): number {
    return this.workers.length;
  }

  /** The thread budget's state: threads alive now (retired ones included), the most ever, waiting. */
  get threads(): { alive: number; peak: number; waiting: number; limit: number } {
    const b = this.budget;
    return { alive: b.alive, peak: b.peak, waiting: b.queued, limit: b.limit };
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

  /** The least busy worker; one still starting (it took a retired worker's slot) only if all are. */
  private leastBusy(): PooledWorker {
    const load = (w: PooledWorker) => w.busy + (w.started ? 0 : this.workers.length);
    let best = this.workers[0]!;
    for (const w of this.workers) if (load(w) < load(best)) best = w;
    return best;
  }

  /**
   * Cancel what the workers run now: better-sqlite3 runs a statement synchronously on its thread, so
   * the only interrupt is to terminate a busy worker (it ends when its statement returns, see
   * replaceExpired); its calls fail as `cancelled` at once and a fresh worker takes its slot.
   */
  async cancelBusy(): Promise<void> {
    const cancelled = new OperationError(
      'cancelled',
      'cancelled: the graceful stop ran out and the worker was stopped',
    );
    // Not waiting for the fresh workers to start (a second on a busy machine): calls queue on them.
    this.workers.forEach((w, i) => {
      if (w.busy === 0) return;
      this.workers[i] = this.takeFresh();
      for (const p of w.retire()) p.reject(cancelled);
    });
  }

  async close(): Promise<void> {
    if (this.spare) this.workers.push(this.spare);
    this.spare = undefined;
    // A worker still starting has no connection to close yet: it is only terminated.
    await Promise.allSettled(this.workers.filter((w) => w.started).map((w) => w.call({ kind: 'close' })));
    await Promise.all(this.workers.map((w) => w.stop()));
    this.workers.length = 0;
  }
}
