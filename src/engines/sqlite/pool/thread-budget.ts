/**
 * How many worker threads a pool may have alive at once: its slots' workers, its spare, and the
 * workers it retired (a deadline, a cancel) whose thread still runs its statement (Worker.terminate
 * takes effect only when better-sqlite3 returns to JavaScript). Each worker thread is a V8 isolate
 * plus its connection's page cache, about 25 MB during a 1M run: a saturated run that replaced every
 * slot's worker once held twice its connections in threads. A thread takes a unit before it starts
 * and gives it back when it has exited; past the limit the next thread waits for one to exit.
 */
export class ThreadBudget {
  private live = 0;
  private highest = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`thread budget: limit ${limit} must be at least 1`);
  }

  /** Threads holding a unit now (started, starting, or retired and still running). */
  get alive(): number {
    return this.live;
  }

  /** The most units ever held at once. */
  get peak(): number {
    return this.highest;
  }

  /** Threads waiting for a unit (their slot's calls queue meanwhile). */
  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves once the caller holds a unit: at once under the limit, else when a thread exits. */
  acquire(): Promise<void> {
    if (this.live < this.limit) {
      this.take();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => (this.take(), resolve())));
  }

  /** A thread that held a unit has exited: hand the unit to the longest waiter. */
  release(): void {
    if (this.live <= 0) throw new Error('thread budget: release without acquire');
    this.live--;
    this.waiting.shift()?.();
  }

  private take(): void {
    this.live++;
    this.highest = Math.max(this.highest, this.live);
  }
}
