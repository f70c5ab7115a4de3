import { bundled } from '../bundle.mjs';

/**
 * What an engine's worker thread starts from. Sources are TypeScript with no build step, and a worker
 * does not inherit the main thread's tsx loader. Measured per worker (8 SQLite workers, RSS after start,
 * load ~10, README "Memory"): ~16 MB through tsx's hooks (worker-boot.mjs), ~9.3 MB for the same module
 * graph bundled to one plain CommonJS file started directly (a bare worker with better-sqlite3 open:
 * ~9 MB); on a fresh checkout tsx's cold transform cache also starts an esbuild thread in every worker.
 * So on first use the worker's graph is bundled (src/bundle.mjs: esbuild, cached, rebuilt when a source
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

const BOOT = new URL('./worker-boot.mjs', import.meta.url);

export interface WorkerEntries {
  /** The entry every worker of this process starts from (the bundle is built once). */
  entry(): Promise<WorkerEntry>;
  /** The worker source loaded through tsx (worker-boot.mjs), or the compiled file itself. */
  loader(reason?: string): WorkerEntry;
}

/** The entries of the worker module `source` (its .ts URL under tsx, .js compiled), bundled as `name`. */
export function workerEntries(source: URL, name: string): WorkerEntries {
  const isTs = source.pathname.endsWith('.ts');
  const loader = (reason?: string): WorkerEntry =>
    isTs
      ? { file: BOOT, data: { entry: source.href }, kind: 'tsx', reason }
      : { file: source, data: {}, kind: 'js' };
  let memo: Promise<WorkerEntry> | undefined;
  const entry = (): Promise<WorkerEntry> => {
    if (!isTs) return Promise.resolve(loader());
    return (memo ??= bundled(source, { name, format: 'cjs' })
      .then((file: URL): WorkerEntry => ({ file, data: {}, kind: 'bundle' }))
      .catch((e: Error) => loader(`bundle failed: ${e.message}`)));
  };
  return { entry, loader };
}
