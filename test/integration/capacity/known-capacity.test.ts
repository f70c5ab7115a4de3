import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEngine } from '../../../src/engines/sqlite/index.ts';
import type { CapacityDocument } from '../../../src/model/capacity.ts';
import { runCapacity } from '../../../src/run/capacity.ts';
import { silentProgress } from '../../../src/run/progress.ts';
import { validateScenario } from '../../../src/scenario/load.ts';
import { resolveTargets } from '../../../src/targets/runbook.ts';

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

const dir = mkdtempSync(join(tmpdir(), 'atombench-capacity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

async function search(id: string): Promise<{ doc: CapacityDocument; lines: string[] }> {
  const sc = scenario();
  const targets = resolveTargets(sc.targets, { datasetAtoms: sc.dataset.atoms }).specs;
  const lines: string[] = [];
  const saved: string[] = [];
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
    saveStep: async (r, name) => (saved.push(r.runId), `steps/${name}/result.json`),
    engine: new SqliteEngine({
      path: join(dir, 'known.sqlite'),
      dataset: sc.dataset,
      runNonce: id,
      serviceTimeMs: SERVICE_MS,
    }),
  });
  expect(saved).toHaveLength(doc.search!.steps.length);
  return { doc, lines };
}

describe('capacity on an engine of known capacity (4 workers x 100 ms = 40/s)', () => {
  it(
    'finds the knee within 10 %, with an interval and the first target to break',
    { timeout: 240_000 },
    async () => {
      const { doc, lines } = await search('known-1');
      const s = doc.search!;
      expect(s.outcome).toBe('knee');
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
