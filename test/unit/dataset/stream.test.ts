import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { datasetSchema } from '../../../src/dataset/schema.ts';
import type { AtomRecord, SeedBatch } from '../../../src/dataset/types.ts';
import { createRecordFactory } from '../../../src/dataset/records.ts';
import { EncodedChecksumRows } from '../../../src/dataset/checksum.ts';
import {
  batchRangeList,
  Checksummer,
  datasetBatches,
  datasetChecksum,
  datasetKey,
  datasetRowBatches,
  generateBatch,
} from '../../../src/dataset/stream.ts';

type Input = Parameters<typeof datasetSchema.parse>[0];
const cfg = (input: Input = {}) =>
  datasetSchema.parse({ atoms: 3000, seed: 42, batchSize: 1000, ...(input as object) });

async function collect(gen: AsyncGenerator<SeedBatch>): Promise<SeedBatch[]> {
  const out: SeedBatch[] = [];
  for await (const b of gen) out.push(b);
  return out;
}

describe('datasetBatches', () => {
  it('covers [startIndex, endIndex) in order, with a short last batch', async () => {
    const batches = await collect(datasetBatches(cfg({ atoms: 2500 })));
    expect(batches.map((b) => [b.startIndex, b.records.length])).toEqual([
      [0, 1000],
      [1000, 1000],
      [2000, 500],
    ]);
    batches.forEach((b) => b.records.forEach((r, i) => expect(r.index).toBe(b.startIndex + i)));
    const middle = await collect(datasetBatches(cfg(), { startIndex: 1200, endIndex: 1700, batchSize: 200 }));
    expect(middle.map((b) => [b.startIndex, b.records.length])).toEqual([
      [1200, 200],
      [1400, 200],
      [1600, 100],
    ]);
  });

  it('gives row 2000 of a resumed stream exactly as in a full run', async () => {
    const full = await collect(datasetBatches(cfg()));
    const resumed = await collect(datasetBatches(cfg(), { startIndex: 2000 }));
    expect(resumed[0]!.records[0]).toEqual(full[2]!.records[0]);
  });

  it('rejects ranges outside the dataset and stops on abort', async () => {
    await expect(collect(datasetBatches(cfg(), { startIndex: 3001 }))).rejects.toThrow(RangeError);
    await expect(collect(datasetBatches(cfg(), { batchSize: 0 }))).rejects.toThrow(RangeError);
    await expect(collect(datasetBatches(cfg(), { startIndex: 10, endIndex: 5 }))).rejects.toThrow(RangeError);
    expect(await collect(datasetBatches(cfg(), { startIndex: 3000 }))).toEqual([]);
    const controller = new AbortController();
    controller.abort();
    await expect(collect(datasetBatches(cfg(), { signal: controller.signal }))).rejects.toThrow();
  });

  it('keeps memory bounded while streaming 200k rows', async () => {
    // Measure what stays reachable, not garbage awaiting collection: force a GC every few batches.
    // (Turning on --expose-gc at run time and fetching gc from a fresh context is a test-only trick.)
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const config = cfg({ atoms: 200_000, batchSize: 5000 });
    gc();
    const before = process.memoryUsage().heapUsed;
    let retained = 0;
    let rows = 0;
    for await (const batch of datasetBatches(config)) {
      rows += batch.records.length;
      if (rows % 40_000 === 0) {
        gc();
        retained = Math.max(retained, process.memoryUsage().heapUsed - before);
      }
    }
    expect(rows).toBe(200_000);
    // Holding every row would retain about 100 MB; one batch of 5000 rows is about 3 MB.
    expect(retained).toBeLessThan(20 * 2 ** 20);
  });
});

describe('datasetRowBatches', () => {
  it('visits the same rows in the same batches as datasetBatches, and hashes them as it goes', async () => {
    const config = cfg({ atoms: 2500 });
    const eager = await collect(datasetBatches(config, { startIndex: 700 }));
    const sum = new Checksummer(config);
    sum.feedGenerated(700);
    const lazy: { startIndex: number; rows: number; records: AtomRecord[] }[] = [];
    for await (const b of datasetRowBatches(config, sum, { startIndex: 700 })) {
      const records: AtomRecord[] = [];
      b.each((r) => records.push(r));
      expect(sum.rowsHashed).toBe(b.startIndex + b.rows);
      lazy.push({ startIndex: b.startIndex, rows: b.rows, records });
    }
    expect(lazy.map((b) => [b.startIndex, b.rows])).toEqual([
      [700, 1000],
      [1700, 800],
    ]);
    expect(lazy.map((b) => ({ startIndex: b.startIndex, records: b.records }))).toEqual(eager);
    expect(sum.digest()).toBe(await datasetChecksum(config));
  });

  it('refuses a batch visited twice or skipped, and stops on abort', async () => {
    const config = cfg();
    const twice = datasetRowBatches(config, new Checksummer(config));
    const first = (await twice.next()).value!;
    first.each(() => {});
    expect(() => first.each(() => {})).toThrow(/visited twice/);
    const skipped = datasetRowBatches(config, new Checksummer(config));
    await skipped.next();
    await expect(skipped.next()).rejects.toThrow(/not visited/);
    const controller = new AbortController();
    controller.abort();
    const aborted = datasetRowBatches(config, new Checksummer(config), { signal: controller.signal });
    await expect(aborted.next()).rejects.toThrow();
  });
});

describe('dataset checksum', () => {
  it('pins the checksums of small datasets (a change here means GENERATOR_VERSION must be bumped)', async () => {
    const golden: Array<[Input, string]> = [
      [{}, '64d8607b0086deb2b3e793415bf7b2714c21a06876c4e5cb37b01408a515e1c4'],
      [
        { distribution: { kind: 'sphere' } },
        'c4538e317fcbfb3dae9a6a2199a249765649c7c75ccfe46888b983ed46fc2992',
      ],
      [
        { distribution: { kind: 'uniform' } },
        '98d49853d9c903d340641ce60a440815e6bf9f6b5977b9a3849e7eb9efbd627b',
      ],
    ];
    for (const [input, digest] of golden) {
      expect(await datasetChecksum(cfg({ atoms: 1000, ...(input as object) }))).toBe(digest);
    }
  });

  it('depends on the seed, the atom count and the distribution, not on batching', async () => {
    const base = await datasetChecksum(cfg());
    expect(await datasetChecksum(cfg())).toBe(base);
    expect(await datasetChecksum(cfg({ seed: 43 }))).not.toBe(base);
    expect(await datasetChecksum(cfg({ atoms: 2999 }))).not.toBe(base);
    expect(await datasetChecksum(cfg({ distribution: { clusterSpread: 0.3 } }))).not.toBe(base);
    expect(await datasetChecksum(cfg({ batchSize: 7 }))).toBe(base);
    expect(await datasetChecksum(cfg({ batchSize: 3000 }))).toBe(base);
  });

  it('is the same when a resumed seed feeds the skipped prefix through generate-only', async () => {
    const config = cfg();
    const base = await datasetChecksum(config);
    const checksummer = new Checksummer(config);
    checksummer.feedGenerated(1234);
    expect(checksummer.rowsHashed).toBe(1234);
    for await (const batch of datasetBatches(config, { startIndex: 1234, batchSize: 333 }))
      checksummer.update(batch);
    expect(checksummer.digest()).toBe(base);
  });

  it('refuses batches out of order and an incomplete dataset', () => {
    const config = cfg();
    const factory = createRecordFactory(config);
    const checksummer = new Checksummer(config);
    expect(() => checksummer.update(generateBatch(factory, 10, 5))).toThrow(/expected row 0/);
    checksummer.update(generateBatch(factory, 0, 100));
    expect(() => checksummer.update(generateBatch(factory, 50, 100))).toThrow(/expected row 100/);
    expect(() => checksummer.digest()).toThrow(/100 rows hashed, the dataset has 3000/);
  });

  it('is the same from rows encoded apart (another thread) and fed in order; out of order is refused', async () => {
    const config = cfg({ atoms: 2500 });
    const base = await datasetChecksum(config);
    const factory = createRecordFactory(config);
    const rows = new EncodedChecksumRows();
    const checksummer = new Checksummer(config);
    checksummer.feedGenerated(300);
    let given: ArrayBuffer | undefined;
    for (const { first, rows: n } of batchRangeList(config, { startIndex: 300, batchSize: 700 })) {
      // The previous batch's memory written into again, as a generator thread does: the digest stays.
      if (given) rows.reuse(given);
      for (let i = first; i < first + n; i++) rows.write(factory(i));
      const bytes = rows.take();
      expect(bytes.byteOffset).toBe(0);
      if (given) expect(bytes.buffer).toBe(given);
      checksummer.updateEncoded(first, n, bytes);
      given = bytes.buffer as ArrayBuffer;
    }
    expect(checksummer.digest()).toBe(base);
    const other = new Checksummer(config);
    for (let i = 0; i < 10; i++) rows.write(factory(i));
    expect(() => other.updateEncoded(5, 10, rows.take())).toThrow(
      /encoded rows start at row 5, expected row 0/,
    );
  });

  it('lists the batch ranges it streams, checked', () => {
    expect(batchRangeList(cfg({ atoms: 2500 }), { startIndex: 400 })).toEqual([
      { first: 400, rows: 1000 },
      { first: 1400, rows: 1000 },
      { first: 2400, rows: 100 },
    ]);
    expect(batchRangeList(cfg(), { startIndex: 3000 })).toEqual([]);
    expect(() => batchRangeList(cfg(), { startIndex: 3001 })).toThrow(
      /startIndex must be an integer in 0..3000/,
    );
  });

  it('covers every column: changing any one changes the digest', () => {
    const config = cfg({ atoms: 1 });
    const row = createRecordFactory(config)(0);
    const digestOf = (r: typeof row): string => {
      const c = new Checksummer(config);
      c.updateRecord(r);
      return c.digest();
    };
    const base = digestOf(row);
    const variants = [
      { ...row, modality: 'image' },
      { ...row, metadata: row.metadata + ' ' },
      { ...row, contentHash: Buffer.alloc(32) },
      { ...row, point: { ...row.point, z: row.point.z + 1e-15 } },
      { ...row, hilbertValue: row.hilbertValue + 1 },
      { ...row, bucketZ: row.bucketZ + 1 },
      { ...row, canonicalText: 'atom-42-0é' },
    ];
    for (const v of variants) expect(digestOf(v)).not.toBe(base);
  });
});

describe('datasetKey', () => {
  it('is short, readable and stable', () => {
    expect(datasetKey(cfg({ atoms: 1000 }))).toBe('projected-1000-s42-866f9475ef8d');
    expect(datasetKey(cfg({ atoms: 1000, distribution: { kind: 'sphere' } }))).toBe(
      'sphere-1000-s42-be08189cbbee',
    );
  });

  it('changes with what changes the data and only with that', () => {
    const base = datasetKey(cfg());
    expect(datasetKey(cfg({ seed: 1 }))).not.toBe(base);
    expect(datasetKey(cfg({ atoms: 1 }))).not.toBe(base);
    expect(datasetKey(cfg({ distribution: { clusters: 33 } }))).not.toBe(base);
    expect(datasetKey(cfg({ distribution: { dimensions: 1998 } }))).not.toBe(base);
    expect(datasetKey(cfg({ distribution: { scale: 100 } }))).not.toBe(base);
    expect(datasetKey(cfg({ batchSize: 17 }))).toBe(base);
    expect(datasetKey(cfg({ distribution: { halfExtent: 5 } }))).toBe(base); // unused by projected
    const uniform = datasetKey(cfg({ distribution: { kind: 'uniform' } }));
    expect(datasetKey(cfg({ distribution: { kind: 'uniform', halfExtent: 5 } }))).not.toBe(uniform);
  });
});
