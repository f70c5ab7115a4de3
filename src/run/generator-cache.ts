import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetConfig } from '../dataset/distributions.ts';
import { FINGERPRINT_FORMAT, generatedBuckets, type BucketSum } from '../dataset/fingerprint.ts';

/**
 * The generator's bucket sums, remembered on disk: regenerating the sampled buckets of a 1M dataset
 * (62 × 1024 rows, each built and hashed) costs seconds of CPU per run, and the answer is a pure
 * function of the dataset config. The file is keyed by the config, the fingerprint format and the
 * dataset checksum (SHA-256 over every generated row, recorded at seed time), so another dataset or
 * another generator never reads it; a file that does not parse as sums is ignored and rewritten.
 * The sums are what atombench would generate: the database's side is always read fresh.
 */

export const DEFAULT_CACHE_DIR = join('.atombench', 'cache');

interface CacheFile {
  format: string;
  buckets: BucketSum[];
}

export function cacheFileName(cfg: DatasetConfig, checksum: string): string {
  const key = createHash('sha256')
    .update(`${FINGERPRINT_FORMAT}\n${JSON.stringify(cfg)}\n${checksum}`)
    .digest('hex')
    .slice(0, 32);
  return `buckets-${key}.json`;
}

const isSum = (b: unknown): b is BucketSum => {
  const x = b as BucketSum;
  return (
    typeof x === 'object' &&
    x !== null &&
    Number.isSafeInteger(x.bucket) &&
    Number.isSafeInteger(x.rows) &&
    Number.isSafeInteger(x.sum)
  );
};

async function readSums(file: string): Promise<Map<number, BucketSum>> {
  try {
    const doc = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
    if (doc.format !== FINGERPRINT_FORMAT || !Array.isArray(doc.buckets) || !doc.buckets.every(isSum))
      return new Map();
    return new Map(doc.buckets.map((b) => [b.bucket, b]));
  } catch {
    return new Map(); // missing or unreadable: regenerate
  }
}

/** generatedBuckets(cfg, buckets), from the cache where it holds them; what it lacked is added to it. */
export async function cachedGeneratedBuckets(
  cfg: DatasetConfig,
  buckets: readonly number[],
  checksum: string,
  dir = DEFAULT_CACHE_DIR,
): Promise<BucketSum[]> {
  const file = join(dir, cacheFileName(cfg, checksum));
  const known = await readSums(file);
  const missing = buckets.filter((b) => !known.has(b));
  if (missing.length === 0) return buckets.map((b) => known.get(b)!);
  for (const s of generatedBuckets(cfg, missing)) known.set(s.bucket, s);
  try {
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    const all = [...known.values()].sort((a, b) => a.bucket - b.bucket);
    await writeFile(tmp, `${JSON.stringify({ format: FINGERPRINT_FORMAT, buckets: all })}\n`);
    await rename(tmp, file);
  } catch {
    // A read-only folder only costs the next run the regeneration.
  }
  return buckets.map((b) => known.get(b)!);
}
