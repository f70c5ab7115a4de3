import { WireConnection, type WireSettings } from './connection.ts';

/** Reconnect backoff after a failed attempt: doubles from the first to the cap (a dead server costs little). */
const BACKOFF_FIRST_MS = 100;
const BACKOFF_CAP_MS = 2000;

/**
 * A fixed set of lean connections, all opened up front (their start-up must not land in the
 * measurement). A caller waits for a free one, first come first served; a connection that broke is
 * replaced when it is next handed out, with a capped backoff between failed attempts (the pool's
 * slots share it), so an outage costs a few attempts per second, not a tight loop of them.
 */
export class WirePool {
  private readonly idle: WireConnection[] = [];
  private readonly lent = new Set<WireConnection>();
  private readonly waiting: { take: (c: WireConnection) => void; fail: (e: Error) => void }[] = [];
  private closed = false;
  private failures = 0;
  private retryAtMs = 0;

  private constructor(private readonly settings: WireSettings) {}

  static async open(settings: WireSettings, size: number): Promise<WirePool> {
    const pool = new WirePool(settings);
    const opened = await Promise.allSettled(
      Array.from({ length: size }, () => WireConnection.open(settings)),
    );
    for (const r of opened) if (r.status === 'fulfilled') pool.idle.push(r.value);
    const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await pool.end();
      throw failed.reason;
    }
    return pool;
  }

  /**
   * Run `fn` on one connection of the pool, given back afterwards. An idle, healthy connection is
   * lent at once (no await before the query is written: this runs once per operation of the load).
   */
  with<T>(fn: (c: WireConnection) => Promise<T>): Promise<T> {
    const last = this.idle.length - 1;
    if (!this.closed && last >= 0 && !this.idle[last]!.broken) return this.lend(this.idle.pop()!, fn);
    return this.acquire().then((c) => this.lend(c, fn));
  }

  private lend<T>(c: WireConnection, fn: (c: WireConnection) => Promise<T>): Promise<T> {
    this.lent.add(c);
    const back = () => {
      this.lent.delete(c);
      this.release(c);
    };
    let p: Promise<T>;
    try {
      p = fn(c);
    } catch (e) {
      back();
      return Promise.reject(e as Error);
    }
    return p.then(
      (r) => (back(), r),
      (e: unknown) => {
        back();
        throw e;
      },
    );
  }

  /** Cancel on the server every query the pool's connections run now (CancelRequest per session). */
  async cancelAll(): Promise<void> {
    await Promise.all([...this.lent].filter((c) => c.busy).map((c) => c.cancel()));
  }

  private async acquire(): Promise<WireConnection> {
    if (this.closed) throw new Error('wire pool: closed');
    const c =
      this.idle.pop() ??
      (await new Promise<WireConnection>((take, fail) => this.waiting.push({ take, fail })));
    if (!c.broken) return c;
    const wait = this.retryAtMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    try {
      if (this.closed) throw new Error('wire pool: closed');
      const fresh = await WireConnection.open(this.settings);
      this.failures = 0;
      return fresh;
    } catch (e) {
      this.failures++;
      this.retryAtMs = Date.now() + Math.min(BACKOFF_CAP_MS, BACKOFF_FIRST_MS * 2 ** (this.failures - 1));
      this.release(c); // keep the slot: the next caller tries to reconnect again
      throw e;
    }
  }

  private release(c: WireConnection): void {
    if (this.closed) return void c.close();
    const next = this.waiting.shift();
    if (next) next.take(c);
    else this.idle.push(c);
  }

  async end(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.fail(new Error('wire pool: closed'));
    await Promise.all(this.idle.splice(0).map((c) => c.close()));
  }
}
