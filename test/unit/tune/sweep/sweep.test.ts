import { describe, expect, it } from 'vitest';
import { OperationError } from '../../../../src/errors.ts';
import { collectPoints } from '../../../../src/tune/model/buckets.ts';
import type { GridConfig } from '../../../../src/model/index-config.ts';
import { createPredictor } from '../../../../src/tune/model/predict.ts';
import type {
  GridIndexTarget,
  IndexSnapshot as Snapshot,
  OperationRequest,
  QueryWindow,
} from '../../../../src/engines/types.ts';
import { candidateBoxes, rankConfigurations } from '../../../../src/tune/model/rank.ts';
import { tuneJson, type TuneSection } from '../../../../src/tune/document.ts';
import { runSweep, sumFilter } from '../../../../src/tune/sweep/sweep.ts';
import { needsRestore } from '../../../../src/tune/sweep/sweep-loop.ts';
import { planSweep, rowConfig, sameConfig } from '../../../../src/tune/sweep/sweep-plan.ts';
import { windowRequests } from '../../../../src/tune/sweep/sweep-queries.ts';

const CURRENT: GridConfig = {
  boundingBox: [-1000, -1000, 1000, 1000],
  grids: ['MEDIUM', 'MEDIUM', 'MEDIUM', 'MEDIUM'],
  cellsPerObject: 16,
};

function blob(n: number) {
  let s = 11;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
  return Array.from({ length: n }, () => ({ x: 0.05 * (rnd() - 0.5), y: 0.05 * (rnd() - 0.5) }));
}

const points = blob(2000);
const windows: QueryWindow[] = points.slice(0, 12).map((p) => ({ ...p, radius: 0.005 }));
const table = collectPoints(points);
const ranking = rankConfigurations(createPredictor(table, windows), CURRENT, {
  boxes: candidateBoxes(CURRENT.boundingBox, table.extent, 0.005),
});
const section: TuneSection = tuneJson(ranking, []).sections[0]!;

describe('planSweep', () => {
  it('measures the top K distinct configurations, then the current one last', () => {
    const steps = planSweep(section, 2);
    expect(steps).toHaveLength(3);
    expect(steps.at(-1)!.row.current).toBe(true);
    expect(steps.slice(0, 2).every((s) => !s.row.current)).toBe(true);
    expect(steps[0]!.row.rank).toBeLessThan(steps[1]!.row.rank);
    const keys = steps.map((s) => JSON.stringify(rowConfig(s.row)));
    expect(new Set(keys).size).toBe(3);
  });

  it('rebuilds once for rows that differ only in CELLS_PER_OBJECT with identical predictions', () => {
    const steps = planSweep(section, 2);
    // points get one cell whatever the limit >= 2: 8, 16, 64, 1024 predict the same
    expect(steps[0]!.sameAsCellsPerObject.length).toBeGreaterThan(0);
    expect(steps[0]!.sameAsCellsPerObject).not.toContain(steps[0]!.row.cellsPerObject);
    const cur = steps.at(-1)!;
    expect(cur.row.cellsPerObject).toBe(16);
    expect(cur.sameAsCellsPerObject).not.toContain(16);
  });

  it('K = 0 measures only the current one; the current one inside the top K is not measured twice', () => {
    expect(planSweep(section, 0).map((s) => s.row.current)).toEqual([true]);
    const all = planSweep(section, 10_000);
    expect(all.filter((s) => s.row.current)).toHaveLength(1);
    expect(all.at(-1)!.row.current).toBe(true);
  });
});

describe('restore decisions', () => {
  const snap: IndexSnapshot = { existed: true, ddl: 'CREATE ...', config: CURRENT };
  it('needs no rebuild when the last build reproduced the original', () => {
    const same = sameConfig;
    expect(needsRestore('original', snap, same)).toBe(false);
    expect(needsRestore({ ...CURRENT, boundingBox: [...CURRENT.boundingBox] }, snap, same)).toBe(false);
    expect(needsRestore({ ...CURRENT, cellsPerObject: 8 }, snap, same)).toBe(true);
    expect(needsRestore(undefined, snap, same)).toBe(true);
    expect(needsRestore(CURRENT, { existed: true, ddl: 'auto grid' }, same)).toBe(true);
  });
  it('compares boxes with a float tolerance', () => {
    expect(sameConfig(CURRENT, { ...CURRENT, boundingBox: [-1000, -1000, 1000, 1000.0000000000001] })).toBe(
      true,
    );
    expect(sameConfig(CURRENT, { ...CURRENT, boundingBox: [-1000, -1000, 1000, 1001] })).toBe(false);
  });
});

describe('pure helpers', () => {
  it('turns windows into spatial.pool requests', () => {
    expect(windowRequests([{ x: 1, y: 2, radius: 3 }], 50)).toEqual([
      { op: 'spatial.pool', q: { x: 1, y: 2, z: 0 }, radius: 3, pool: 50 },
    ]);
  });
  it('sums primary filter samples as O / P over all of them', () => {
    expect(sumFilter([])).toBeUndefined();
    const f = sumFilter([
      { candidates: 10, output: 5, internalFiltered: 2, efficiencyPercent: 50 },
      { candidates: 30, output: 5, internalFiltered: 6, efficiencyPercent: 16.6 },
    ])!;
    expect(f).toMatchObject({ samples: 2, candidates: 40, output: 10, efficiency: 0.25 });
    expect(f.internalFilterShare).toBeCloseTo(0.2);
    expect(f.reportedEfficiencyPercent).toBeCloseTo(33.3);
    expect(sumFilter([{ candidates: 0, output: 0 }])!.efficiency).toBe(1);
  });
});

type IndexSnapshot = Snapshot<GridConfig>;

interface Fake extends GridIndexTarget {
  calls: string[];
}

function fakeTarget(o: { snap?: IndexSnapshot; failRebuild?: number; failRestore?: boolean } = {}): Fake {
  const calls: string[] = [];
  let builds = 0;
  return {
    calls,
    snapshot: async () => (
      calls.push('snapshot'),
      o.snap ?? { existed: true, ddl: 'ORIGINAL', config: CURRENT }
    ),
    begin: async () => void calls.push('begin'),
    end: async () => void calls.push('end'),
    rebuild: async (cfg) => {
      builds++;
      calls.push(`rebuild ${cfg.grids.join('')} ${cfg.cellsPerObject}`);
      if (builds === o.failRebuild) throw new Error('Msg 1234: bad option');
      return { ddl: `DDL ${builds}` };
    },
    restore: async () => {
      calls.push('restore');
      if (o.failRestore) throw new Error('connection lost');
      return { ddl: 'ORIGINAL' };
    },
    run: async (req: OperationRequest) => {
      calls.push('run');
      if (req.op === 'spatial.pool' && req.radius < 0) throw new OperationError('timeout', 'x');
      return { rows: 3 };
    },
    primaryFilter: async () => (calls.push('filter'), { candidates: 8, output: 4 }),
    indexSize: async () => (calls.push('size'), { rows: 2000, reservedBytes: 81920, usedBytes: 65536 }),
    close: async () => undefined,
  };
}

/** A clock that advances 2 ms per reading. */
function clock() {
  let t = 0n;
  return () => (t += 2_000_000n);
}

const base = { engine: 'fake', section, windows, pool: 100, warmupQueries: 2, filterSamples: 3 };

describe('runSweep', () => {
  it('rebuilds, warms, measures, and ends on the current configuration without an extra restore', async () => {
    const t = fakeTarget();
    const m = await runSweep(t, { ...base, top: 2, now: clock() });
    expect(t.calls[0]).toBe('snapshot');
    expect(t.calls[1]).toBe('begin');
    expect(t.calls.filter((c) => c.startsWith('rebuild'))).toHaveLength(3);
    expect(t.calls.at(-2)).toBe('size');
    expect(t.calls.at(-1)).toBe('end');
    expect(t.calls).not.toContain('restore');
    expect(t.calls.filter((c) => c === 'run')).toHaveLength(3 * (2 + windows.length));
    expect(m.restore).toEqual({ rebuilt: false });
    expect(m.configs).toHaveLength(3);
    const c = m.configs[0]!;
    expect(c.buildMs).toBe(2);
    expect(c.latencyMs!.count).toBe(windows.length);
    expect(c.latencyMs!.p50).toBeCloseTo(2, 1);
    expect(c.rowsPerQuery).toBe(3);
    expect(c.primaryFilter).toMatchObject({ samples: 3, efficiency: 0.5 });
    expect(c.indexSize!.rows).toBe(2000);
    expect(c.predicted.primaryFilterEfficiency).toBe(
      section.rows.find((r) => r.rank === c.rank)!.primaryFilterEfficiency,
    );
    expect(m.configs.at(-1)!.current).toBe(true);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it('restores the original index when it is not a configuration the sweep rebuilds', async () => {
    const t = fakeTarget({ snap: { existed: true, ddl: 'AUTO GRID' } });
    const m = await runSweep(t, { ...base, top: 1, now: clock() });
    expect(t.calls.at(-2)).toBe('restore');
    expect(t.calls.at(-1)).toBe('end');
    expect(m.restore).toMatchObject({ rebuilt: true, ddl: 'ORIGINAL', durationMs: 2 });
  });

  it('records a failed rebuild, goes on, and restores when the last build failed', async () => {
    const t = fakeTarget({ failRebuild: 2 });
    const m = await runSweep(t, { ...base, top: 1, now: clock() });
    expect(m.configs[1]!.problems[0]).toContain('rebuild failed: Msg 1234');
    expect(m.configs[1]!.latencyMs).toBeUndefined();
    expect(t.calls.at(-2)).toBe('restore');
  });

  it('restores after an interruption and marks the result interrupted', async () => {
    const ac = new AbortController();
    const t = fakeTarget();
    let n = 0;
    const inner = t.run.bind(t);
    t.run = async (req) => {
      if (++n === 5) ac.abort();
      return inner(req);
    };
    const m = await runSweep(t, { ...base, top: 2, signal: ac.signal, now: clock() });
    expect(m.interrupted).toBe(true);
    expect(m.configs).toHaveLength(1);
    expect(t.calls).toContain('restore');
  });

  it('reports a failed restore (and does not mark the index built)', async () => {
    const t = fakeTarget({ snap: { existed: true, ddl: 'AUTO GRID' }, failRestore: true });
    const m = await runSweep(t, { ...base, top: 0, now: clock() });
    expect(m.restore.error).toBe('connection lost');
    expect(t.calls).not.toContain('end');
  });

  it('keeps a size it cannot read as a problem of that configuration', async () => {
    const t = fakeTarget();
    t.indexSize = async () => {
      throw new Error('permission denied');
    };
    const m = await runSweep(t, { ...base, top: 0, now: clock() });
    expect(m.configs[0]!.problems).toEqual(['index size: permission denied']);
  });

  it('restores in finally when something throws mid-sweep, then rethrows', async () => {
    const t = fakeTarget();
    let lines = 0;
    const onProgress = () => {
      if (++lines === 3) throw new Error('boom');
    };
    await expect(runSweep(t, { ...base, top: 2, onProgress, now: clock() })).rejects.toThrow('boom');
    expect(t.calls.at(-2)).toBe('restore');
    expect(t.calls.at(-1)).toBe('end');
  });

  it('counts query errors by class', async () => {
    const t = fakeTarget();
    const bad = windows.map((w, i) => (i % 2 ? { ...w, radius: -1 } : w));
    const m = await runSweep(t, { ...base, windows: bad, top: 0, now: clock() });
    const c = m.configs[0]!;
    expect(c.errors).toBe(windows.length / 2);
    expect(c.errorsByClass).toEqual({ timeout: windows.length / 2 });
    expect(c.problems[0]).toMatch(/^6 of 12 spatial.pool queries failed/);
  });
});
