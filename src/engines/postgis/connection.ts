import pg from 'pg';
import { RuntimeFailure, UserError } from '../../errors.ts';
import { redactUrl, scrubSecrets } from '../../redact.ts';

/** Connections say who they are in pg_stat_activity (unless the URL sets application_name). */
export const APPLICATION_NAME = 'atombench';

/** The URL the engine accepts, checked before any connection: a bad one is bad input (exit 2). */
export function checkPostgresUrl(url: string | undefined): string {
  if (!url)
    throw new UserError(
      '--url: the postgis engine needs a connection URL, postgres://user[:password]@host[:port]/database (or ATOMBENCH_URL)',
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`--url: not a valid URL: ${displayUrl(url)}`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new UserError(
      `--url: the postgis engine takes postgres://user[:password]@host[:port]/database, not ${parsed.protocol}//`,
    );
  return url;
}

/** The URL for messages: password masked, and any other place the password shows (a database name...). */
export function displayUrl(url: string): string {
  return scrubSecrets(redactUrl(url), url);
}

/**
 * How long a connection attempt may take (TCP, TLS, authentication) before it fails with class
 * `connect-timeout`: without it a server that accepts no connection hangs the run
 * (ATOMBENCH_CONNECT_TIMEOUT_MS overrides it).
 */
export function connectTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.ATOMBENCH_CONNECT_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : 10_000;
}

export function clientConfig(url: string): pg.ClientConfig & { connectionString: string } {
  return {
    connectionString: url,
    application_name: APPLICATION_NAME,
    connectionTimeoutMillis: connectTimeoutMs(),
    keepAlive: true,
  };
}

/** Clients whose connection is gone ('error' or 'end' seen): the engine opens a fresh one instead. */
const deadClients = new WeakSet<pg.Client>();

export function isDead(c: pg.Client | undefined): boolean {
  return !c || deadClients.has(c);
}

/**
 * An error whose message and stack carry no secret of `url` (driver errors may echo the connection
 * string, a database or user name the password equals, ...). The driver's code is kept for the error class.
 */
export function scrubbedError(e: unknown, url: string, context?: string): Error {
  const src = e as Error & { code?: string };
  const message = scrubSecrets(src?.message ?? String(e), url);
  // Our own errors keep their class (it decides the exit code), with the message scrubbed all the same.
  if (e instanceof UserError) return new UserError(message);
  if (e instanceof RuntimeFailure) return new RuntimeFailure(message);
  const out = new Error(context ? `${context}: ${message}` : message) as Error & { code?: string };
  if (typeof src?.code === 'string') out.code = src.code;
  else {
    // pg says these in words only; the load counts them as connection faults (load/outage.ts).
    const lost = faultClassOf(message);
    if (lost) out.code = lost;
  }
  out.name = src?.name && src.name !== 'Error' ? src.name : 'PostgresError';
  return out;
}

/** The connection-fault class of a pg message without a code, or undefined. */
export function faultClassOf(message: string): string | undefined {
  if (/timeout expired|connect timeout/i.test(message)) return 'connect-timeout';
  if (
    /Connection terminated|connection error|not queryable|Client was closed|connection to the server was closed/i.test(
      message,
    )
  )
    return 'connection-lost';
  return undefined;
}

/** Run `fn`, rethrowing any error scrubbed of the URL's secrets. */
export async function scrubbing<T>(url: string, fn: () => Promise<T>, context?: string): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw scrubbedError(e, url, context);
  }
}

/**
 * Why the server ended a client's connection: its FATAL ErrorResponse (57P01 "terminating connection
 * due to administrator command", ...), else the client's first 'error' (a reset socket). The calls made
 * after it fail with pg's own words only ("Client has encountered a connection error and is not
 * queryable", "Connection terminated unexpectedly"), which hide the reason.
 */
const endReasons = new WeakMap<object, Error>();

function noteEndReason(client: pg.Client, e: Error): void {
  if (!endReasons.has(client)) endReasons.set(client, e);
}

/**
 * The error to report for `e`, a failure of a call on one of `clients`: the server's reason for ending
 * that connection when `e` only says that a connection is gone (no SQLSTATE of its own), else `e`. With
 * several clients, the first one's reason that the server ended (a kill usually ends them all at once).
 */
export function withEndReason(clients: readonly object[], e: unknown): unknown {
  const reason = clients.map((c) => endReasons.get(c)).find((r) => r !== undefined);
  if (!reason || reason === e) return e;
  const err = e as Error & { code?: unknown };
  if (typeof err?.code === 'string' || faultClassOf(err?.message ?? '') !== 'connection-lost') return e;
  return reason;
}

/** `fn()` on `clients`, a failure on a connection the server ended reported with its reason. */
export async function onClients<T>(clients: readonly object[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw withEndReason(clients, e);
  }
}

/** One dedicated connection (schema work, seeding, probes). */
export async function openClient(url: string): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(url));
  // Attached before the client's own listeners (connect()), so the reason is known before any call on
  // the client fails with pg's words for it. `severity` is localized (lc_messages); the SQLSTATE class
  // 57P (operator intervention: 57P01 terminated, 57P02 crash shutdown, ...) is not.
  client.connection.on('errorMessage', (msg: Error & { severity?: string; code?: string }) => {
    if (msg.severity === 'FATAL' || msg.severity === 'PANIC' || msg.code?.startsWith('57P'))
      noteEndReason(client, msg);
  });
  // A dropped connection emits 'error' on the client; without a listener Node would crash.
  client.on('error', (e) => {
    noteEndReason(client, e);
    deadClients.add(client);
  });
  client.on('end', () => deadClients.add(client));
  try {
    await scrubbing(url, () => client.connect());
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  return client;
}
