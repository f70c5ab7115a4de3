/**
 * Server faults as the load sees them. An error class is a connection fault when the server could not
 * be reached or dropped the session (driver codes, SQLSTATE class 08 and the 57P0x shutdown codes,
 * tedious's ESOCKET / ECONNCLOSED / ETIMEOUT); everything else is the server answering with an error.
 * The tracker opens an outage window at the first connection fault after a success and closes it at
 * the next success, so the reports show when the server was gone and for how long.
 */

const CONNECTION_CLASSES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'connection-lost',
  'connect-timeout',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, and SQLSTATE class 08.
  '57P01',
  '57P02',
  '57P03',
  // tedious (mssql): the socket failed, the connection closed, a connect/request timeout.
  'ESOCKET',
  'ECONNCLOSED',
  'ETIMEOUT',
  'ENOCONN',
  // ... as src/engines/mssql/error-class.ts names them.
  'connection',
  // the SQLite worker died.
  'worker-exit',
]);

export function isConnectionFault(errorClass: string): boolean {
  return CONNECTION_CLASSES.has(errorClass) || /^08[0-9A-Z]{3}$/.test(errorClass);
}

import type { OutageWindow } from '../model/result.ts';

export type { OutageWindow };

export class OutageTracker {
  private readonly windows: OutageWindow[] = [];
  private open: OutageWindow | undefined;

  constructor(
    private readonly nowSec: () => number,
    /** Called once when an outage has lasted `maxOutageSec` (the run ends early). */
    private readonly onTooLong: (w: OutageWindow) => void,
    private readonly maxOutageSec: number,
  ) {}

  success(): void {
    if (this.open) {
      this.open.endSec = this.nowSec();
      this.open = undefined;
    }
  }

  error(errorClass: string): void {
    if (!isConnectionFault(errorClass)) return;
    const w = (this.open ??= this.start());
    w.errors[errorClass] = (w.errors[errorClass] ?? 0) + 1;
  }

  private start(): OutageWindow {
    const w: OutageWindow = { startSec: this.nowSec(), errors: {} };
    this.windows.push(w);
    return w;
  }

  /** Check the open window against the limit (call on every tick: no error may arrive while all hang). */
  check(): void {
    const w = this.open;
    if (w && this.nowSec() - w.startSec >= this.maxOutageSec) this.onTooLong(w);
  }

  /** Every window so far; one still open ends now. */
  outages(): OutageWindow[] {
    return this.windows.map((w) => ({ ...w, endSec: w.endSec ?? this.nowSec(), errors: { ...w.errors } }));
  }
}
