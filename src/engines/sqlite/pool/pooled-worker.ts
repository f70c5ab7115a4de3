import { Worker } from 'node:worker_threads';
import { OperationError } from '../../../errors.ts';
import type { WorkerCall, WorkerRequest, WorkerResponse } from '../protocol.ts';
import type { ThreadBudget } from './thread-budget.ts';
import type { WorkerEntry } from './worker-entry.ts';

export interface Pending {
  call: WorkerCall;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

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
 *
 * The thread starts once its entry is known and the pool's thread budget has a unit for it (a retired
 * thread may still hold one); calls made before then queue and are sent when it starts.
 */
export class PooledWorker {
  private worker: Worker | undefined;
  /** Requests made before the thread existed, sent to it in order when it starts. */
  private readonly backlog: WorkerRequest[] = [];
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
  private markReady: () => void = () => {};
  private failReady: (e: Error) => void = () => {};
  /** Set once the thread died; every later call fails at once instead of waiting forever. */
  private dead: Error | undefined;

  /** The worker has opened its connection and prepared its statements. */
  get started(): boolean {
    return this.isReady;
  }

  constructor(
    entry: Promise<WorkerEntry>,
    budget: ThreadBudget,
    private readonly data: Record<string, unknown>,
    private readonly onCrash: (e: Error) => void,
    private readonly deadline?: { ms: number; onExpired: (w: PooledWorker) => void },
  ) {
    this.ready = new Promise((res, rej) => ((this.markReady = res), (this.failReady = rej)));
    // A worker stopped before it started (a spare, a slot's replacement) fails `ready` with nobody
    // waiting on it: that is no crash. Whoever awaits `ready` still sees the failure.
    this.ready.catch(() => undefined);
    void this.start(entry, budget).catch((e: Error) => this.fail(e));
  }

  private async start(entry: Promise<WorkerEntry>, budget: ThreadBudget): Promise<void> {
    const e = await entry;
    await budget.acquire();
    if (this.retired) return budget.release();
    let w: Worker;
    try {
      w = new Worker(e.file, { workerData: { ...this.data, ...e.data } });
    } catch (err) {
      budget.release();
      throw err;
    }
    this.worker = w;
    w.once('exit', () => budget.release());
    w.on('message', (res: WorkerResponse | { ready: true }) => this.receive(res));
    w.on('error', (err) => this.fail(err));
    w.on('exit', (code) => this.fail(new Error(`sqlite worker exited (code ${code})`)));
    for (const req of this.backlog) w.postMessage(req);
    this.backlog.length = 0;
  }

  private receive(res: WorkerResponse | { ready: true }): void {
    if ('ready' in res) {
      this.isReady = true;
      this.arm();
      return this.markReady();
    }
    const p = this.pending.get(res.id);
    if (!p) return;
    this.pending.delete(res.id);
    if (this.order[0] === res.id) this.order.shift();
    this.busy--;
    this.arm();
    if (res.ok) p.resolve(res.value);
    else p.reject(new OperationError(res.errorClass, res.message));
  }

  private fail(e: Error): void {
    clearTimeout(this.timer);
    if (this.retired) return;
    const err = Object.assign(e, { code: 'worker-exit' });
    this.dead ??= err;
    this.failReady(err);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.onCrash(err);
  }

  /** Stop the thread for good (the pool closes): its exit is expected, not a crash. */
  stop(): Promise<number> {
    this.retired = true;
    clearTimeout(this.timer);
    const closed = new Error('sqlite worker pool closed');
    for (const p of this.pending.values()) p.reject(closed);
    this.pending.clear();
    this.order.length = 0;
    this.backlog.length = 0;
    this.failReady(closed);
    return this.worker ? this.worker.terminate() : Promise.resolve(0);
  }

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
    const req = { ...p.call, id } as WorkerRequest;
    if (this.worker) this.worker.postMessage(req);
    else this.backlog.push(req);
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
   * its statement returns; until then it holds its unit of the thread budget). Returns its calls in
   * order, the running one first, for the pool to settle.
   */
  retire(): Pending[] {
    this.retired = true;
    clearTimeout(this.timer);
    const calls = this.order.flatMap((id) => this.pending.get(id) ?? []);
    this.pending.clear();
    this.order.length = 0;
    this.backlog.length = 0;
    void this.worker?.terminate().catch(() => undefined);
    return calls;
  }

  /** Hand a call another worker was sent but never started to this one. */
  adopt(p: Pending): void {
    if (this.dead) p.reject(this.dead);
    else this.post(p);
  }
}
