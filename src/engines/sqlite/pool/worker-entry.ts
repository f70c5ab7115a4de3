import { workerEntries } from '../../worker-entry.ts';

export type { WorkerEntry } from '../../worker-entry.ts';

const SOURCE = new URL(`../worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
const entries = workerEntries(SOURCE, 'sqlite-worker');

/** The SQLite worker source loaded through tsx (worker-boot.mjs), or the compiled file itself. */
export const loaderEntry = entries.loader;

/** The entry every SQLite pool of this process starts its workers from (the bundle is built once). */
export const sqliteWorkerEntry = entries.entry;
