/**
 * The engine's connection pools, all to the database in --url: admin (DDL, seeding, index builds: no
 * request timeout), work (the load, sized by openPool), probe (probes, plans, primary filter: the
 * poller's own connections). The queue driver gets its own pool from `open`. A failed login is a
 * RuntimeFailure (exit 3) that names the server, never the password.
 */
import sql from 'mssql';
import { RuntimeFailure } from '../../errors.ts';
import { withDatabase, type MssqlTarget } from './connection-url.ts';
import { cancelRunningOn, trackRequests } from './sql/statement.ts';

/** Request timeout of the work and probe pools unless the URL sets requestTimeoutMs. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export class MssqlPools {
  private adminPool: sql.ConnectionPool | undefined;
  private workPool: sql.ConnectionPool | undefined;
  private probePool: sql.ConnectionPool | undefined;
  private workSize = 4;

  constructor(private readonly target: MssqlTarget) {}

  /** A new pool of `max` connections (to another database of the server when given). */
  async open(max: number, requestTimeout?: number, database?: string): Promise<sql.ConnectionPool> {
    const base = this.target.config;
    const cfg = database
      ? withDatabase(base, database, max)
      : { ...base, pool: { ...(base.pool ?? {}), max, min: 0 } };
    if (requestTimeout !== undefined) cfg.requestTimeout = requestTimeout;
    const pool = new sql.ConnectionPool(cfg);
    try {
      return await pool.connect();
    } catch (e) {
      await pool.close().catch(() => undefined);
      throw new RuntimeFailure(
        `cannot connect to SQL Server at ${this.target.display}: ${this.target.redactor.message(e)}`,
      );
    }
  }

  /** The request timeout of the work and probe pools (requestTimeoutMs=0 in the URL: none). */
  get requestTimeoutMs(): number {
    return this.target.config.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  /** Always finite: ALTER DATABASE from master must never wait forever (enable-broker.ts). */
  get masterTimeoutMs(): number {
    return this.requestTimeoutMs > 0 ? this.requestTimeoutMs : DEFAULT_REQUEST_TIMEOUT_MS;
  }

  async connect(): Promise<void> {
    this.adminPool = await this.open(2, 0);
    this.probePool = await this.open(2, this.requestTimeoutMs);
    this.workPool = await this.open(this.workSize, this.requestTimeoutMs);
  }

  async close(): Promise<void> {
    for (const p of [this.workPool, this.probePool, this.adminPool]) await p?.close().catch(() => undefined);
    this.workPool = this.probePool = this.adminPool = undefined;
  }

  /**
   * Resize the work pool and open every connection now, so measured requests do not pay for logins.
   * `timeoutMs` (workload.timeoutMs) replaces the request timeout of the load's requests: past it
   * tedious sends an attention (the TDS cancel) so the server stops the batch, fails the request with
   * ETIMEOUT (error class `timeout`, error-class.ts) and the connection stays logged in for the next
   * request (tedious lib/connection.js requestTimeout -> request.cancel(), SENT_ATTENTION ->
   * LOGGED_IN; node-mssql's `requestTimeout` pool option, docs: tediousjs.github.io/node-mssql
   * "requestTimeout - Request timeout in ms"). Tedious stops that timer at the first response packet,
   * so it bounds the time to the first row; the spatial queries sort before their first row.
   */
  async resizeWork(size: number, timeoutMs?: number): Promise<void> {
    const old = this.workPool;
    this.workSize = Math.max(1, size);
    const pool = await this.open(this.workSize, timeoutMs ?? this.requestTimeoutMs);
    trackRequests(pool);
    this.workPool = pool;
    await old?.close().catch(() => undefined);
    await Promise.all(Array.from({ length: this.workSize }, () => pool.request().query('SELECT 1 AS warm;')));
  }

  /** Cancel what the load's requests run now (the graceful stop ran out). */
  cancelWork(): void {
    cancelRunningOn(this.workPool);
  }

  private need(pool: sql.ConnectionPool | undefined): sql.ConnectionPool {
    if (!pool) throw new Error('mssql engine: connect() first');
    return pool;
  }

  get admin(): sql.ConnectionPool {
    return this.need(this.adminPool);
  }
  get work(): sql.ConnectionPool {
    return this.need(this.workPool);
  }
  get probe(): sql.ConnectionPool {
    return this.need(this.probePool);
  }
}
