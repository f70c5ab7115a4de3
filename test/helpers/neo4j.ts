/**
 * A throwaway Neo4j Community server for integration tests: the one-class launcher in ./neo4j/ (embedded
 * DBMS from Maven Central, Bolt on 127.0.0.1, auth on, small memory) run as a child JVM. The launcher
 * is built once per machine with Maven (its classpath cached in neo4j/target/classpath.txt); the JVM
 * stops itself when its stdin closes, so it never outlives the test process. The server can be
 * stopped, killed (SIGKILL, for fault tests) and restarted on the same port and data dir.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Driver } from 'neo4j-driver';

const LAUNCHER_DIR = join(dirname(fileURLToPath(import.meta.url)), 'neo4j');
const POM = join(LAUNCHER_DIR, 'pom.xml');
const SOURCE = join(LAUNCHER_DIR, 'src', 'main', 'java', 'atombench', 'Neo4jLauncher.java');
const TARGET = join(LAUNCHER_DIR, 'target');
const CLASSES = join(TARGET, 'classes');
const CLASSPATH_FILE = join(TARGET, 'classpath.txt');
const BUILD_LOCK = join(TARGET, '.build-lock');
const BUILD_TIMEOUT_MS = 15 * 60_000; // the first, online build downloads about 200 MB
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
const STDERR_TAIL_CHARS = 4000;
const MIN_JAVA = 17; // Neo4j 5.26
/**
 * Small and quick to start on 2 cores: about 5 s to READY and 300 MB RSS on a reused data dir. C1 only
 * (TieredStopAtLevel=1) halves the start; it also lowers peak speed, fine for correctness tests.
 */
const JVM_OPTIONS = [
  '-Xms64m',
  '-Xmx256m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:ReservedCodeCacheSize=64m',
  '-XX:MaxDirectMemorySize=128m',
];
export const NEO4J_USER = 'neo4j';
export const NEO4J_DEFAULT_PASSWORD = 'atombench-neo4j-pw'; // Neo4j wants 8 characters at least

export type Neo4jAvailability = { ok: true } | { ok: false; reason: string };

function javaBin(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Why this Java cannot run the launcher, or undefined when it can. */
function javaProblem(): string | undefined {
  const java = javaBin();
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    return `no Java (${java} -version: ${r.error?.message ?? r.stderr.trim()}): install a JDK ${MIN_JAVA}+ or set JAVA_HOME`;
  const major = Number(/version "(?:1\.)?(\d+)/.exec(r.stderr)?.[1]);
  if (!(major >= MIN_JAVA))
    return `${java} is Java ${major || '?'}; Neo4j 5.26 needs ${MIN_JAVA}+ (set JAVA_HOME)`;
  return undefined;
}

function mtimeMs(path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : -1;
}

/**
 * The launcher's runtime classpath when a build newer than its sources exists, with every jar present.
 * The class is compared with the source (the compiler skips it when only the pom changed) and the
 * classpath file with the pom (the pom makes Maven write it at every build).
 */
function builtClasspath(): string | undefined {
  if (mtimeMs(join(CLASSES, 'atombench', 'Neo4jLauncher.class')) < mtimeMs(SOURCE)) return undefined;
  if (mtimeMs(CLASSPATH_FILE) < mtimeMs(POM)) return undefined;
  const jars = readFileSync(CLASSPATH_FILE, 'utf8').trim();
  if (!jars || !jars.split(':').every((j) => existsSync(j))) return undefined; // ~/.m2 was cleaned
  return `${CLASSES}:${jars}`;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Test files start in parallel workers: one builds, the others wait for its result. */
function withBuildLock<T>(fn: () => T): T {
  mkdirSync(TARGET, { recursive: true });
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      if (Date.now() - mtimeMs(BUILD_LOCK) > BUILD_TIMEOUT_MS)
        rmSync(BUILD_LOCK, { force: true, recursive: true });
      else if (Date.now() > deadline) throw new Error(`gave up waiting for another build (${BUILD_LOCK})`);
      else sleepSync(500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(BUILD_LOCK, { force: true, recursive: true });
  }
}

/** mvn package, offline first (artifacts already in ~/.m2), then online. The reason when it fails. */
function build(): string | undefined {
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error || mvn.status !== 0)
    return `no Maven to build the Neo4j launcher (mvn -v: ${mvn.error?.message ?? mvn.stderr.trim()}): apt-get install -y maven`;
  let last = '';
  for (const offline of [true, false]) {
    const args = ['-B', '-q', ...(offline ? ['-o'] : []), '-f', POM, 'package'];
    const r = spawnSync('mvn', args, { encoding: 'utf8', timeout: BUILD_TIMEOUT_MS, maxBuffer: 64 << 20 });
    if (r.status === 0 && builtClasspath()) return undefined;
    const why = r.error?.message ?? (r.status === 0 ? 'no fresh classpath.txt' : `exit ${r.status}`);
    // eslint-disable-next-line no-control-regex -- Maven colours its output even with -B -q
    const out = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').trim();
    last = `mvn ${args.join(' ')} failed (${why}): ${out.slice(-1500)}`;
  }
  return last;
}

let availability: Neo4jAvailability | undefined;
let classpath: string | undefined;

/** Whether a Neo4j can start here: Java 17+, and the launcher built (building it when needed). */
export function neo4jAvailability(): Neo4jAvailability {
  if (availability) return availability;
  const reason =
    javaProblem() ??
    (builtClasspath() ? undefined : withBuildLock(() => (builtClasspath() ? undefined : build())));
  classpath = reason ? undefined : builtClasspath();
  availability = reason ? { ok: false, reason } : { ok: true };
  return availability;
}

let warned = false;

/**
 * Skip-or-fail decision for a test file: the reason Neo4j is unavailable (printed once), or an error
 * when ATOMBENCH_REQUIRE_NEO4J=1 (CI), so the Neo4j tests can never silently skip there.
 */
export function neo4jSkipReason(): string | undefined {
  const a = neo4jAvailability();
  if (a.ok) return undefined;
  if (process.env.ATOMBENCH_REQUIRE_NEO4J === '1')
    throw new Error(`ATOMBENCH_REQUIRE_NEO4J=1 but Neo4j tests cannot run: ${a.reason}`);
  if (!warned) console.warn(`skipping Neo4j tests: ${a.reason}`);
  warned = true;
  return a.reason;
}

export interface Neo4jOptions {
  /** Bolt port; default: a free loopback port chosen by the launcher (kept for restarts). */
  port?: number;
  /** The Neo4j home (data/, logs/debug.log); default: a temp dir that dispose() removes. */
  dataDir?: string;
  /** The neo4j user's password, set at the first start of a data dir. Default NEO4J_DEFAULT_PASSWORD. */
  password?: string;
}

export interface Neo4jServer {
  /** bolt://127.0.0.1:<port> */
  url: string;
  user: typeof NEO4J_USER;
  password: string;
  port: number;
  dataDir: string;
  /** The JVM's pid while it runs. */
  readonly pid: number | undefined;
  /** Clean shutdown (stdin EOF); keeps the data dir for restart(). */
  stop(): Promise<void>;
  /** SIGKILL, as a crash; keeps the data dir for restart(). */
  kill(): Promise<void>;
  /** Stop if running, then start again on the same port and data dir. */
  restart(): Promise<void>;
  /** Stop, and remove the data dir when it was a temp dir made here. */
  dispose(): Promise<void>;
}

const running = new Set<ChildProcess>();
const ownedDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // The JVM stops itself when our end of its stdin closes; this also covers a crash of the test run.
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
    for (const d of ownedDirs) rmSync(d, { recursive: true, force: true });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Start the JVM; resolves with the port from its READY line. */
function launch(
  cp: string,
  port: number,
  dataDir: string,
  password: string,
): Promise<{ child: ChildProcess; port: number }> {
  const args = [...JVM_OPTIONS, '-cp', cp, 'atombench.Neo4jLauncher'];
  args.push('--port', String(port), '--data-dir', dataDir, '--password', password);
  const child = spawn(javaBin(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr = (stderr + s).slice(-STDERR_TAIL_CHARS);
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        new Error(
          `Neo4j did not start: ${why}\nstderr: ${stderr}\n(see ${join(dataDir, 'logs', 'debug.log')})`,
        ),
      );
    };
    const timer = setTimeout(
      () => fail(`no READY line within ${READY_TIMEOUT_MS / 1000} s`),
      READY_TIMEOUT_MS,
    );
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code, signal) => fail(`the JVM exited (${signal ?? `code ${code}`}) before READY`));
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      const m = /^NEO4J READY bolt:\/\/127\.0\.0\.1:(\d+)$/m.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('error').removeAllListeners('exit');
      child.once('exit', () => running.delete(child));
      child.stdout!.removeAllListeners('data').resume();
      resolve({ child, port: Number(m[1]) });
    });
  });
}

/** Start a throwaway Neo4j. Throws with the launcher's stderr when it does not come up in 120 s. */
export async function startNeo4j(opts: Neo4jOptions = {}): Promise<Neo4jServer> {
  const a = neo4jAvailability();
  if (!a.ok || !classpath) throw new Error(`Neo4j cannot start here: ${a.ok ? 'no classpath' : a.reason}`);
  const cp = classpath;
  installExitHook();
  const password = opts.password ?? NEO4J_DEFAULT_PASSWORD;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'atombench-neo4j-'));
  if (!opts.dataDir) ownedDirs.add(dataDir);
  let child: ChildProcess | undefined;
  let port: number;
  try {
    ({ child, port } = await launch(cp, opts.port ?? 0, dataDir, password));
  } catch (e) {
    if (ownedDirs.delete(dataDir)) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }

  const end = async (how: 'stdin' | 'SIGKILL') => {
    const c = child;
    if (!c) return;
    child = undefined;
    const done = exited(c);
    if (how === 'stdin') c.stdin!.end();
    else c.kill('SIGKILL');
    const timer = setTimeout(() => c.kill('SIGKILL'), STOP_TIMEOUT_MS); // a hung shutdown
    await done;
    clearTimeout(timer);
  };
  return {
    url: `bolt://127.0.0.1:${port}`,
    user: NEO4J_USER,
    password,
    port,
    dataDir,
    get pid() {
      return child?.pid;
    },
    stop: () => end('stdin'),
    kill: () => end('SIGKILL'),
    restart: async () => {
      await end('stdin');
      child = (await launch(cp, port, dataDir, password)).child;
    },
    dispose: async () => {
      await end('stdin');
      if (ownedDirs.delete(dataDir)) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The first value of the first row of a Cypher query, as a number (counts), on a short session. */
export async function cypherNumber(driver: Driver, cypher: string): Promise<number> {
  const s = driver.session();
  try {
    return Number((await s.run(cypher)).records[0]?.get(0));
  } finally {
    await s.close();
  }
}
