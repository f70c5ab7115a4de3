import {
  checkedBuckets,
  differingBuckets,
  differingRows,
  generatedBuckets,
  generatedRowHashes,
  SAMPLE_EVERY,
  storedContentHash,
  type StoredFingerprint,
  type VerifyMode,
} from '../dataset/fingerprint.ts';
import type { DatasetConfig } from '../dataset/distributions.ts';
import type { Engine, FingerprintRequest } from '../engines/types.ts';
import { UserError } from '../errors.ts';
import type { StoredDataset } from '../model/result.ts';
import { cachedGeneratedBuckets } from './generator-cache.ts';

/** The stored rows differ from the generator's: exit 2, and --reseed replaces them. */
export class DatasetAltered extends UserError {}

/** Differing buckets read row by row to count the rows that differ (more: the count is a lower bound). */
const MAX_DETAIL_BUCKETS = 64;

/**
 * Verify the stored dataset against the generator (dataset/fingerprint.ts): the database aggregates its
 * rows, atombench generates the same buckets, and any difference is a DatasetAltered naming how many
 * rows differ. `sample` reads every SAMPLE_EVERY-th bucket's hashes (the counts always cover every
 * row), `full` every bucket. Returns what result.json records, or undefined when the engine cannot tell.
 * With the dataset checksum the generator's side comes from its on-disk cache (generator-cache.ts).
 */
export async function verifyDataset(
  engine: Engine,
  cfg: DatasetConfig,
  mode: VerifyMode,
  cache?: { checksum: string; dir?: string },
  read?: StoredFingerprint,
): Promise<StoredDataset | undefined> {
  const req = fingerprintRequest(engine, cfg, mode);
  if (mode === 'off' || !req) return undefined;
  const buckets = req.buckets;
  const fp = read ?? (await engine.storedFingerprint!(req));
  const problems: string[] = [];
  let differ = Math.abs(fp.rows - cfg.atoms);
  if (fp.rows !== cfg.atoms) problems.push(`${fp.rows} rows stored for ${cfg.atoms}`);
  if (fp.minId !== 1 || fp.maxId !== cfg.atoms)
    problems.push(`AtomIds ${fp.minId ?? '-'}..${fp.maxId ?? '-'} instead of 1..${cfg.atoms}`);
  const generated = cache
    ? await cachedGeneratedBuckets(cfg, buckets, cache.checksum, cache.dir)
    : generatedBuckets(cfg, buckets);
  const bad = differingBuckets(fp.buckets, generated);
  if (bad.length) {
    const detail = bad.slice(0, MAX_DETAIL_BUCKETS);
    const stored = engine.storedRowHashes
      ? await engine.storedRowHashes({ atoms: cfg.atoms, buckets: detail })
      : new Map<number, number[]>();
    const rows = differingRows(stored, generatedRowHashes(cfg, detail));
    differ = Math.max(differ, rows);
    problems.push(
      `${rows}${bad.length > detail.length ? '+' : ''} row(s) changed in ${bad.length} of ${buckets.length} checked bucket(s)` +
        (mode === 'sample' ? ` (sampled 1 in ${SAMPLE_EVERY}: more may differ)` : ''),
    );
  }
  if (fp.indexEntries !== undefined && fp.embeddingRows !== undefined && fp.indexEntries !== fp.embeddingRows)
    problems.push(
      `the spatial index holds ${fp.indexEntries} entries for ${fp.embeddingRows} embedding rows`,
    );
  if (problems.length)
    throw new DatasetAltered(
      `dataset altered: ${Math.max(differ, 1)} row(s) differ from the generated dataset (${problems.join('; ')}); run with --reseed`,
    );
  return storedDataset(fp, cfg.atoms, mode);
}

/**
 * What verifyDataset reads from the engine (undefined: nothing, mode off or no fingerprint): asked of
 * the index build too, which reads it beside its last step (`read` above) where the engine can.
 */
export function fingerprintRequest(
  engine: Engine,
  cfg: DatasetConfig,
  mode: VerifyMode,
): FingerprintRequest | undefined {
  if (mode === 'off' || !engine.storedFingerprint) return undefined;
  return { atoms: cfg.atoms, buckets: checkedBuckets(cfg.atoms, mode) };
}

/** What result.json records; the content hash covers the sampled buckets in either mode, so runs agree. */
function storedDataset(
  fp: StoredFingerprint,
  atoms: number,
  mode: Exclude<VerifyMode, 'off'>,
): StoredDataset {
  const sampled = new Set(checkedBuckets(atoms, 'sample'));
  const hash = storedContentHash(
    { ...fp, buckets: fp.buckets.filter((b) => sampled.has(b.bucket)) },
    'sample',
  );
  const out: StoredDataset = {
    verify: mode,
    rows: fp.rows,
    minId: fp.minId ?? 0,
    maxId: fp.maxId ?? 0,
    contentHash: hash,
    bucketsChecked: fp.buckets.length,
  };
  if (fp.indexEntries !== undefined) out.indexEntries = fp.indexEntries;
  return out;
}
