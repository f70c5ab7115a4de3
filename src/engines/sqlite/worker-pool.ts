import { Worker } from 'node:worker_threads';
import { OperationError } from '../../errors.ts';
import type { WorkerCall, WorkerRequest, WorkerResponse } from './protocol.ts';

interface Pending {
  call: WorkerCall;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

const BOOT = new URL('./worker-boot.mjs', import.meta.url);
const ENTRY = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

/**
 * The pool's deadline fires this long after workload.timeoutMs (at least 1 s, or the timeout again): a
 * statement waiting on a lock ends itself at the deadline inside SQLite (busy_timeout, worker.ts) with
 * its connection intact, and the pool must not terminate its worker meanwhile: a worker terminated
 * while better-sqlite3 raises that SQLite error aborts the whole process (V8 "ToLocalChecked Empty
 * MaybeLocal", seen under load when this margin was 50 ms). Only a statement still running well past
 * its deadline costs its worker.
 */
const backstopMs = (deadlineMs: number) => deadlineMs + Math.max(1000, deadlineMs);

/** The calls a per-operation deadline (workload.timeoutMs) applies to: the load's statements. */
const DEADLINE_KINDS: ReadonlySet<WorkerCall['kind']> = new Set(['run', 'walkStep']);

/**
 * One worker thread with a request/response channel. A worker runs its messages one at a time, in
 * order, so the call at the head of `order` is the one its connection runs now: its deadline starts
 * when it reaches the head (time queued behind another call is not its statement's time).
 */
class PooledWorker {
  readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  /** Ids in the order the worker runs them; the head is running. */
  private readonly order: number[] = [];
  private nextId = 1;
  private timer: NodeJS.Timeout | undefined;
  busy = 0;
  /** Set when the pool retired this worker (a deadline, a cancel): its thread ends on its own. */
  private retired = false;
  /** Resolves once the worker has opened its connection and prepared its statements. */
  readonly ready: Promise<void>;
  private isReady = false;

  /** The worker has opened its connection and prepared its statements. */
  get started(): boolean {
    return this.isReady;
  }

  constructor(
    data: Record<string, unknown>,
    onCrash: (e: Error) => void,
    private readonly deadline?: { ms: number; onExpired: (w: PooledWorker) => void },
  ) {
    this.worker = new Worker(BOOT, { workerData: { ...data, entry: ENTRY } });
    let markReady: () => void = () => {};
    let failReady: (e: Error) => void = () => {};
    this.ready = new Promise((res, rej) => ((markReady = res), (failReady = rej)));
    this.worker.on('message', (res: WorkerResponse | { ready: true }) => {
      if ('ready' in res) {
        this.isReady = true;
        this.arm();
        return markReady();
      }
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      if (this.order[0] === res.id) this.order.shift();
      this.busy--;
      this.arm();
      if (res.ok) p.resolve(res.value);
      else p.reject(new OperationError(res.errorClass, res.message));
    });
    const fail = (e: Error) => {
      clearTimeout(this.timer);
      if (this.retired) return;
      const err = Object.assign(e, { code: 'worker-exit' });
      this.dead ??= err;
      failReady(err);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      onCrash(err);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`sqlite worker exited (code ${code})`)));
    // A worker stopped before it started (a spare, a slot's replacement) fails `ready` with nobody
    // waiting on it: that is no crash. Whoever awaits `ready` still sees the failure.
    this.ready.catch(() => undefined);
  }

  /** Stop the thread for good (the pool closes): its exit is expected, not a crash. */
  stop(): Promise<number> {
    this.retired = true;
    clearTimeout(this.timer);
    const closed = new Error('sqlite worker pool closed');
    for (const p of this.pending.values()) p.reject(closed);
    this.pending.clear();
    this.order.length = 0;
    return this.worker.terminate();
  }

  /** Set once the thread died; every later call fails at once instead of waiting forever. */
  private dead: Error | undefined;

  call(call: WorkerCall): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    // A walk pinned to a worker that a deadline retired: its later steps must not wait on that thread.
    if (this.retired)
      return Promise.reject(new OperationError('timeout', 'timeout: this worker was stopped by a deadline'));
    return new Promise((resolve, reject) => this.post({ call, resolve, reject }));
  }

  private post(p: Pending): void {
    const id = this.nextId++;
    this.busy++;
    this.pending.set(id, p);
    this.order.push(id);
    this.worker.postMessage({ ...p.call, id } as WorkerRequest);
    if (this.order.length === 1) this.arm();
  }

  /** Start the deadline of the call the worker runs now (the head), if it has one. */
  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.order[0];
    const p = head === undefined ? undefined : this.pending.get(head);
    if (!this.deadline || !this.isReady || !p || !DEADLINE_KINDS.has(p.call.kind)) return;
    this.timer = setTimeout(() => this.expire(head!), backstopMs(this.deadline.ms));
  }

  /** The running call passed its deadline: it fails as `timeout` now, the pool retires the worker. */
  private expire(id: number): void {
    const p = this.pending.get(id);
    if (!p || this.retired) return;
    this.pending.delete(id);
    this.order.shift();
    p.reject(
      new OperationError(
        'timeout',
        `timeout: the statement ran past workload.timeoutMs (${this.deadline!.ms} ms); its worker was stopped`,
      ),
    );
    this.deadline!.onExpired(this);
  }

  /**
   * Take this worker out of use: nothing waits on its thread any more (it is terminated and ends when
   * its statement returns). Returns its calls in order, the running one first, for the pool to settle.
   */
  retire(): Pending[] {
    this.retired = true;
    clearTimeout(this.timer);
    const calls = this.order.flatMap((id) => this.pending.get(id) ?? []);
    this.pending.clear();
    this.order.length = 0;
    void this.worker.terminate().catch(() => undefined);
    return calls;
  }

  /** Hand a call another worker was sent but never started to this one. */
  adopt(p: Pending): void {
    if (this.dead) p.reject(this.dead);
    else this.post(p);
  }
}

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

  constructor(
    size: number,
    private readonly data: Record<string, unknown>,
    /** workload.timeoutMs: the deadline of each `run` / walk step on these workers. */
    private readonly deadlineMs?: number,
  ) {
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
    return new PooledWorker(data, (e) => (this.crash ??= e), deadline);
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
