import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { datasetSchema } from '../../../src/dataset/schema.ts';
import {
  contentHashOf,
  createIngestRecordFactory,
  createRecordFactory,
  makeIngestRecord,
  makeRecord,
} from '../../../src/dataset/records.ts';
import { BUCKETS_PER_SCALE_UNIT, bucketSize } from '../../../src/dataset/buckets.ts';
import { expectedAxisSigma } from '../../../src/dataset/distributions.ts';
import { HILBERT_BITS, hilbertDecode3 } from '../../../src/dataset/hilbert.ts';
import { pooledSigma } from './stats.ts';

const config = datasetSchema.parse({ atoms: 50_000, seed: 42 });
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('dataset records', () => {
  const factory = createRecordFactory(config);
  const rows = range(20_000).map(factory);

  it('fills the runbook-era columns', () => {
    const r = rows[5]!;
    expect(r).toMatchObject({
      index: 5,
      atomId: 6,
      tenantId: 0,
      canonicalText: 'atom-42-5',
      sourceType: 'atombench',
      sourceUri: 'atombench://dataset/42/5',
      referenceCount: 1,
      modelId: 1,
      embeddingType: 'semantic',
      dimension: 256,
    });
    expect(r.contentHash).toHaveLength(32);
    expect(r.contentHash.equals(createHash('sha256').update('atom-42-5').digest())).toBe(true);
    const meta = JSON.parse(r.metadata) as Record<string, unknown>;
    expect(meta).toMatchObject({ generator: 'atombench', seed: 42 });
    expect(meta.cluster).toBeGreaterThanOrEqual(0);
    expect(meta.cluster).toBeLessThan(32);
  });

  it('draws modality mostly text, a few image and code, with matching subtypes and content types', () => {
    const share = (m: string): number => rows.filter((r) => r.modality === m).length / rows.length;
    expect(share('text')).toBeCloseTo(0.9, 1.5);
    expect(share('image')).toBeCloseTo(0.05, 1.5);
    expect(share('code')).toBeCloseTo(0.05, 1.5);
    const types = new Set(rows.map((r) => `${r.modality}/${r.subtype}/${r.contentType}`));
    expect([...types].sort()).toEqual([
      'code/function/text/x-csharp',
      'code/statement/text/x-csharp',
      'image/caption/image/png',
      'image/patch/image/png',
      'text/paragraph/text/plain',
      'text/sentence/text/plain',
      'text/token/text/plain',
    ]);
  });

  it('gives every row a unique content hash', () => {
    expect(new Set(rows.map((r) => r.contentHash.toString('hex'))).size).toBe(rows.length);
  });

  it('buckets points in cubes of scale / 10, as FLOOR(coordinate / bucketSize)', () => {
    expect(bucketSize(config.distribution)).toBe(1 / BUCKETS_PER_SCALE_UNIT);
    for (const r of rows.slice(0, 2000)) {
      expect(r.bucketX).toBe(Math.floor(r.point.x / 0.1));
      expect(r.bucketY).toBe(Math.floor(r.point.y / 0.1));
      expect(r.bucketZ).toBe(Math.floor(r.point.z / 0.1));
    }
    const scaled = datasetSchema.parse({ seed: 42, distribution: { scale: 100 } });
    const big = createRecordFactory(scaled)(5);
    expect(big.bucketX).toBe(Math.floor(big.point.x / 10));
  });

  it('indexes the point on a 2^17 Hilbert grid over [-scale, scale]^3 that decodes back to its cell', () => {
    const cells = 2 ** HILBERT_BITS;
    for (const r of rows.slice(0, 2000)) {
      expect(Number.isSafeInteger(r.hilbertValue)).toBe(true);
      const [cx, cy, cz] = hilbertDecode3(r.hilbertValue);
      expect(cx).toBe(Math.floor(((r.point.x + 1) / 2) * cells));
      expect(cy).toBe(Math.floor(((r.point.y + 1) / 2) * cells));
      expect(cz).toBe(Math.floor(((r.point.z + 1) / 2) * cells));
    }
  });

  it('is deterministic and index-addressable (makeRecord == factory, any order)', () => {
    expect(makeRecord(config, 12_345)).toEqual(rows[12_345]);
    expect(createRecordFactory(datasetSchema.parse({ atoms: 50_000, seed: 42 }))(7)).toEqual(rows[7]);
    const other = createRecordFactory(datasetSchema.parse({ atoms: 50_000, seed: 43 }))(7);
    expect(other.contentHash.equals(rows[7]!.contentHash)).toBe(false);
    expect(other.point).not.toEqual(rows[7]!.point);
  });

  it('sets dimension from the distribution and leaves metadata cluster-free for sphere and uniform', () => {
    const sphere = makeRecord(datasetSchema.parse({ distribution: { kind: 'sphere', dimensions: 1998 } }), 0);
    expect(sphere.dimension).toBe(1998);
    expect(JSON.parse(sphere.metadata)).toEqual({ generator: 'atombench', seed: 42 });
  });

  it('hashes with node:crypto SHA-256', () => {
    expect(contentHashOf('').toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(contentHashOf('é✓').equals(createHash('sha256').update('é✓').digest())).toBe(true);
  });
});

describe('ingest records', () => {
  const seeded = new Set(range(10_000).map((i) => makeRecord(config, i).contentHash.toString('hex')));

  it('never collide with the seeded dataset, nor across run nonces', () => {
    const a = createIngestRecordFactory(config, 'run-a');
    const b = createIngestRecordFactory(config, 'run-b');
    const hashes = new Set<string>();
    for (const i of range(10_000)) {
      for (const r of [a(i), b(i)]) {
        const hex = r.contentHash.toString('hex');
        expect(seeded.has(hex)).toBe(false);
        hashes.add(hex);
      }
    }
    expect(hashes.size).toBe(20_000);
    expect(a(3).canonicalText).toBe('ingest-run-a-3');
    expect(a(3).atomId).toBe(0);
    expect(a(3).point).not.toEqual(b(3).point);
    expect(a(3).point).not.toEqual(makeRecord(config, 3).point);
  });

  it('are deterministic per nonce and follow the dataset distribution', () => {
    expect(makeIngestRecord(config, 9, 'r 1/é')).toEqual(createIngestRecordFactory(config, 'r 1/é')(9));
    expect(makeIngestRecord(config, 9, 'r 1/é').sourceUri).toBe('atombench://ingest/r%201%2F%C3%A9/9');
    expect(JSON.parse(makeIngestRecord(config, 9, 'r"x').metadata)).toMatchObject({ run: 'r"x' });
    const f = createIngestRecordFactory(config, 'run-c');
    const points = range(20_000).map((i) => f(i).point);
    expect(pooledSigma(points) / expectedAxisSigma(config.distribution)).toBeCloseTo(1, 0.8);
  });
});
