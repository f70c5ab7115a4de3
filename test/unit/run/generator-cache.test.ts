import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FINGERPRINT_FORMAT, generatedBuckets } from '../../../src/dataset/fingerprint.ts';
import { datasetSchema } from '../../../src/dataset/schema.ts';
import { cacheFileName, cachedGeneratedBuckets } from '../../../src/run/generator-cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'atombench-gencache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg = datasetSchema.parse({ atoms: 5000, seed: 9 });

describe('the generator bucket-sum cache', () => {
  it('computes what generatedBuckets does, keeps it, and reads it back instead of regenerating', async () => {
    const want = generatedBuckets(cfg, [0, 2, 4]);
    expect(await cachedGeneratedBuckets(cfg, [0, 2, 4], 'abc', dir)).toEqual(want);
    const file = join(dir, cacheFileName(cfg, 'abc'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ format: FINGERPRINT_FORMAT, buckets: want });
    // Read, not regenerated: an edited sum in the file comes back as written.
    const edited = { format: FINGERPRINT_FORMAT, buckets: want.map((b) => ({ ...b, sum: b.sum + 1 })) };
    writeFileSync(file, JSON.stringify(edited));
    expect((await cachedGeneratedBuckets(cfg, [2], 'abc', dir))[0]!.sum).toBe(want[1]!.sum + 1);
    // A bucket it lacks is generated and added.
    expect(await cachedGeneratedBuckets(cfg, [1], 'abc', dir)).toEqual(generatedBuckets(cfg, [1]));
    expect(JSON.parse(readFileSync(file, 'utf8')).buckets.map((b: { bucket: number }) => b.bucket)).toEqual([
      0, 1, 2, 4,
    ]);
  });

  it('another dataset, seed or checksum is another file', () => {
    const names = new Set([
      cacheFileName(cfg, 'abc'),
      cacheFileName(cfg, 'abd'),
      cacheFileName({ ...cfg, seed: 10 }, 'abc'),
      cacheFileName({ ...cfg, atoms: 5001 }, 'abc'),
    ]);
    expect(names.size).toBe(4);
  });

  it('a file that is not sums is ignored and rewritten', async () => {
    const file = join(dir, cacheFileName(cfg, 'bad'));
    for (const junk of [
      'not json',
      '{"format":"x","buckets":[]}',
      `{"format":"${FINGERPRINT_FORMAT}","buckets":[{"bucket":0,"rows":"1","sum":2}]}`,
    ]) {
      writeFileSync(file, junk);
      expect(await cachedGeneratedBuckets(cfg, [0], 'bad', dir)).toEqual(generatedBuckets(cfg, [0]));
    }
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe(FINGERPRINT_FORMAT);
  });
});
