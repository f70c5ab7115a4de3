// Starts a worker thread whose entry may be TypeScript: under tsx (npm start, vitest) the worker
// does not inherit the loader, so register one here before loading the real entry.
//
// tsx's CommonJS hooks (tsx/cjs/api, public API) run in this thread. Its ESM hooks (tsx/esm/api) go
// through module.register, which on Node 20 starts one more hooks thread (another V8 isolate with
// tsx and esbuild loaded) per worker: measured ~32 MB per idle worker with the ESM hooks against
// ~18 MB with the CommonJS ones (8 workers; README "Memory"). The worker's module graph has no
// top-level await, so it loads as CommonJS.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';

const entry = workerData?.entry;
if (typeof entry !== 'string') throw new Error('worker-boot: workerData.entry missing');
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/cjs/api');
  register();
  createRequire(import.meta.url)(fileURLToPath(entry));
} else {
  await import(entry);
}
