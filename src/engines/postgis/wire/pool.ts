import { WireConnection, type WireSettings } from './connection.ts';

/**
 * A fixed set of lean connections, all opened up front (their start-up must not land in the
 * measurement). A caller waits for a free one, first come first served; a connection that broke is
 * replaced when it is next handed out.
 */
export class WirePool {
  private readonly idle: WireConnection[] = [];
  private readonly waiting: ((c: WireConnection) => void)[] = [];
  private closed = false;

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

  /** Run `fn` on one connection of the pool, given back afterwards. */
  async with<T>(fn: (c: WireConnection) => Promise<T>): Promise<T> {
    const c = await this.acquire();
    try {
      return await fn(c);
    } finally {
      this.release(c);
    }
  }

  private async acquire(): Promise<WireConnection> {
    if (this.closed) throw new Error('wire pool: closed');
    const c = this.idle.pop() ?? (await new Promise<WireConnection>((r) => this.waiting.push(r)));
    if (!c.broken) return c;
    try {
      return await WireConnection.open(this.settings);
    } catch (e) {
      this.release(c); // keep the slot: the next caller tries to reconnect again
      throw e;
    }
  }

  private release(c: WireConnection): void {
    if (this.closed) return void c.close();
    const next = this.waiting.shift();
    if (next) next(c);
    else this.idle.push(c);
  }

  async end(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((c) => c.close()));
  }
}
