import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEngine } from '../../../src/engines/sqlite/index.ts';
import { runCapacity } from '../../../src/run/capacity.ts';
import { silentProgress } from '../../../src/run/progress.ts';
import { validateScenario } from '../../../src/scenario/load.ts';
import { resolveTargets } from '../../../src/targets/runbook.ts';

/**
 * The scale sweep on the embedded engine: one dataset grown in place 10k -> 100k -> 300k, one short
 * fixed-rate run per size, and (capacity.verifyGrowth) a fresh seed of each grown size in a file of its
 * own: the digests the database computes from the stored rows must be equal.
 */

const dir = mkdtempSync(join(tmpdir(), 'atombench-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scale sweep on SQLite 10k -> 100k -> 300k', () => {
  it(
    'grows one dataset in place, equal to fresh seeds, and fits the growth',
    { timeout: 400_000 },
    async () => {
      const { scenario: sc, problems } = validateScenario({
        name: 'sweep',
        dataset: {
          atoms: 300_000,
          seed: 9,
          batchSize: 10_000,
          distribution: { kind: 'projected', clusters: 8, dimensions: 64 },
        },
        workload: {
          mix: [
            { op: 'spatial.knn', k: 10 },
            { op: 'spatial.pool', radius: 0.02, pool: 100 },
          ],
        },
        load: { model: 'open', ratePerSec: 40, maxInFlight: 32, connections: 2 },
        warmupSec: 0.5,
        durationSec: 2,
        ooda: { enabled: false },
        probes: { intervalMs: 500 },
        capacity: { search: false, atoms: [10_000, 100_000, 300_000], verifyGrowth: true, maxMinutes: 6 },
      });
      if (!sc) throw new Error(JSON.stringify(problems));
      const lines: string[] = [];
      const stores: string[] = [];
      const doc = await runCapacity({
        scenario: sc,
        targets: resolveTargets(sc.targets, { datasetAtoms: sc.dataset.atoms }).specs,
        url: undefined,
        id: 'sweep',
        version: 'test',
        signal: new AbortController().signal,
        progress: silentProgress,
        capacityProgress: { line: (t) => lines.push(t) },
        reseed: false,
        force: false,
        saveStep: async (_r, name) => `steps/${name}/result.json`,
        engineFor: async (s, store) => {
          const path = join(dir, store === 'sweep' ? 'sweep.sqlite' : `fresh-${s.dataset.atoms}.sqlite`);
          stores.push(`${store}:${s.dataset.atoms}`);
          return new SqliteEngine({ path, dataset: s.dataset, runNonce: `${store}-${s.dataset.atoms}` });
        },
      });
      const sw = doc.sweep!;
      expect(sw.points.map((p) => [p.atoms, p.grownFrom])).toEqual([
        [10_000, 0],
        [100_000, 10_000],
        [300_000, 100_000],
      ]);
      // Grown, never reseeded: the 300k seed inserted only the 200k new rows.
      expect(lines.some((l) => /300,000 atoms \(grown from 100,000\)/.test(l))).toBe(true);
      for (const p of sw.points.slice(1)) {
        expect(p.storedDigest).toMatch(/^[0-9a-f]{64}$/);
        expect(p.freshDigest).toBe(p.storedDigest);
      }
      expect(sw.growthExact).toBe(true);
      // Different sizes hold different data.
      expect(new Set(sw.points.map((p) => p.storedDigest)).size).toBe(3);
      // Then the session the document's fingerprint comes from, on the same grown store.
      expect(stores).toEqual([
        'sweep:10000',
        'sweep:100000',
        'fresh:100000',
        'sweep:300000',
        'fresh:300000',
        'sweep:300000',
      ]);
      expect(doc.dataset.checksum).toBe(sw.points[2]!.checksum);
      for (const p of sw.points) {
        expect(p.latencyMs['spatial.knn']!.count).toBeGreaterThan(10);
        expect(p.indexBytes).toBeGreaterThan(0);
        expect(p.seekRatio).toBe(1);
      }
      // The R*Tree grows with the rows.
      expect(sw.points[2]!.indexBytes!).toBeGreaterThan(sw.points[1]!.indexBytes! * 2);
      const knn = sw.fits.find((f) => f.op === 'spatial.knn' && f.stat === 'p95')!;
      expect(knn.points).toBe(3);
      expect(knn.r2).not.toBeNull();
      expect(knn.predictions.map((p) => [p.atoms, p.extrapolated])).toEqual([
        [3_000_000, true],
        [10_000_000, true],
      ]);
      expect(doc.search).toBeNull();
    },
  );
});
