import { describe, expect, it } from 'vitest';
import {
  BUCKET_ROWS,
  bucketOf,
  checkedBuckets,
  differingBuckets,
  differingRows,
  generatedBuckets,
  hash40,
  rowBytes,
  rowHash,
  storedRowOf,
} from '../../../src/dataset/fingerprint.ts';
import { createRecordFactory } from '../../../src/dataset/records.ts';
import { contractScenario } from '../../integration/contract.ts';

const cfg = contractScenario({ dataset: { atoms: 3000, seed: 9, batchSize: 1000 } }).dataset;

describe('stored-data fingerprint', () => {
  it('encodes a row big-endian with length-prefixed UTF-8 strings (what PostgreSQL builds with int8send/float8send)', () => {
    const r = storedRowOf(createRecordFactory(cfg)(0));
    const b = rowBytes(r)!;
    expect(b.readBigInt64BE(0)).toBe(1n); // atomId
    expect(b.readInt32BE(8)).toBe(r.tenantId!);
    expect(b.subarray(20, 52)).toEqual(r.contentHash);
    expect(b.readInt32BE(52)).toBe(Buffer.byteLength(r.modality!));
    expect(b.readDoubleBE(b.length - 8 - 12 - 24)).toBe(r.x);
    expect(rowBytes({ ...r, x: null })).toBeUndefined();
    expect(rowBytes({ ...r, tenantId: 1.5 })).toBeUndefined();
    expect(hash40(undefined)).toBe(0x93b885adfe); // md5 of the byte 0x00
    expect(rowHash(r)).toBeLessThan(2 ** 40);
  });

  it("rowBytes: negative int8 in two's complement, non-ASCII text as UTF-8, a NULL anywhere -> undefined", () => {
    const r = storedRowOf(createRecordFactory(cfg)(1));
    const odd = { ...r, atomId: -(2 ** 40) - 3, hilbertValue: 2 ** 53 - 1, canonicalText: 'naïve ✓ 𝄞' };
    const b = rowBytes(odd)!;
    expect(b.readBigInt64BE(0)).toBe(BigInt(odd.atomId));
    expect(b.readBigInt64BE(b.length - 8)).toBe(BigInt(2 ** 53 - 1));
    const text = Buffer.from('naïve ✓ 𝄞', 'utf8');
    const at = b.indexOf(text);
    expect(at).toBeGreaterThan(0);
    expect(b.readInt32BE(at - 4)).toBe(text.length);
    expect(b.length).toBe((rowBytes(r)?.length ?? 0) + text.length - Buffer.byteLength(r.canonicalText!));
    for (const k of ['metadata', 'contentHash', 'hilbertValue', 'bucketZ', 'embeddingType'] as const)
      expect(rowBytes({ ...r, [k]: null })).toBeUndefined();
    expect(rowBytes({ ...r, dimension: 2 ** 31 })).toBeUndefined();
  });

  it('buckets: every bucket in full mode, 1 in 16 sampled; a change anywhere in a checked bucket is found', () => {
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(BUCKET_ROWS + 1)).toBe(1);
    expect(checkedBuckets(3000, 'full')).toEqual([0, 1, 2]);
    expect(checkedBuckets(40_000, 'sample')).toEqual([0, 16, 32]);
    const gen = generatedBuckets(cfg, [0, 1, 2]);
    expect(gen.map((b) => b.rows)).toEqual([1024, 1024, 952]);
    expect(differingBuckets(gen, gen)).toEqual([]);
    const changed = gen.map((b) => (b.bucket === 1 ? { ...b, sum: b.sum + 1 } : b));
    expect(differingBuckets(changed, gen)).toEqual([1]);
    expect(differingBuckets(gen.slice(0, 2), gen)).toEqual([2]);
  });

  it('counts changed, missing and duplicated rows', () => {
    const generated = new Map([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    const stored = new Map([
      [1, [10]],
      [2, [21]],
      [4, [40]],
    ]);
    expect(differingRows(stored, generated)).toBe(3); // 2 changed, 3 missing, 4 extra
    expect(
      differingRows(
        new Map([
          [1, [10, 10]],
          [2, [20]],
          [3, [30]],
        ]),
        generated,
      ),
    ).toBe(2);
  });
});
