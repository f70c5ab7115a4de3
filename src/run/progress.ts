import type { TimeSeriesPoint } from '../model/result.ts';

/** What long work reports; the CLI renders it (bar, status line, or nothing). */
export interface Progress {
  /** A step begins (one line). */
  info(message: string): void;
  /** Seeding advanced. */
  seed(rowsDone: number, rowsTotal: number): void;
  /** Seeding ended (close the bar). */
  seedDone(): void;
  /** One interval of the run ended. */
  status(point: TimeSeriesPoint, extra: { elapsedSec: number; totalSec: number; errorsTotal: number }): void;
  /** The run waits for something (draining in-flight requests, a reconnect): say what, in the live line. */
  waiting(message: string): void;
  /** The run ended (close the status line). */
  done(): void;
}

export const silentProgress: Progress = {
  info: () => {},
  seed: () => {},
  seedDone: () => {},
  status: () => {},
  waiting: () => {},
  done: () => {},
};
