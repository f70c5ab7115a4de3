/** See bundle-cache.mjs: where bundles live (node_modules/.cache/atombench/, else a per-user cache). */
export interface CacheLocation {
  dir: string;
  /** A per-user place: the folder that must be this user's own, mode 0700. */
  owned?: string;
}
export const UNUSED_MS: number;
export const REFRESH_MS: number;
export const LEFTOVER_MS: number;
export function randomSuffix(): string;
export function cacheLocations(env?: NodeJS.ProcessEnv): CacheLocation[];
export function isPrivate(dir: string): boolean;
export function openLocation(location: CacheLocation, create: boolean): string | undefined;
export function markUsed(folder: string): void;
export function useFolder(folder: string): void;
export function pruneCache(
  dir: string,
  options?: { now?: number; unusedMs?: number; keep?: Set<string> },
): string[];
