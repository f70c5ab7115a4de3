import type { Clock } from '../../src/model/clock.ts';

/**
 * A hand-driven clock: time moves only in advance(), which fires due sleeps in order and lets the
 * code they wake run before moving on. Monotonic and wall time move together, as on a real machine.
 */
export class FakeClock implements Clock {
  private t = 0;
  private timers: { at: number; seq: number; wake: () => void }[] = [];
  private seq = 0;

  constructor(private readonly wallOriginMs = 1_700_000_000_000) {}

  nowNs(): bigint {
    return BigInt(Math.round(this.t * 1e6));
  }
  nowMs(): number {
    return this.t;
  }
  wallMs(): number {
    return this.wallOriginMs + this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = { at: this.t + ms, seq: this.seq++, wake: () => {} };
      const done = () => {
        this.timers = this.timers.filter((x) => x !== timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      timer.wake = done;
      this.timers.push(timer);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Move time forward by ms, firing every sleep that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.t = Math.max(this.t, due.at);
      due.wake();
    }
    this.t = end;
    await settle();
  }
}

/** Let every promise chain that can run without time passing run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}
