/**
 * Scenario `maintenance:` during the load: one loop per configured kind, each on a maintenance session
 * (a connection) of its own, running the operation every N seconds of the run (the next one starts N s
 * after the previous one started, or at once when it overran). Each run is a window, kept in clock ms
 * for the latency split (metrics/windows.ts) and in run seconds for the result. A failure is recorded on
 * its window and does not stop the load.
 */
import type { Engine, MaintenanceKind, MaintenanceSession } from '../engines/types.ts';
import type { LoadSink } from '../load/types.ts';
import { LatencySplit, WindowLog } from '../metrics/windows.ts';
import type { Clock } from '../model/clock.ts';
import type { MaintenanceSummary, MaintenanceWindow } from '../model/result.ts';
import type { MaintenanceSpec } from '../scenario/ooda-schema.ts';
import { interferenceOf } from './interference.ts';

export function maintenanceKinds(spec: MaintenanceSpec): { kind: MaintenanceKind; everySec: number }[] {
  const out: { kind: MaintenanceKind; everySec: number }[] = [];
  if (spec.updateStatisticsEverySec !== undefined)
    out.push({ kind: 'statistics', everySec: spec.updateStatisticsEverySec });
  if (spec.rebuildIndexEverySec !== undefined)
    out.push({ kind: 'rebuild', everySec: spec.rebuildIndexEverySec });
  return out;
}

export class MaintenanceRunner {
  readonly log = new WindowLog();
  readonly split = new LatencySplit(this.log);
  private readonly windows: MaintenanceWindow[] = [];
  private readonly sessions: MaintenanceSession[] = [];
  private readonly done: Promise<void>[] = [];
  private readonly stopped = new AbortController();

  constructor(
    private readonly engine: Engine,
    private readonly spec: MaintenanceSpec,
    private readonly clock: Clock,
    /** Clock ms of the run's start (tSec 0). */
    private readonly t0: number,
    private readonly describe: (e: unknown) => string,
  ) {}

  /** Open the sessions (before the load starts, so the logins are not measured) and start the loops. */
  async start(totalMs: number): Promise<void> {
    const kinds = maintenanceKinds(this.spec);
    if (kinds.length === 0) return;
    if (!this.engine.maintenance)
      throw new Error(`maintenance: the ${this.engine.name} engine cannot run index maintenance`);
    for (const k of kinds) {
      const session = await this.engine.maintenance();
      this.sessions.push(session);
      this.done.push(this.loop(session, k.kind, k.everySec * 1000, totalMs));
    }
  }

  private async loop(
    s: MaintenanceSession,
    kind: MaintenanceKind,
    everyMs: number,
    totalMs: number,
  ): Promise<void> {
    const signal = this.stopped.signal;
    for (let at = everyMs; at < totalMs && !signal.aborted; at += everyMs) {
      const wait = this.t0 + at - this.clock.nowMs();
      if (wait > 0) await this.clock.sleep(wait, signal);
      if (signal.aborted) break;
      const startMs = this.clock.nowMs();
      const span = this.log.open(kind, startMs);
      const w: MaintenanceWindow = { kind, startSec: (startMs - this.t0) / 1000, endSec: 0, statements: [] };
      try {
        w.statements = await s.run(kind);
      } catch (e) {
        w.error = this.describe(e);
      }
      const endMs = this.clock.nowMs();
      this.log.close(span, endMs);
      w.endSec = (endMs - this.t0) / 1000;
      this.windows.push(w);
      // An overrun starts the next one at once (never two of a kind at a time).
      while (this.t0 + at + everyMs < endMs) at += everyMs;
    }
  }

  /** Stop scheduling, wait for a running operation to finish, close the sessions. */
  async stop(): Promise<void> {
    this.stopped.abort();
    await Promise.all(this.done);
    for (const s of this.sessions) await s.close().catch(() => undefined);
  }

  /**
   * The load's sink, with successes also split by the windows while `measuring()` says the recorder
   * counts them as measured (the same operations as the result's totals, never warm-up ones).
   */
  sink(inner: LoadSink, measuring: () => boolean): LoadSink {
    return {
      recordSuccess: (op, latencyUs, detail) => {
        inner.recordSuccess(op, latencyUs, detail);
        if (measuring()) this.split.record(op, latencyUs, this.clock.nowMs());
      },
      recordError: (op, cls) => inner.recordError(op, cls),
      recordScheduleLag: (us) => inner.recordScheduleLag(us),
      recordDropped: (n) => inner.recordDropped(n),
      recordCancelled: (n) => inner.recordCancelled(n),
    };
  }

  summary(seed: number): MaintenanceSummary {
    return {
      ...this.spec,
      windows: [...this.windows].sort((a, b) => a.startSec - b.startSec),
      interference: [...this.split.byOp].map(([op, h]) => interferenceOf(op, h, seed)),
    };
  }
}
