import { describe, expect, it } from 'vitest';
import { datasetSchema } from '../../../../src/dataset/schema.ts';
import { Checksummer, datasetChecksum, datasetRowBatches } from '../../../../src/dataset/stream.ts';
import { encodeRowBatchBinary } from '../../../../src/engines/postgis/copy/copy-binary.ts';
import { generatedBatches } from '../../../../src/engines/postgis/copy/generator-threads.ts';
import { failingEntry } from '../../../fixtures/generator-thread/entry.ts';

const cfg = (atoms: number, batchSize: number) => datasetSchema.parse({ atoms, seed: 77, batchSize });
const workers = () =>
  process.getActiveResourcesInfo().filter((r) => r === 'Worker' || r === 'MessagePort').length;

describe('generator threads (the PostGIS seed generated off the main thread)', () => {
  it(
    'give the very bytes the main thread encodes, in row order, and the same checksum',
    { timeout: 60_000 },
    async () => {
      const config = cfg(2300, 100); // 23 batches: every buffer is given back and written into again
      for (const threads of [1, 3]) {
        const checksum = new Checksummer(config);
        checksum.feedGenerated(250);
        const mainSum = new Checksummer(config);
        mainSum.feedGenerated(250);
        const expected: { atoms: Buffer; embeddings: Buffer }[] = [];
        for await (const b of datasetRowBatches(config, mainSum, { startIndex: 250 }))
          expected.push(encodeRowBatchBinary(b));
        const starts: number[] = [];
        for await (const b of generatedBatches({ config, startIndex: 250, checksum }, threads)) {
          const e = expected[starts.length]!;
          starts.push(b.startIndex);
          expect(Buffer.compare(b.atoms, e.atoms)).toBe(0);
          expect(Buffer.compare(b.embeddings, e.embeddings)).toBe(0);
          b.release();
          expect(b.atoms.length).toBe(0); // detached: the thread writes into it next
        }
        expect(starts).toEqual(Array.from({ length: 21 }, (_, k) => 250 + 100 * k));
        expect(checksum.digest()).toBe(await datasetChecksum(config));
      }
    },
  );

  it(
    'stop at the next batch once aborted, with the reason, and end their threads',
    { timeout: 60_000 },
    async () => {
      const before = workers();
      const config = cfg(5000, 100);
      const ac = new AbortController();
      const seen: number[] = [];
      const run = async () => {
        for await (const b of generatedBatches(
          { config, startIndex: 0, checksum: new Checksummer(config), signal: ac.signal },
          2,
        )) {
          seen.push(b.startIndex);
          expect(workers()).toBeGreaterThan(before);
          if (seen.length === 3) ac.abort(new Error('interrupted (test)'));
        }
      };
      await expect(run()).rejects.toThrow('interrupted (test)');
      expect(seen).toEqual([0, 100, 200]);
      expect(workers()).toBe(before);
    },
  );

  it(
    'start no more threads than there are batches, and none when nothing is left to generate',
    { timeout: 60_000 },
    async () => {
      const before = workers();
      const config = cfg(200, 100); // 2 batches
      /** Threads running while the first batch is consumed, over those before; batches seen. */
      const started = async (threads: number, startIndex = 0) => {
        let during = 0;
        let seen = 0;
        const checksum = new Checksummer(config);
        checksum.feedGenerated(startIndex);
        for await (const b of generatedBatches({ config, startIndex, checksum }, threads)) {
          if (seen++ === 0) during = workers() - before;
          b.release();
        }
        expect(workers()).toBe(before);
        return { during, seen };
      };
      const two = await started(2);
      expect(two.seen).toBe(2);
      expect(two.during).toBeGreaterThan(0);
      expect(await started(6)).toEqual(two);
      const one = await started(1);
      expect(one.during).toBeLessThan(two.during);
      expect(await started(4, 100)).toEqual({ ...one, seen: 1 });
      expect(await started(4, 200)).toEqual({ during: 0, seen: 0 });
    },
  );

  it("fail with the thread's own error when a thread cannot generate", { timeout: 60_000 }, async () => {
    const config = { ...cfg(1000, 100), distribution: { kind: 'nonsense' } } as unknown as ReturnType<
      typeof cfg
    >;
    const run = async () => {
      for await (const b of generatedBatches({ config, startIndex: 0, checksum: new Checksummer(config) }, 1))
        b.release();
    };
    await expect(run()).rejects.toThrow(/^seed generator thread: TypeError: /);
  });

  for (const [how, reason] of [
    ['exit', 'seed generator thread exited (code 7)'],
    ['throw', 'seed generator thread failed: generator thread crashed (test)'],
  ] as const)
    it(`fail with the reason when a thread dies mid-request (${how}), and end the others`, async () => {
      const before = workers();
      const config = cfg(3000, 100);
      let seen = 0;
      const run = async () => {
        for await (const b of generatedBatches(
          { config, startIndex: 0, checksum: new Checksummer(config) },
          2,
          failingEntry({ atRow: 1000, how }),
        )) {
          seen++;
          b.release();
        }
      };
      // A thread that is gone must fail the batches asked of it, not leave them waiting for ever.
      const hang = new Promise((_, reject) => setTimeout(() => reject(new Error('hung')), 20_000).unref());
      await expect(Promise.race([run(), hang])).rejects.toThrow(reason);
      expect(seen).toBe(10); // the batches before row 1000's, in order, and none after it
      expect(workers()).toBe(before);
    }, 60_000);
});
