/**
 * Connection settings of the load's client, owned here (no private module of `pg`): the URL, then the
 * PG* environment variables, then pg's public defaults (`pg.defaults`), resolved exactly as pg resolves
 * them for the admin connections, so one URL reaches the same server, database and user on both.
 * test/unit/engines/postgis/wire-settings.test.ts checks this against pg's own ConnectionParameters for
 * a table of URLs and environments: a pg release that resolves differently fails that test first.
 * The password file (~/.pgpass or PGPASSFILE) is read as libpq and pg read it.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface WireSettings {
  host: string;
  port: number;
  user: string;
  database: string;
  password?: string | null | (() => string | Promise<string>);
  /** false, true (verify), or tls.connect options (sslmode=no-verify: rejectUnauthorized false, sslrootcert: ca...). */
  ssl?: Ssl;
  application_name?: string;
  options?: string;
  /** statement_timeout of every session (the load pool's workload.timeoutMs); absent: the server's. */
  statementTimeoutMs?: number;
  isDomainSocket: boolean;
}

type Params = Record<string, string | undefined>;
type Ssl = boolean | Record<string, unknown>;

/** The URL's parts as pg-connection-string reads them (query parameters override the authority). */
function parseUrl(url: string): { p: Params; ssl: Ssl | string | undefined } {
  let text = url;
  // Spaces and stray % are encoded first, as pg-connection-string does.
  if (/ |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(text)) text = encodeURI(text).replace(/%25(\d\d)/g, '%$1');
  let u: URL;
  let dummyHost = false;
  try {
    u = new URL(text, 'postgres://base');
  } catch {
    u = new URL(text.replace('@/', '@___DUMMY___/'), 'postgres://base');
    dummyHost = true;
  }
  const p: Params = Object.fromEntries(u.searchParams.entries());
  p.user = p.user || decodeURIComponent(u.username);
  p.password = p.password || decodeURIComponent(u.password);
  const hostname = (dummyHost ? '' : u.hostname).replace(/^\[(.+)\]$/, '$1');
  let pathname = u.pathname;
  if (!p.host) p.host = decodeURIComponent(hostname);
  else if (hostname && /^%2f/i.test(hostname)) pathname = hostname + pathname;
  if (!p.port) p.port = u.port;
  const db = pathname.slice(1);
  p.database = db ? decodeURI(db) : undefined;
  const ssl = p.ssl;
  let out: Ssl | string | undefined = ssl;
  if (ssl === 'true' || ssl === '1') out = true;
  if (ssl === '0') out = false;
  if (p.sslcert || p.sslkey || p.sslrootcert || p.sslmode) out = {};
  if (typeof out === 'object') {
    if (p.sslcert) out.cert = readFileSync(p.sslcert, 'utf8');
    if (p.sslkey) out.key = readFileSync(p.sslkey, 'utf8');
    if (p.sslrootcert) out.ca = readFileSync(p.sslrootcert, 'utf8');
    if (p.sslmode === 'disable') out = false;
    else if (p.sslmode === 'no-verify') out.rejectUnauthorized = false;
  }
  return { p, ssl: out };
}

function sslFromEnvironment(): Ssl {
  switch (process.env.PGSSLMODE) {
    case 'disable':
      return false;
    case 'prefer':
    case 'require':
    case 'verify-ca':
    case 'verify-full':
      return true;
    case 'no-verify':
      return { rejectUnauthorized: false };
  }
  return Boolean(pg.defaults.ssl);
}

/** The settings pg would use for `config` (URL, PG* environment variables, pg.defaults). */
export function wireSettings(config: { connectionString: string; application_name?: string }): WireSettings {
  const url = parseUrl(config.connectionString);
  const c: Params = { application_name: config.application_name, ...url.p };
  const defaults = pg.defaults as unknown as Params & { port?: number | string };
  // A value set (non-empty) wins, then the environment variable, then pg's default.
  const val = (key: string, env: string | false = `PG${key.toUpperCase()}`): string | undefined =>
    c[key] || (env ? process.env[env] : undefined) || (defaults[key] as string | undefined);
  // Undefined when neither the URL, PGUSER nor $USER names one (as in pg; the start-up then refuses).
  const user = val('user') as string;
  const host = val('host') ?? 'localhost';
  let ssl = url.ssl === undefined ? sslFromEnvironment() : url.ssl;
  if (ssl === 'true') ssl = true;
  if (ssl === 'no-verify') ssl = { rejectUnauthorized: false };
  return {
    host,
    port: parseInt(val('port') ?? String(defaults.port ?? 5432), 10),
    user,
    database: val('database') ?? user,
    password: val('password') ?? null,
    ssl: typeof ssl === 'string' ? Boolean(ssl) : ssl,
    application_name: val('application_name', 'PGAPPNAME'),
    options: val('options'),
    isDomainSocket: host.startsWith('/'),
  };
}

/** One line of a password file: host:port:database:user:password, `*` matches anything, `\` escapes. */
export function pgPassLine(line: string): string[] | undefined {
  if (line.length < 11 || /^\s*#/.test(line)) return undefined;
  const fields: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\' && i + 1 < line.length) cur += line[++i];
    else if (ch === ':' && fields.length < 4) {
      fields.push(cur);
      cur = '';
    } else cur += ch;
  }
  fields.push(cur.replace(/\r$/, ''));
  return fields.length === 5 && fields.every((f) => f !== '') ? fields : undefined;
}

/**
 * The password for `s` from the password file, or undefined: not read when PGPASSWORD is set, or when
 * the file is not a plain file or others can read it (as libpq does, with the same warning).
 */
export function pgPassPassword(s: WireSettings, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (Object.prototype.hasOwnProperty.call(env, 'PGPASSWORD')) return undefined;
  const file = env.PGPASSFILE || join(env.HOME || homedir() || './', '.pgpass');
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) {
      process.stderr.write(`WARNING: password file "${file}" is not a plain file\n`);
      return undefined;
    }
    if (process.platform !== 'win32' && st.mode & 0o077) {
      process.stderr.write(
        `WARNING: password file "${file}" has group or world access; permissions should be u=rw (0600) or less\n`,
      );
      return undefined;
    }
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const want = [s.host, String(s.port || 5432), s.database, s.user];
  for (const line of text.split('\n')) {
    const f = pgPassLine(line);
    if (!f) continue;
    const hit = want.every((w, i) =>
      i === 1 ? f[1] === '*' || Number(f[1]) === Number(w) : f[i] === '*' || f[i] === w,
    );
    if (hit) return f[4];
  }
  return undefined;
}
