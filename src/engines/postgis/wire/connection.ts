/**
 * One connection of the load's client: a plain socket that owns its read buffer (net `onread`, no
 * stream machinery, no per-read allocation), the extended query protocol with named statements parsed
 * once, and results counted or read as text. Connection settings resolve as pg resolves them
 * (settings.ts: URL, PG* environment variables, pg.defaults, the password file), the password steps
 * (cleartext, MD5, SCRAM-SHA-256) are our own on node:crypto (auth.ts), TLS is negotiated as pg does
 * it: a URL pg accepts works here, and no private module of any package is loaded. Why not pg's
 * Client: src/engines/postgis/README.md, "The load's client".
 */
import net from 'node:net';
import tls from 'node:tls';
import { connectTimeoutMs } from '../connection.ts';
import {
  Backend,
  bindExecuteSync,
  commandRows,
  cStrings,
  dataRowText,
  errorFields,
  int32,
  message,
  parseMessage,
  serverError,
  startupMessage,
  terminateMessage,
  type WireParam,
} from './frames.ts';
import { FrameReader } from './reader.ts';
import { md5Password, scramClientFinal, scramStart, scramVerify, type ScramSession } from './auth.ts';
import { pgPassPassword, type WireSettings } from './settings.ts';
import { sendCancelRequest, serverAddress, sslRequest, tlsOptions } from './socket.ts';

export { wireSettings, type WireSettings } from './settings.ts';

/** Rows of a query, counted (`count`) or as text columns (`rows`). */
export interface WireResult {
  count: number;
  /** Rows the last command affected, from its completion tag (INSERT, UPDATE, DELETE, SELECT). */
  affected?: number;
  rows?: (string | null)[][];
}

interface Pending {
  keepRows: boolean;
  /** The statement this query parses, until the server confirms it (ParseComplete). */
  parsing?: string;
  /** Kept rows (`keepRows` only: a counted query allocates none). */
  rows: (string | null)[][] | undefined;
  count: number;
  affected?: number;
  error?: Error;
  /** This client sent a CancelRequest for it (the graceful stop): a 57014 then is not the timeout. */
  cancelRequested?: boolean;
  resolve(r: WireResult): void;
  reject(e: Error): void;
}

const READ_BUFFER = 64 * 1024;

export class WireConnection {
  private readonly reader: FrameReader;
  private readonly parsed = new Map<string, string>();
  private pending: Pending | undefined;
  private startup:
    { resolve(): void; reject(e: Error): void; session?: ScramSession; password?: string } | undefined;
  private sock!: net.Socket;
  /** Set once the connection can no longer be used (closed, or the protocol went wrong). */
  broken: Error | undefined;
  /** BackendKeyData: what a CancelRequest for this session names. */
  private key: { pid: number; secret: number } | undefined;

  /** A query is running on this connection. */
  get busy(): boolean {
    return this.pending !== undefined;
  }

  private constructor(private readonly s: WireSettings) {
    // Rows only counted (the spatial operations) are counted in the read loop, not one call each.
    this.reader = new FrameReader((t, b, start, end) => this.onMessage(t, b, start, end), {
      counting: () => this.pending !== undefined && !this.pending.keepRows,
      add: (n) => void (this.pending!.count += n),
    });
  }

  static async open(s: WireSettings): Promise<WireConnection> {
    const c = new WireConnection(s);
    await c.connect();
    return c;
  }

  private connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // A server that accepts no connection (stopped, a full backlog) must not hang us.
      const timer = setTimeout(
        () => this.fail(codeError('connect timeout: the server did not answer', 'connect-timeout')),
        connectTimeoutMs(),
      );
      const done =
        <A extends unknown[]>(f: (...a: A) => void) =>
        (...a: A) => {
          clearTimeout(timer);
          f(...a);
        };
      this.startup = { resolve: done(resolve), reject: done(reject) };
      const where = serverAddress(this.s);
      if (this.s.ssl) {
        // TLS as pg negotiates it (SSLRequest, then the handshake); reads come as 'data' events.
        const raw = net.connect(where);
        this.watch(raw);
        raw.once('connect', () => raw.write(sslRequest()));
        raw.once('data', (d: Buffer) => {
          if (d.toString('latin1', 0, 1) !== 'S')
            return this.fail(new Error('The server does not support SSL connections'));
          const secure = tls.connect(tlsOptions(raw, this.s.host, this.s.ssl));
          this.sock = secure;
          this.watch(secure);
          secure.on('data', (chunk: Buffer) => this.read(chunk, chunk.length));
          secure.once('secureConnect', () => this.sendStartup());
        });
        this.sock = raw;
        return;
      }
      const buffer = Buffer.allocUnsafe(READ_BUFFER);
      const callback = (n: number, b: Uint8Array): boolean => {
        this.read(b as Buffer, n);
        return true;
      };
      this.sock = net.connect({ ...where, onread: { buffer, callback } });
      this.watch(this.sock);
      this.sock.once('connect', () => this.sendStartup());
    });
  }

  private watch(sock: net.Socket): void {
    sock.setNoDelay(true);
    sock.on('error', (e) => this.fail(e));
    sock.on('close', () => this.fail(codeError('connection to the server was closed', 'connection-lost')));
  }

  private sendStartup(): void {
    if (!this.s.user) return this.fail(new Error('no user to log in as: name one in the URL (or PGUSER)'));
    const params: Record<string, string> = { user: this.s.user, database: this.s.database };
    if (this.s.application_name) params.application_name = this.s.application_name;
    // statement_timeout as a start-up option, so every (re)connected session of the load has it.
    const timeout = this.s.statementTimeoutMs ? `-c statement_timeout=${this.s.statementTimeoutMs}` : '';
    const options = [this.s.options, timeout].filter(Boolean).join(' ');
    if (options) params.options = options;
    params.client_encoding = 'UTF8';
    this.sock.write(startupMessage(params));
  }

  /** A chunk from the socket; a stream that breaks the protocol (or a handler that throws) fails the connection. */
  private read(chunk: Buffer, n: number): void {
    if (this.broken) return;
    try {
      this.reader.push(chunk, n);
    } catch (e) {
      this.fail(e as Error);
    }
  }

  /** The connection is gone: whatever waits on it fails, and it is never used again. */
  private fail(e: Error): void {
    this.broken ??= e;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(p.error ?? this.broken); // the server's reason (e.g. 57P01 terminated) when it gave one
    const s = this.startup;
    this.startup = undefined;
    s?.reject(this.broken);
    this.sock.destroy();
  }

  /**
   * Run the named statement `name` (parsed on this connection at first use) with `params`; rows are
   * counted, and kept as text when `keepRows`. One query at a time per connection (the pool's job).
   */
  query(name: string, text: string, params: readonly WireParam[], keepRows = false): Promise<WireResult> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.pending) return Promise.reject(new Error('wire connection: a query is already running'));
    const known = this.parsed.get(name);
    if (known !== undefined && known !== text)
      return Promise.reject(new Error(`prepared statement ${name} was already used for another statement`));
    return new Promise<WireResult>((resolve, reject) => {
      this.pending = { keepRows, rows: keepRows ? [] : undefined, count: 0, resolve, reject };
      if (known === undefined) {
        // Remembered now; a Parse the server refuses is forgotten again (ErrorResponse before ParseComplete).
        this.parsed.set(name, text);
        this.pending.parsing = name;
        this.sock.write(Buffer.concat([parseMessage(name, text), bindExecuteSync(name, params)]));
      } else this.sock.write(bindExecuteSync(name, params));
    });
  }

  private onMessage(type: number, b: Buffer, start: number, end: number): void {
    const p = this.pending;
    switch (type) {
      case Backend.DataRow:
        if (p) {
          p.count++;
          if (p.rows) p.rows.push(dataRowText(b, start));
        }
        return;
      case Backend.ReadyForQuery:
        if (this.startup) {
          const s = this.startup;
          this.startup = undefined;
          s.resolve();
        } else if (p) {
          this.pending = undefined;
          if (p.error) p.reject(p.error);
          else if (p.rows) p.resolve({ count: p.count, affected: p.affected, rows: p.rows });
          else p.resolve({ count: p.count, affected: p.affected });
        }
        return;
      case Backend.ErrorResponse: {
        const err = serverError(errorFields(b, start, end));
        if (this.startup) return this.fail(err); // the server closes the connection after a startup error
        if (p) {
          // 57014 query_canceled that this client did not ask for, on a session with a statement_timeout:
          // the server's per-operation deadline (workload.timeoutMs). The session stays usable.
          if (err.code === '57014' && this.s.statementTimeoutMs && !p.cancelRequested) err.code = 'timeout';
          p.error ??= err;
          if (p.parsing !== undefined) this.parsed.delete(p.parsing);
        }
        return;
      }
      case Backend.CommandComplete:
        if (p) p.affected = commandRows(b, start, end);
        return;
      case Backend.ParseComplete:
        if (p) p.parsing = undefined;
        return;
      case Backend.BackendKeyData:
        this.key = { pid: b.readInt32BE(start), secret: b.readInt32BE(start + 4) };
        return;
      case Backend.Authentication:
        return void this.authenticate(b, start, end).catch((e: Error) => this.fail(e));
      default:
        return; // ParseComplete, BindComplete, CommandComplete, notices, parameter status...
    }
  }

  private async authenticate(b: Buffer, start: number, end: number): Promise<void> {
    const code = b.readInt32BE(start);
    if (code === 0) return; // AuthenticationOk
    const st = this.startup;
    if (!st) throw new Error('authentication request outside start-up');
    if (code === 3) this.sock.write(message('p', await this.password()));
    else if (code === 5) {
      const salt = Buffer.from(b.subarray(start + 4, start + 8));
      this.sock.write(message('p', md5Password(this.s.user, await this.password(), salt)));
    } else if (code === 10) {
      st.password = await this.password();
      st.session = scramStart(cStrings(b, start + 4, end));
      const response = Buffer.from(st.session.clientFirst, 'utf8');
      this.sock.write(message('p', st.session.mechanism, int32(response.length), response));
    } else if (code === 11) {
      const final = await scramClientFinal(st.session!, st.password!, b.toString('utf8', start + 4, end));
      this.sock.write(message('p', Buffer.from(final, 'utf8')));
    } else if (code === 12) scramVerify(st.session!, b.toString('utf8', start + 4, end));
    else throw new Error(`authentication method ${code} is not supported by the lean client`);
  }

  private async password(): Promise<string> {
    const p = this.s.password;
    const v = typeof p === 'function' ? await p() : (p ?? pgPassPassword(this.s));
    if (typeof v !== 'string' || v === '')
      throw new Error('the server asked for a password and none was given');
    return v;
  }

  /**
   * Ask the server to cancel the query running on this session (a CancelRequest on a new socket, as
   * libpq's PQcancel does); the query then fails with 57014. Resolves when the request was sent.
   */
  cancel(): Promise<void> {
    const key = this.key;
    if (!key || !this.pending || this.broken) return Promise.resolve();
    this.pending.cancelRequested = true;
    return sendCancelRequest(serverAddress(this.s), key);
  }

  /** Say goodbye (Terminate) and close. */
  async close(): Promise<void> {
    if (this.broken) return;
    this.broken = new Error('connection closed by the client');
    await new Promise<void>((resolve) => {
      this.sock.once('close', () => resolve());
      this.sock.end(terminateMessage());
      setTimeout(() => {
        this.sock.destroy();
        resolve();
      }, 1000).unref();
    });
  }
}

function codeError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}
