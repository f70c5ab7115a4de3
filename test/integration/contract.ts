import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordFactory } from '../../src/dataset/records.ts';
import { datasetChecksum } from '../../src/dataset/stream.ts';
import type { Point3 } from '../../src/dataset/types.ts';
import type { Engine } from '../../src/engines/types.ts';
import { UserError } from '../../src/errors.ts';
import { ensureDataset, schemaPlan } from '../../src/run/dataset.ts';
import { runBenchmark } from '../../src/run/orchestrator.ts';
import type { RunOptions } from '../../src/run/phases/options.ts';
import type { RunResult } from '../../src/model/result.ts';
import { silentProgress } from '../../src/run/progress.ts';
import { validateScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { executeOperation } from '../../src/workload/registry.ts';

/**
 * The engine contract: every engine must pass this suite on a real server (or the real embedded
 * database). Results are checked against brute force over the generated dataset, so a query that
 * returns the wrong rows fails, not only one that throws.
 */
export const CONTRACT_ATOMS = 3000;

/** runBenchmark on an engine the test made, as the CLI calls it (no targets, reseeded, silent). */
export function benchmarkOn(
  engine: Engine,
  scenario: Scenario,
  o: Partial<RunOptions> = {},
): Promise<RunResult> {
  return runBenchmark({
    scenario,
    targets: [],
    url: undefined,
    runId: 'test',
    version: 'test',
    signal: new AbortController().signal,
    progress: silentProgress,
    reseed: true,
    force: false,
    engine,
    ...o,
  });
}

export function contractScenario(overrides: Record<string, unknown> = {}): Scenario {
  const { scenario, problems } = validateScenario({
    name: 'contract',
    dataset: {
      atoms: CONTRACT_ATOMS,
      seed: 11,
      batchSize: 700,
      distribution: { kind: 'projected', clusters: 8, dimensions: 64 },
    },
    workload: { mix: [{ op: 'spatial.pool' }] },
    ...overrides,
  });
  if (!scenario) throw new Error(JSON.stringify(problems));
  return scenario;
}

function points(sc: Scenario): Point3[] {
  const f = createRecordFactory(sc.dataset);
  return Array.from({ length: sc.dataset.atoms }, (_, i) => f(i).point);
}
const d2 = (a: Point3, b: Point3) => (a.x - b.x) ** 2 + (a.y - b.y) ** 2;

export function engineContract(label: string, makeEngine: (sc: Scenario) => Promise<Engine>): void {
  describe(`engine contract: ${label}`, () => {
    const sc = contractScenario();
    let engine: Engine;
    let pts: Point3[];
    const q: Point3 = { x: 0.005, y: -0.004, z: 0 };

    beforeAll(async () => {
      engine = await makeEngine(sc);
      await engine.connect();
      pts = points(sc);
    });
    afterAll(async () => {
      await engine?.close();
    });

    it('seeds, resumes after an interruption, and ends with exactly N rows and the uninterrupted checksum', async () => {
      const ac = new AbortController();
      let seen = 0;
      const progress = {
        ...silentProgress,
        seed: (done: number) => ((seen = done), done >= 1400 && ac.abort(new Error('interrupted (test)'))),
      };
      await expect(
        ensureDataset(engine, sc, { reseed: true, force: false, progress, signal: ac.signal }),
      ).rejects.toThrow('interrupted (test)');
      expect(seen).toBeGreaterThanOrEqual(1400);
      const state = await engine.prepare(schemaPlan(sc), { allowDestructive: false, force: false });
      expect(state.seededRows).toBeGreaterThan(0);
      expect(state.seededRows).toBeLessThan(CONTRACT_ATOMS);
      expect(state.seededRows % sc.dataset.batchSize).toBe(0); // whole batches only
      // Another dataset must not resume on top of the interrupted one.
      const other = contractScenario({ dataset: { atoms: CONTRACT_ATOMS, seed: 12, batchSize: 700 } });
      await expect(
        engine.prepare(schemaPlan(other), { allowDestructive: false, force: false }),
      ).rejects.toBeInstanceOf(UserError);
      const out = await ensureDataset(engine, sc, { reseed: false, force: false, progress: silentProgress });
      expect(out.resumedFrom).toBe(state.seededRows);
      expect(out.rowsInserted).toBe(CONTRACT_ATOMS - state.seededRows);
      expect(out.checksum).toBe(await datasetChecksum(sc.dataset));
      const again = await engine.prepare(schemaPlan(sc), { allowDestructive: false, force: false });
      expect(again.seededRows).toBe(CONTRACT_ATOMS);
      expect(again.indexBuilt).toBe(true);
      // The seed's checksum is recorded with the dataset (mssql does not record it yet: undefined), and
      // a run on the stored dataset reports the same one.
      if (engine.name === 'mssql') expect(again.checksum).toBeUndefined();
      else expect(again.checksum).toBe(out.checksum);
      const warm = await ensureDataset(engine, sc, { reseed: false, force: false, progress: silentProgress });
      expect(warm).toMatchObject({ rowsInserted: 0, checksum: out.checksum });
      await engine.openPool(2);
    });

    it('refuses another dataset without --reseed', async () => {
      const other = contractScenario({ dataset: { atoms: CONTRACT_ATOMS, seed: 12 } });
      await expect(
        engine.prepare(schemaPlan(other), { allowDestructive: false, force: false }),
      ).rejects.toBeInstanceOf(UserError);
      // and the stored dataset is untouched
      const state = await engine.prepare(schemaPlan(sc), { allowDestructive: false, force: false });
      expect(state.seededRows).toBe(CONTRACT_ATOMS);
    });

    it('spatial.pool returns the rows within the radius, capped at pool', async () => {
      for (const radius of [0.002, 0.01, 10]) {
        const within = pts.filter((p) => d2(p, q) <= radius * radius).length;
        const res = await engine.run({ op: 'spatial.pool', q, radius, pool: 1000 });
        expect(res.rows).toBe(Math.min(1000, within));
      }
    });

    it('spatial.knn returns k rows and spatial.dedup finds a near atom only when one exists', async () => {
      expect((await engine.run({ op: 'spatial.knn', q, k: 10 })).rows).toBe(10);
      expect((await engine.run({ op: 'spatial.knn', q: { x: 500, y: 500, z: 0 }, k: 7 })).rows).toBe(7);
      const nearest = Math.sqrt(Math.min(...pts.map((p) => d2(p, q))));
      expect((await engine.run({ op: 'spatial.dedup', q, threshold: nearest * 1.01 })).rows).toBe(1);
      expect((await engine.run({ op: 'spatial.dedup', q, threshold: nearest * 0.99 })).rows).toBe(0);
    });

    it('spatial.walk follows the same path as a brute-force walk', async () => {
      const start = pts[5]!;
      const goal = pts[17]!;
      const radius = 0.08;
      const pool = 50;
      // Brute force: from the current point take the `pool` nearest within radius, move to the one
      // nearest the goal, stop when that is no nearer than where the walk already is.
      let cur = start;
      let best = d2(cur, goal);
      let expected = 0;
      for (let step = 0; step < 30; step++) {
        const near = pts
          .filter((p) => d2(p, cur) <= radius * radius)
          .sort((a, b) => d2(a, cur) - d2(b, cur))
          .slice(0, pool);
        if (!near.length) break;
        const next = near.reduce((a, b) => (d2(b, goal) < d2(a, goal) ? b : a));
        if (!(d2(next, goal) < best)) break;
        best = d2(next, goal);
        cur = next;
        expected++;
      }
      expect(expected).toBeGreaterThan(0);
      // The workload's walk loop (src/workload/spatial-walk.ts) over this engine's walkStep.
      const res = await executeOperation(engine, {
        op: 'spatial.walk',
        q: start,
        goal,
        radius,
        steps: 30,
        pool,
      });
      expect(res.rows).toBe(expected);
      expect(res.queries).toBeGreaterThanOrEqual(res.rows);
    });

    it('ingest adds atoms that resetIngested removes again', async () => {
      const res = await engine.run({ op: 'ingest', batchSize: 25, firstIngestIndex: 0 });
      expect(res.rows).toBe(25);
      const pool = await engine.run({ op: 'spatial.pool', q, radius: 10, pool: 100_000 });
      expect(pool.rows).toBe(CONTRACT_ATOMS + 25);
      expect(await engine.resetIngested(CONTRACT_ATOMS)).toBe(25);
      expect((await engine.run({ op: 'spatial.pool', q, radius: 10, pool: 100_000 })).rows).toBe(
        CONTRACT_ATOMS,
      );
    });

    it('explains a spatial query as using the spatial index, and measures its primary filter', async () => {
      const req = { op: 'spatial.pool' as const, q, radius: 0.01, pool: 1000 };
      const plan = await engine.explain(req);
      expect(plan.usedSpatialIndex).toBe(true);
      expect(plan.planSummary.length).toBeGreaterThan(0);
      if (engine.capabilities.primaryFilter.supported && engine.primaryFilter) {
        const f = await engine.primaryFilter(req);
        const within = pts.filter((p) => d2(p, q) <= 0.0001).length;
        expect(f?.output).toBe(within);
        expect(f!.candidates).toBeGreaterThanOrEqual(within);
      }
    });

    it('moves OODA messages through the phases transactionally, with depth read from the database', async () => {
      const qd = await engine.queues();
      await qd.trigger('loop-1', '{"trigger":"test"}');
      await qd.trigger('loop-2', '{"trigger":"test"}');
      expect((await qd.depth()).Analyze).toBe(2);
      const m1 = await qd.receive('Analyze', 500);
      const m2 = await qd.receive('Analyze', 500);
      expect(new Set([m1?.loopId, m2?.loopId])).toEqual(new Set(['loop-1', 'loop-2']));
      expect(await qd.receive('Analyze', 50)).toBeUndefined(); // both leased: nobody else gets them
      await qd.complete(m1!, { phase: 'Analyze', durationMs: 3, success: true }, 'Hypothesize');
      await qd.complete(
        m2!,
        { phase: 'Analyze', durationMs: 3, success: false, errorMessage: 'x' },
        undefined,
      );
      const depth = await qd.depth();
      expect(depth).toEqual({ Analyze: 0, Hypothesize: 1, Act: 0, Learn: 0 });
      const h = await qd.receive('Hypothesize', 500);
      expect(h?.loopId).toBe(m1?.loopId);
      expect(h?.loopStartedAtMs).toBe(m1?.loopStartedAtMs);
      await qd.complete(h!, { phase: 'Hypothesize', durationMs: 1, success: true }, undefined);
      const probe = await engine.probe();
      expect(probe.queueDepth).toEqual({ Analyze: 0, Hypothesize: 0, Act: 0, Learn: 0 });
    });
  });
}
