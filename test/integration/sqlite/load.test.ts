import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEngine, type SqliteEngineOptions } from '../../../src/engines/sqlite/index.ts';
import type { EngineRequest, OperationResult } from '../../../src/engines/types.ts';
import { benchmarkOn, contractScenario } from '../contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'atombench-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real embedded engine, except that once, ~1.5 s into the run, it blocks the caller for `stallMs`. */
class StallingSqlite extends SqliteEngine {
  private stallAt = 0;
  constructor(
    opts: SqliteEngineOptions,
    private readonly stallMs: number,
  ) {
    super(opts);
  }
  override async openPool(size: number): Promise<void> {
    await super.openPool(size);
    this.stallAt = performance.now() + 1500;
  }
  override run(req: EngineRequest): Promise<OperationResult> {
    if (this.stallAt && performance.now() >= this.stallAt) {
      this.stallAt = 0;
      const until = performance.now() + this.stallMs;
      while (performance.now() < until); // a synchronous driver stall: the client's loop is blocked too
    }
    return super.run(req);
  }
}

function openScenario(ratePerSec: number, durationSec: number) {
  return contractScenario({
    workload: {
      mix: [
        { op: 'spatial.knn', k: 10 },
        { op: 'spatial.dedup', threshold: 0.001 },
      ],
    },
    load: { model: 'open', ratePerSec, arrivals: 'constant', maxInFlight: 1000, connections: 2 },
    warmupSec: 0.5,
    durationSec,
    ooda: { enabled: false },
    probes: { intervalMs: 500 },
  });
}

const run = (engine: SqliteEngine, sc: ReturnType<typeof openScenario>) => benchmarkOn(engine, sc);

describe('open loop on the embedded engine', () => {
  it('achieves the scheduled rate within 1 % and reports schedule lag and drops', async () => {
    const sc = openScenario(200, 4);
    const result = await run(
      new SqliteEngine({ path: join(dir, 'rate.sqlite'), dataset: sc.dataset, runNonce: 'r' }),
      sc,
    );
    expect(result.load.ratePerSec).toBe(200);
    expect(Math.abs(result.load.achievedRatePerSec! - 200) / 200).toBeLessThan(0.01);
    expect(result.load.dropped).toBe(0);
    // The whole planned window is measured: the tick that ends warm-up never files the first
    // measured interval as warm-up, even when its timer fires a little early.
    expect(result.load.measuredSec).toBeGreaterThan(3.9);
    expect(result.load.scheduleLagMs?.count).toBeGreaterThan(0.97 * 200 * result.load.measuredSec!);
    // Completions over the measured window (its length comes from the interval ticks, which a busy
    // machine can delay: a count would shift by the operations of the late tick, a rate does not).
    expect(Math.abs(result.total.throughputPerSec - 200) / 200).toBeLessThan(0.05);
    expect(result.total.count).toBeGreaterThan(700);
  });

  it('shows a stall in p99 and in schedule lag (coordinated omission handled)', async () => {
    const sc = openScenario(100, 3);
    const engine = new StallingSqlite(
      { path: join(dir, 'stall.sqlite'), dataset: sc.dataset, runNonce: 's' },
      600,
    );
    const result = await run(engine, sc);
    // ~60 arrivals were due during the 600 ms stall: each is measured from its intended start.
    expect(result.total.latencyMs.p99).toBeGreaterThan(400);
    expect(result.total.latencyMs.max).toBeGreaterThan(550);
    expect(result.load.scheduleLagMs!.max).toBeGreaterThan(550);
    expect(result.load.scheduleLagMs!.p99).toBeGreaterThan(400);
    // The median query was not stalled: the stall is visible without smearing the whole run.
    expect(result.total.latencyMs.p50).toBeLessThan(100);
    expect(result.client.bottleneck).toBe(true);
  });
});
