/**
 * A throwaway PostgreSQL + PostGIS server for integration tests and the self-benchmarks: initdb into a
 * temp dir, loopback only, a free port, trust auth (plus one password user to prove redaction),
 * CREATE EXTENSION postgis; stopped and removed afterwards. As root, initdb and postgres refuse to run,
 * so everything server-side runs as the `postgres` user (runuser) in a dir that user owns.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The role whose login needs a password (scram): the redaction tests connect as it. */
export const PASSWORD_USER = 'atombench_pw';
export const PASSWORD_USER_SECRET = 'correct-horse-battery';
const SERVER_USER = 'postgres';

function sh(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Where initdb / pg_ctl live: $PG_BINDIR, pg_config --bindir, or Debian's PostgreSQL 15 path. */
export function pgBinDir(): string | undefined {
  const candidates = [process.env.PG_BINDIR, sh('pg_config', ['--bindir']), '/usr/lib/postgresql/15/bin'];
  return candidates.find(
    (d): d is string => !!d && existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')),
  );
}

function shareDir(bin: string): string | undefined {
  return sh(join(bin, 'pg_config'), ['--sharedir']) ?? sh('pg_config', ['--sharedir']);
}

/** Why a throwaway PostGIS server cannot start here, or undefined when it can. */
export function postgisUnavailableReason(): string | undefined {
  const bin = pgBinDir();
  if (!bin)
    return 'PostgreSQL server binaries (initdb, pg_ctl) not found: set PG_BINDIR or install postgresql-15';
  const share = shareDir(bin);
  if (!share || !existsSync(join(share, 'extension', 'postgis.control')))
    return `PostGIS is not installed for ${bin} (apt-get install -y postgresql-15-postgis-3)`;
  if (isRoot() && !sh('id', ['-u', SERVER_USER]))
    return `running as root and there is no "${SERVER_USER}" user to run the server as`;
  return undefined;
}

/**
 * Skip-or-fail decision for a test file: the reason PostGIS is unavailable (printed), or an error when
 * ATOMBENCH_REQUIRE_POSTGIS=1 (CI), so the PostGIS tests can never silently skip there.
 */
export function postgisSkipReason(): string | undefined {
  const reason = postgisUnavailableReason();
  if (!reason) return undefined;
  if (process.env.ATOMBENCH_REQUIRE_POSTGIS === '1')
    throw new Error(`ATOMBENCH_REQUIRE_POSTGIS=1 but PostGIS tests cannot run: ${reason}`);
  console.warn(`skipping PostGIS tests: ${reason}`);
  return reason;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Run a server binary, as the postgres user when we are root. */
function runServerTool(bin: string, tool: string, args: string[]): SpawnSyncReturns<string> {
  const full = join(bin, tool);
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', SERVER_USER, '--', full, ...args]] : [full, args];
  return spawnSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface PgServerOptions {
  /** Extra postgresql.conf settings (e.g. fsync: 'off' for tests that only check correctness). */
  settings?: Record<string, string>;
  /** Load pg_stat_statements (shared_preload_libraries) and create the extension. Default true. */
  statStatements?: boolean;
  /** pg_hba.conf lines checked before the catch-all trust line (other login methods for some roles). */
  hba?: string[];
  /** TLS with a fresh self-signed certificate (needs openssl): ssl = on. */
  tls?: boolean;
}

export interface PgServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust: no password). */
  url: string;
  host: string;
  port: number;
  user: string;
  database: string;
  dataDir: string;
  /** The directory of the server's Unix socket (.s.PGSQL.<port>). */
  socketDir: string;
  /** URL of another database on this server. */
  urlFor(database: string, user?: string, password?: string): string;
  /** Run SQL through psql as the superuser (ON_ERROR_STOP); returns stdout. */
  psql(sql: string, database?: string): string;
  stop(): Promise<void>;
}

const running = new Set<() => void>();
let exitHookInstalled = false;

/** A self-signed certificate for localhost in `dir`, owned by the server's user; the ssl settings. */
function selfSignedTls(dir: string, fail: (what: string) => never): Record<string, string> {
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'].concat([
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { encoding: 'utf8' },
  );
  if (r.status !== 0) fail(`openssl (for tls: true) ${r.error?.message ?? r.stderr}`);
  if (isRoot()) {
    const uid = Number(sh('id', ['-u', SERVER_USER]));
    const gid = Number(sh('id', ['-g', SERVER_USER]));
    for (const f of [cert, key]) chownSync(f, uid, gid);
  }
  chmodSync(key, 0o600);
  return { ssl: 'on', ssl_cert_file: `'${cert}'`, ssl_key_file: `'${key}'` };
}

/** Start a throwaway server. Throws with the server log when it does not come up. */
export async function startPgServer(opts: PgServerOptions = {}): Promise<PgServer> {
  const bin = pgBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found');
  const root = mkdtempSync(join(tmpdir(), 'atombench-pg-'));
  if (isRoot()) {
    const uid = Number(sh('id', ['-u', SERVER_USER]));
    const gid = Number(sh('id', ['-g', SERVER_USER]));
    chownSync(root, uid, gid);
  }
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  const fail = (what: string, r?: SpawnSyncReturns<string>): never => {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
    rmSync(root, { recursive: true, force: true });
    throw new Error(`${what} failed: ${r?.stderr ?? ''}${r?.stdout ?? ''}\n${log}`);
  };
  let r = runServerTool(bin, 'initdb', [
    '-D',
    dataDir,
    '-U',
    SERVER_USER,
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  if (r.status !== 0) fail('initdb', r);
  // Password login for one role (to prove a wrong password is never printed), trust for the rest.
  const hba = [
    'local all all trust',
    `host all ${PASSWORD_USER} 127.0.0.1/32 scram-sha-256`,
    ...(opts.hba ?? []),
    'host all all 127.0.0.1/32 trust',
  ];
  writeFileSync(join(dataDir, 'pg_hba.conf'), `${hba.join('\n')}\n`);
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: "'127.0.0.1'",
    port: String(port),
    unix_socket_directories: `'${root}'`,
    max_connections: '100',
    ...(opts.statStatements !== false ? { shared_preload_libraries: "'pg_stat_statements'" } : {}),
    ...(opts.tls ? selfSignedTls(root, fail) : {}),
    ...opts.settings,
  };
  const conf = Object.entries(settings).map(([k, v]) => `${k} = ${v}`);
  writeFileSync(join(dataDir, 'postgresql.auto.conf'), `${conf.join('\n')}\n`);
  r = runServerTool(bin, 'pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
  if (r.status !== 0) fail('pg_ctl start', r);

  const stopSync = () => {
    runServerTool(bin, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    rmSync(root, { recursive: true, force: true });
  };
  running.add(stopSync);
  if (!exitHookInstalled) {
    // A crashed run must not leave servers behind. Outside vitest (the benchmarks), Ctrl-C too: stop
    // the servers, then let the signal end the process as it would have.
    exitHookInstalled = true;
    const stopAll = () => running.forEach((s) => s());
    process.once('exit', stopAll);
    if (!process.env.VITEST)
      for (const sig of ['SIGINT', 'SIGTERM'] as const)
        process.once(sig, () => {
          stopAll();
          process.kill(process.pid, sig);
        });
  }

  const host = '127.0.0.1';
  const database = 'postgres';
  const psql = (sql: string, db = database): string => {
    const res = spawnSync(
      'psql',
      [
        '-X',
        '-q',
        '-A',
        '-t',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        host,
        '-p',
        String(port),
        '-U',
        SERVER_USER,
        '-d',
        db,
      ],
      {
        input: sql,
        encoding: 'utf8',
      },
    );
    if (res.status !== 0) throw new Error(`psql failed: ${res.stderr}`);
    return res.stdout.trim();
  };
  try {
    psql(
      [
        'CREATE EXTENSION IF NOT EXISTS postgis;',
        opts.statStatements !== false ? 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements;' : '',
        `CREATE ROLE ${PASSWORD_USER} LOGIN PASSWORD '${PASSWORD_USER_SECRET}';`,
      ].join('\n'),
    );
  } catch (e) {
    stopSync();
    running.delete(stopSync);
    throw e;
  }
  const urlFor = (db: string, user = SERVER_USER, password?: string) =>
    `postgres://${encodeURIComponent(user)}${password !== undefined ? `:${encodeURIComponent(password)}` : ''}@${host}:${port}/${encodeURIComponent(db)}`;
  return {
    url: urlFor(database),
    socketDir: root,
    host,
    port,
    user: SERVER_USER,
    database,
    dataDir,
    urlFor,
    psql,
    stop: async () => {
      if (!running.delete(stopSync)) return;
      const res = runServerTool(bin, 'pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
      if (res.status !== 0) runServerTool(bin, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Fault injection for the fault suite: restart or stop the server the way an operator (or a crash) would. */
export function pgCtl(server: PgServer, args: string[]): { status: number | null; out: string } {
  const bin = pgBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found');
  const r = runServerTool(bin, 'pg_ctl', ['-D', server.dataDir, ...args]);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
