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
 * The OODA side on the embedded engine: one consumer per phase doing 20 ms of work serves about 50
 * loops/s, so stepping triggers 4 -> 12 -> 36 -> 108/s must see the server-sampled queue depth pass 10.
 */

const dir = mkdtempSync(join(tmpdir(), 'atombench-ooda-side-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('capacity OODA side on SQLite', () => {
  it('finds the trigger rate at which queue depth passes 10', { timeout: 120_000 }, async () => {
    const { scenario: sc, problems } = validateScenario({
      name: 'ooda-side',
      dataset: { atoms: 2000, seed: 5, batchSize: 1000 },
      workload: { mix: [{ op: 'spatial.knn', k: 5 }] },
      load: { model: 'open', ratePerSec: 20, maxInFlight: 32, connections: 2 },
      warmupSec: 0.5,
      durationSec: 2,
      ooda: { enabled: true, phaseWorkMs: 20 },
      probes: { intervalMs: 250 },
      capacity: { search: false, maxMinutes: 2, ooda: { enabled: true, startTriggersPerSec: 4, growth: 3 } },
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
      engine: new SqliteEngine({ path: join(dir, 'o.sqlite'), dataset: sc.dataset, runNonce: 'o' }),
    });
    const o = doc.ooda!;
    const pts = o.points;
    expect(pts.map((p) => p.triggersPerSec)).toEqual([4, 12, 36, 108].slice(0, pts.length));
    expect(pts.at(-1)!.maxQueueDepth!).toBeGreaterThanOrEqual(10);
    for (const p of pts.slice(0, -1)) expect(p.maxQueueDepth!).toBeLessThan(10);
    expect(o.limitTriggersPerSec!).toBeGreaterThanOrEqual(pts.length > 1 ? pts.at(-2)!.triggersPerSec : 4);
    expect(o.limitTriggersPerSec!).toBeLessThanOrEqual(pts.at(-1)!.triggersPerSec);
    expect(pts[0]!.loopsCompleted).toBeGreaterThan(0);
    expect(pts[0]!.phaseDurationAvgMs!).toBeGreaterThanOrEqual(19);
  });
});
