// Starts a worker thread whose entry may be TypeScript: under tsx (npm start, vitest) the worker
// does not inherit the loader, so register it here before importing the real entry.
import { workerData } from 'node:worker_threads';

const entry = workerData?.entry;
if (typeof entry !== 'string') throw new Error('worker-boot: workerData.entry missing');
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
