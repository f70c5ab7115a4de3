import type { Measured } from './measures.ts';

/** Scenario `maintenance:` in result.json: the windows it ran in and the latency inside vs outside them. */

/** One maintenance operation as it ran: seconds since the run started, like TimeSeriesPoint.tSec. */
export interface MaintenanceWindow {
  kind: 'statistics' | 'rebuild';
  startSec: number;
  endSec: number;
  statements: string[];
  /** Set when the operation failed (its window is still a window: the server did work). */
  error?: string;
}

/**
 * Latency of one operation in the measured window, split by whether the request overlapped a
 * maintenance window: p95 inside vs outside, their ratio with a bootstrap interval, and the difference.
 */
export interface InterferenceStats {
  op: string;
  inside: { count: number; p50Ms: number; p95Ms: number };
  outside: { count: number; p50Ms: number; p95Ms: number };
  /** p95 inside / p95 outside, with its 95% bootstrap percentile interval. */
  p95Ratio: Measured<{ ratio: number; lo: number; hi: number }>;
  /** p95 inside - p95 outside, ms. */
  p95DifferenceMs?: number;
}

export interface MaintenanceSummary {
  updateStatisticsEverySec?: number;
  rebuildIndexEverySec?: number;
  windows: MaintenanceWindow[];
  interference: InterferenceStats[];
}
