import { SqliteEngine } from '../../../src/engines/sqlite/index.ts';
import type { CapacityDocument } from '../../../src/model/capacity.ts';
import { runCapacity } from '../../../src/run/capacity/capacity.ts';
import { silentProgress } from '../../../src/run/progress.ts';
import { validateScenario } from '../../../src/scenario/load.ts';
import { resolveTargets } from '../../../src/targets/runbook.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The capacity command on the embedded engine, in one file so its three heavy runs never compete with each
 * other for the CPU (vitest runs files in parallel, the tests of a file one after the other): a machine
 * busy seeding 300k rows stalls the client enough to fail the known-capacity search's first step.
 */

/**
 * The acceptance test of the rate search: the embedded engine with its fixed-service-time test hook, so
 * capacity is known exactly: 4 workers / 100 ms = 40 arrivals/s. Above it the queue grows for the whole
 * step and p95 passes its 250 ms limit; below it every request takes 100 ms. The search must find the knee
 * within +-10 % of 40/s, with an interval, and say which target breaks first.
 *
 * capacity.clientBound is `judge`: this machine is shared (load averages above 10 on 2 cores), so the
 * client's self-check flags steps whose schedule lag its neighbours caused; the long service time keeps
 * that noise (tens of ms) small against the knee's signal (hundreds of ms). The stop-at-the-client path is
 * unit-tested (test/unit/capacity/search.test.ts).
 */

const WORKERS = 4;
const SERVICE_MS = 100;
const CAPACITY = (WORKERS * 1000) / SERVICE_MS;

const knownDir = mkdtempSync(join(tmpdir(), 'atombench-capacity-'));
afterAll(() => rmSync(knownDir, { recursive: true, force: true }));

function scenario() {
  const { scenario: sc, problems } = validateScenario({
    name: 'known-capacity',
    dataset: { atoms: 2000, seed: 5, batchSize: 1000 },
    workload: { mix: [{ op: 'spatial.knn', k: 5 }] },
    load: { model: 'open', ratePerSec: 25, maxInFlight: 32, connections: WORKERS },
    warmupSec: 1,
    durationSec: 4,
    ooda: { enabled: false },
    probes: { intervalMs: 500 },
    targets: { 'latency.spatial': 'p95 < 250ms' },
    capacity: { growth: 1.5, trials: 3, maxMinutes: 4, clientBound: 'judge' },
  });
  if (!sc) throw new Error(JSON.stringify(problems));
  return sc;
}

/** Client delay a step had, from its own result.json: the self-check's figures (ms). */
interface ClientDelay {
  scheduleLagP99Ms: number;
  eventLoopLagP99Ms: number;
}

async function search(
  id: string,
): Promise<{ doc: CapacityDocument; lines: string[]; delays: Map<string, ClientDelay> }> {
  const sc = scenario();
  const targets = resolveTargets(sc.targets, { datasetAtoms: sc.dataset.atoms }).specs;
  const lines: string[] = [];
  const saved: string[] = [];
  const delays = new Map<string, ClientDelay>();
  const doc = await runCapacity({
    scenario: sc,
    targets,
    url: undefined,
    id,
    version: 'test',
    signal: new AbortController().signal,
    progress: silentProgress,
    capacityProgress: { line: (t) => lines.push(t) },
    reseed: false,
    force: false,
    saveStep: async (r, name) => {
      saved.push(r.runId);
      delays.set(r.runId, {
        scheduleLagP99Ms: r.load.scheduleLagMs?.p99 ?? 0,
        eventLoopLagP99Ms: r.client.eventLoopLagP99Ms,
      });
      return `steps/${name}/result.json`;
    },
    engine: new SqliteEngine({
      path: join(knownDir, 'known.sqlite'),
      dataset: sc.dataset,
      runNonce: id,
      serviceTimeMs: SERVICE_MS,
    }),
  });
  expect(saved).toHaveLength(doc.search!.steps.length);
  return { doc, lines, delays };
}

describe('capacity on an engine of known capacity (4 workers x 100 ms = 40/s)', () => {
  it(
    'finds the knee within 10 %, with an interval and the first target to break',
    { timeout: 240_000 },
    async (ctx) => {
      const { doc, lines, delays } = await search('known-1');
      const s = doc.search!;
      const why = s.steps.map((st) => ({
        rate: st.offeredRatePerSec,
        verdict: st.verdict,
        failed: st.checks.filter((c) => c.verdict === 'fail').map((c) => `${c.name} ${c.observed}`),
        p50: st.totalLatencyMs.p50,
        client: st.clientReasons,
        delay: delays.get(st.runId),
      }));
      // Below 40/s this engine should not queue: a request takes its 100 ms service time and p95 passes
      // 250 ms with 150 ms to spare. Latency runs from the intended start to the completion callback, so
      // the client's schedule lag (late starts) and event-loop delay (late completions) add to it, and a
      // connection stays busy until the main thread hands it the next request, which the 100 ms pad does
      // not cover: a loaded client lowers the real capacity below 40/s (at 37.5/s a good step measured
      // p50 165 ms; note-flakes). So a step that fails below 40/s must be one the self-check flagged, and
      // the first one (25/s, 62.5 % busy, far from any queue) only when the client's own delays, schedule
      // lag p99 + event-loop delay p99, reach that 150 ms (seen: 124 + 94 ms at load ~10 with the
      // sweep seeding beside it). Then the search measured the client and there is no knee to check.
      // Within 10 % of capacity a step may queue for real: open-loop arrivals at 39.4/s keep 4 servers
      // 98.5 % busy, and one such step failed p95 (266 ms) with the client's delays at 7 + 9 ms (CI, stop
      // 24). The knee's own 10 % bound covers those steps; below them a failure must be the client's.
      const clientBad = s.steps.filter((st) => st.verdict === 'bad' && st.offeredRatePerSec < 0.9 * CAPACITY);
      if (clientBad.length > 0) {
        for (const st of clientBad) expect(st.clientFlagged, JSON.stringify(why)).toBe(true);
        if (clientBad[0]!.index === 1) {
          const d = delays.get(clientBad[0]!.runId)!;
          expect(d.scheduleLagP99Ms + d.eventLoopLagP99Ms, JSON.stringify(why)).toBeGreaterThanOrEqual(
            250 - SERVICE_MS,
          );
        }
        ctx.skip(`the client was the bottleneck below capacity (self-check): ${JSON.stringify(why)}`);
      }
      expect(s.outcome, JSON.stringify(why)).toBe('knee');
      const k = s.knee!;
      expect(k.ratePerSec).toBeGreaterThan(CAPACITY * 0.9);
      expect(k.ratePerSec).toBeLessThan(CAPACITY * 1.1);
      expect(k.interval[0]).toBeLessThanOrEqual(k.ratePerSec);
      expect(k.interval[1]).toBeGreaterThanOrEqual(k.ratePerSec);
      expect(k.interval[0]).toBeGreaterThan(CAPACITY * 0.8);
      expect(k.interval[1]).toBeLessThan(CAPACITY * 1.2);
      expect(k.trialEstimates).toHaveLength(3);
      expect(k.firstToBreak?.check).toBe('latency.spatial p95');
      // The search stepped up geometrically from 25/s, then bisected, then repeated the bracket.
      expect(s.steps.slice(0, 2).map((st) => st.offeredRatePerSec)).toEqual([25, 37.5]);
      expect(s.steps.filter((st) => st.phase === 'trial')).toHaveLength(4);
      // Below the knee a request is its service time, never less.
      const first = s.steps[0]!;
      expect(first.verdict).toBe('good');
      expect(first.totalLatencyMs.p50).toBeGreaterThanOrEqual(SERVICE_MS * 0.98);
      // Progress: the step, its rate, the budget, the running verdict.
      expect(lines[0]).toMatch(
        /^step 1\/30 · 25\.0\/s \(step-up\) · 0:\d\d elapsed, \d:\d\d left · no step yet$/,
      );
      expect(lines.some((l) => /· knee between [\d.]+\/s and [\d.]+\/s$/.test(l))).toBe(true);
      expect(doc.engine.settings.test_service_time_ms).toBe('100');
      expect(doc.budget.stepsRun).toBe(s.steps.length);
    },
  );
});

/**
 * The scale sweep on the embedded engine: one dataset grown in place 10k -> 100k -> 300k, one short
 * fixed-rate run per size, and (capacity.verifyGrowth) a fresh seed of each grown size in a file of its
 * own: the digests the database computes from the stored rows must be equal.
 */

const sweepDir = mkdtempSync(join(tmpdir(), 'atombench-sweep-'));
afterAll(() => rmSync(sweepDir, { recursive: true, force: true }));

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
          const path = join(sweepDir, store === 'sweep' ? 'sweep.sqlite' : `fresh-${s.dataset.atoms}.sqlite`);
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

/**
 * The OODA side on the embedded engine: one consumer per phase doing 20 ms of work serves about 50
 * loops/s, so stepping triggers 4 -> 12 -> 36 -> 108/s must see the server-sampled queue depth pass 10.
 */

const oodaDir = mkdtempSync(join(tmpdir(), 'atombench-ooda-side-'));
afterAll(() => rmSync(oodaDir, { recursive: true, force: true }));

describe('capacity OODA side on SQLite', () => {
  it(
    'finds the highest trigger rate whose queue depth stays below 10, by bisection',
    { timeout: 120_000 },
    async () => {
      const { scenario: sc, problems } = validateScenario({
        name: 'ooda-side',
        dataset: { atoms: 2000, seed: 5, batchSize: 1000 },
        workload: { mix: [{ op: 'spatial.knn', k: 5 }] },
        load: { model: 'open', ratePerSec: 20, maxInFlight: 32, connections: 2 },
        warmupSec: 0.5,
        durationSec: 2,
        ooda: { enabled: true, phaseWorkMs: 20 },
        probes: { intervalMs: 250 },
        capacity: {
          search: false,
          maxMinutes: 2,
          ooda: { enabled: true, startTriggersPerSec: 4, growth: 3 },
        },
      });
      if (!sc) throw new Error(JSON.stringify(problems));
      const doc = await runCapacity({
        scenario: sc,
        targets: resolveTargets(sc.targets, { datasetAtoms: sc.dataset.atoms }).specs,
        url: undefined,
        id: 'ooda',
        version: 'test',
        signal: new AbortController().signal,
        progress: silentProgress,
        capacityProgress: { line: () => {} },
        reseed: false,
        force: false,
        saveStep: async (_r, name) => `steps/${name}/result.json`,
        engine: new SqliteEngine({ path: join(oodaDir, 'o.sqlite'), dataset: sc.dataset, runNonce: 'o' }),
      });
      const o = doc.ooda!;
      const pts = o.points;
      // Geometric 4, 12, 36, 108 until a step's depth reaches 10, then bisected to capacity.ooda.resolution.
      const rates = pts.map((p) => p.triggersPerSec);
      expect(rates).toEqual([...rates].sort((a, b) => a - b)); // the curve is in rate order
      const geometric = [4, 12, 36, 108].filter((r) => rates.includes(r));
      expect(geometric).toEqual([4, 12, 36, 108].slice(0, geometric.length));
      // Every other rate is a bisection inside the geometric bracket (last two geometric steps).
      const [lo, hi] = geometric.slice(-2);
      for (const r of rates.filter((x) => !geometric.includes(x))) {
        expect(r).toBeGreaterThan(lo!);
        expect(r).toBeLessThan(hi!);
      }
      const [good, bad] = o.bracket!;
      expect(o.maxWithinTargetTriggersPerSec).toBe(good);
      expect((bad - good) / good).toBeLessThanOrEqual(0.1);
      expect(pts.length).toBeGreaterThan(geometric.length); // it bisected
      for (const p of pts) {
        if (p.triggersPerSec <= good) expect(p.maxQueueDepth!, `${p.triggersPerSec}/s`).toBeLessThan(10);
        if (p.triggersPerSec === bad) expect(p.maxQueueDepth!).toBeGreaterThanOrEqual(10);
      }
      // One consumer per phase, 20 ms of work each: at most 50 messages/s drain per queue, so the queue
      // cannot stay short far above that (at 80/s a 2.5 s step backs up ~75 messages).
      expect(good).toBeLessThan(80);
      expect(o.limitTriggersPerSec!).toBeGreaterThanOrEqual(good);
      expect(o.limitTriggersPerSec!).toBeLessThanOrEqual(bad);
      expect(o.summary).toContain(`highest rate within the target: ${good} triggers/s`);
      expect(pts[0]!.loopsCompleted).toBeGreaterThan(0);
      expect(pts[0]!.phaseDurationAvgMs!).toBeGreaterThanOrEqual(19);
    },
  );
});
