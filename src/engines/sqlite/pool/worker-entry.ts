import { bundled } from '../../../bundle.mjs';

/**
 * What a SQLite worker thread starts from. Sources are TypeScript with no build step, and a worker
 * does not inherit the main thread's tsx loader. Measured per worker (8 workers, RSS after start, load
 * ~10, README "Memory"): ~16 MB through tsx's hooks (worker-boot.mjs), ~9.3 MB for the same module graph
 * bundled to one plain CommonJS file started directly (a bare worker with better-sqlite3 open: ~9 MB);
 * on a fresh checkout tsx's cold transform cache also starts an esbuild thread in every worker. So on
 * first use the worker's graph is bundled (src/bundle.mjs: esbuild, cached, rebuilt when a source
 * changes); if that fails the worker loads through tsx.
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

async function bundledEntry(): Promise<WorkerEntry> {
  return { file: await bundled(SOURCE, { name: 'sqlite-worker', format: 'cjs' }), data: {}, kind: 'bundle' };
}
