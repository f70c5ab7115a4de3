import type { CacheLocation } from './bundle-cache.mjs';

/** See bundle.mjs: the cached esbuild bundle of a TypeScript entry; resolves to the file to load. */
export function bundled(
  entry: URL,
  options: { name: string; format: 'cjs' | 'esm' },
  locations?: CacheLocation[],
): Promise<URL>;
