/**
 * Parse the --url for SQL Server into an mssql config. Two forms:
 *   mssql://user:password@host:port/database?encrypt=true&trustServerCertificate=true
 *     (also sqlserver://; user and password URL-decoded; port 1433 by default)
 *   an ADO.NET string: Server=host,port;Database=db;User Id=sa;Password=...;Encrypt=false
 *     (parsed by mssql's own ConnectionPool.parseConnectionString, as testcontainers returns it)
 * Errors are UserErrors that name --url and never contain the password.
 */
import sql from 'mssql';
import { UserError } from '../../errors.ts';
import { Redactor } from './redact.ts';

export interface MssqlTarget {
  /** The mssql config, password included: never print it. */
  config: sql.config;
  /** host:port/database as user, for messages. */
  display: string;
  /** Redacts the password (and anything credential-shaped) from any text. */
  redactor: Redactor;
}

const URL_PARAMS: Record<string, (cfg: sql.config, v: string) => void> = {
  encrypt: (c, v) => (opts(c).encrypt = bool('encrypt', v)),
  trustServerCertificate: (c, v) => (opts(c).trustServerCertificate = bool('trustServerCertificate', v)),
  instanceName: (c, v) => (opts(c).instanceName = v),
  appName: (c, v) => (opts(c).appName = v),
  connectTimeoutMs: (c, v) => (c.connectionTimeout = positiveInt('connectTimeoutMs', v)),
  requestTimeoutMs: (c, v) => (c.requestTimeout = positiveInt('requestTimeoutMs', v, true)),
};

function opts(c: sql.config): NonNullable<sql.config['options']> {
  c.options ??= {};
  return c.options;
}

function bool(name: string, v: string): boolean {
  const s = v.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off'].includes(s)) return false;
  throw new UserError(`--url: ${name} must be true or false, got "${v}"`);
}

function positiveInt(name: string, v: string, allowZero = false): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < (allowZero ? 0 : 1))
    throw new UserError(`--url: ${name} must be a positive integer, got "${v}"`);
  return n;
}

function describe(cfg: sql.config): string {
  const inst = cfg.options?.instanceName ? `\\${cfg.options.instanceName}` : '';
  return `${cfg.server}${inst}:${cfg.port ?? 1433}/${cfg.database ?? '(default database)'} as ${cfg.user ?? '(no user)'}`;
}

function decode(part: string, what: string, redactor: Redactor): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new UserError(`--url: the ${what} is not valid percent-encoding (${redactor.redact(part)})`);
  }
}

function parseUrlForm(url: string): MssqlTarget {
  // Register the raw userinfo password before anything can echo the URL.
  const early = new Redactor();
  const userinfo = /^[a-z]+:\/\/([^@/?#]*)@/i.exec(url)?.[1];
  if (userinfo?.includes(':')) early.add(userinfo.slice(userinfo.indexOf(':') + 1));
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`--url: not a valid URL: ${early.redact(url)}`);
  }
  const password = u.password ? decode(u.password, 'password', early) : undefined;
  const redactor = new Redactor([password, u.password]);
  if (!u.hostname) throw new UserError(`--url: no host in ${redactor.redact(url)}`);
  const cfg: sql.config = {
    server: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? positiveInt('port', u.port) : 1433,
    user: u.username ? decode(u.username, 'user name', redactor) : undefined,
    password,
    database: u.pathname.length > 1 ? decode(u.pathname.slice(1), 'database', redactor) : undefined,
    options: { encrypt: true, trustServerCertificate: false },
  };
  if (cfg.database?.includes('/'))
    throw new UserError(`--url: the database name "${cfg.database}" contains "/"`);
  for (const [key, value] of u.searchParams) {
    const apply = URL_PARAMS[key];
    if (!apply)
      throw new UserError(`--url: unknown parameter "${key}"; valid: ${Object.keys(URL_PARAMS).join(', ')}`);
    apply(cfg, value);
  }
  return { config: cfg, display: describe(cfg), redactor };
}

function parseAdoForm(text: string): MssqlTarget {
  const early = new Redactor();
  let parsed: ReturnType<typeof sql.ConnectionPool.parseConnectionString>;
  try {
    parsed = sql.ConnectionPool.parseConnectionString(text);
  } catch (e) {
    throw new UserError(`--url: not a valid SQL Server connection string (${early.message(e)})`);
  }
  const redactor = new Redactor([parsed.password]);
  if (!parsed.server)
    throw new UserError(`--url: the connection string has no Server / Data Source: ${redactor.redact(text)}`);
  const cfg: sql.config = { ...parsed, options: { ...(parsed.options ?? {}) } };
  return { config: cfg, display: describe(cfg), redactor };
}

/** Parse --url / ATOMBENCH_URL for the mssql engine. */
export function parseMssqlUrl(url: string | undefined): MssqlTarget {
  if (!url || !url.trim())
    throw new UserError(
      '--url: the mssql engine needs a server, e.g. mssql://sa:<password>@localhost:1433/atombench?trustServerCertificate=true',
    );
  const text = url.trim();
  if (/^(mssql|sqlserver):\/\//i.test(text)) return parseUrlForm(text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text))
    throw new UserError(
      `--url: the mssql engine takes mssql://... or an ADO connection string, not ${text.split(':')[0]}://`,
    );
  if (text.includes('=')) return parseAdoForm(text);
  throw new UserError(
    '--url: expected mssql://user:password@host:port/database or Server=...;Database=...;User Id=...;Password=...',
  );
}

/** A copy of the config for another database on the same server (master, for ALTER DATABASE). */
export function withDatabase(cfg: sql.config, database: string, poolMax: number): sql.config {
  return {
    ...cfg,
    database,
    options: { ...(cfg.options ?? {}) },
    pool: { ...(cfg.pool ?? {}), max: poolMax, min: 0 },
  };
}
