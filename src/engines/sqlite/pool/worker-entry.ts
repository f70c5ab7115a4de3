import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

/**
 * What a SQLite worker thread starts from. Sources are TypeScript with no build step, and a worker
 * does not inherit the main thread's tsx loader. Measured per worker (8 workers, RSS after start, load
 * ~10, README "Memory"): ~16 MB through tsx's hooks (worker-boot.mjs), ~9.3 MB for the same module graph
 * bundled to one plain CommonJS file started directly (a bare worker with better-sqlite3 open: ~9 MB);
 * on a fresh checkout tsx's cold transform cache also starts an esbuild thread in every worker. So on
 * first use the worker's graph is bundled with esbuild into node_modules/.cache/atombench/, keyed by
 * a hash of its inputs (re-bundled when one changes); if that fails the worker loads through tsx.
 */
export interface WorkerEntry {
  /** The Worker's file. */
  file: URL;
  /** Added to the worker's workerData (the boot file reads `entry`). */
  data: Record<string, unknown>;
  kind: 'bundle' | 'tsx' | 'js';
  /** Why the bundle was not used (kind `tsx`), for the tests and for debugging. */
  reason?: string;
}

const SOURCE_IS_TS = import.meta.url.endsWith('.ts');
const SOURCE = new URL(`../worker${SOURCE_IS_TS ? '.ts' : '.js'}`, import.meta.url);
const BOOT = new URL('../worker-boot.mjs', import.meta.url);
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'atombench');

/** The worker source loaded through tsx (worker-boot.mjs), or the compiled file itself. */
export function loaderEntry(reason?: string): WorkerEntry {
  return SOURCE_IS_TS
    ? { file: BOOT, data: { entry: SOURCE.href }, kind: 'tsx', reason }
    : { file: SOURCE, data: {}, kind: 'js' };
}

let memo: Promise<WorkerEntry> | undefined;

/** The entry every pool of this process starts its workers from (the bundle is built once). */
export function sqliteWorkerEntry(): Promise<WorkerEntry> {
  if (!SOURCE_IS_TS) return Promise.resolve(loaderEntry());
  return (memo ??= bundledEntry().catch((e: Error) => loaderEntry(`bundle failed: ${e.message}`)));
}

interface Manifest {
  key: string;
  inputs: string[];
  bundle: string;
}

const sha = (...parts: (string | Buffer)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
};

/** The cache key: the inputs' paths and contents, esbuild's and Node's versions. */
async function keyOf(inputs: string[], esbuildVersion: string): Promise<string> {
  const contents = await Promise.all(inputs.map((f) => readFile(f)));
  return sha(esbuildVersion, process.version, SOURCE.href, ...inputs.flatMap((f, i) => [f, contents[i]!]));
}

async function bundledEntry(): Promise<WorkerEntry> {
  const esbuild = await import('esbuild');
  const manifestFile = join(CACHE_DIR, `sqlite-worker-${sha(SOURCE.href).slice(0, 16)}.json`);
  const entry = (m: Manifest): WorkerEntry => ({
    file: pathToFileURL(join(CACHE_DIR, m.bundle)),
    data: {},
    kind: 'bundle',
  });
  try {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    readFileSync(join(CACHE_DIR, m.bundle));
    if ((await keyOf(m.inputs, esbuild.version)) === m.key) return entry(m);
  } catch {
    // No bundle yet, or one of another version: build it.
  }
  const built = await esbuild.build({
    entryPoints: [fileURLToPath(SOURCE)],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    // Packages (better-sqlite3) stay require()s, resolved from node_modules as before.
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [metaUrlPlugin],
  });
  const inputs = Object.keys(built.metafile.inputs).map((f) => (isAbsolute(f) ? f : join(ROOT, f)));
  const key = await keyOf(inputs, esbuild.version);
  const m: Manifest = { key, inputs, bundle: `sqlite-worker-${key.slice(0, 16)}.cjs` };
  mkdirSync(CACHE_DIR, { recursive: true });
  writeAtomic(join(CACHE_DIR, m.bundle), built.outputFiles[0]!.contents);
  writeAtomic(manifestFile, JSON.stringify(m));
  return entry(m);
}

/** Another process may build the same bundle at once: each writes its own file, then renames it. */
function writeAtomic(file: string, contents: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

/**
 * Each module's `import.meta.url` stays its own source file's URL inside the bundle (CommonJS output
 * has no import.meta; sql-template.ts finds seed/ from it).
 */
const metaUrlPlugin: Plugin = {
  name: 'atombench-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => ({
      loader: 'ts',
      contents: (await readFile(path, 'utf8')).replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(path).href),
      ),
    }));
  },
};
