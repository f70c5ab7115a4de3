/**
 * What a run was measured under, in result.json: the server's outages (faults) and the client's own
 * health (whether the harness itself was the bottleneck).
 */

/** A window in which the server could not be reached, seconds since the run started. */
export interface OutageWindow {
  startSec: number;
  endSec?: number;
  /** Failures by class during the window. */
  errors: Record<string, number>;
}

/** Server faults during the run. */
export interface FaultSummary {
  outages: OutageWindow[];
  /** Why the run ended before its window (the server stayed unreachable longer than faults.maxOutageSec). */
  endedEarly?: string;
  /** What could not be done afterwards (e.g. cleanup skipped: the server was gone). */
  warnings: string[];
}

export interface ClientHealth {
  /** Process CPU over the run (all threads: with the embedded engine this includes the database work). */
  cpuPercent: number;
  /** Share of the run the main thread's event loop was busy (0..1): the harness's own load. */
  eventLoopUtilization?: number;
  eventLoopLagP99Ms: number;
  eventLoopLagMaxMs: number;
  /** True when the client could not keep up, so the run must not gate a release. */
  bottleneck: boolean;
  reasons: string[];
  /**
   * Who limited the load when it did not run as asked (arrivals dropped, requests cancelled): `client`
   * when the harness was the bottleneck (the run is invalid for gating), else `server` (a result).
   */
  limitedBy?: 'client' | 'server';
  /** Why the server limited the load (drops, cancellations), when it did. */
  serverReasons?: string[];
}
