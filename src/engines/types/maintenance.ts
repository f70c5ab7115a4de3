/** Index maintenance during a run (scenario `maintenance:`), on a connection of its own. */

/** statistics: UPDATE STATISTICS ... WITH FULLSCAN / ANALYZE; rebuild: the spatial index rebuilt. */
export type MaintenanceKind = 'statistics' | 'rebuild';

export interface MaintenanceSession {
  /** Run one maintenance operation to completion; returns the statements it ran (for the report). */
  run(kind: MaintenanceKind): Promise<string[]>;
  close(): Promise<void>;
}
