import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/dataset/prng.ts';
import { SqliteEngine } from '../../../src/engines/sqlite/index.ts';
import { realClock } from '../../../src/load/clock.ts';
import { OodaDriver } from '../../../src/ooda/driver.ts';
import { schemaPlan } from '../../../src/run/dataset.ts';
import { contractScenario } from '../contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'atombench-ooda-'));
const sc = contractScenario();
const engine = new SqliteEngine({ path: join(dir, 'ooda.sqlite'), dataset: sc.dataset, runNonce: 'o' });
beforeAll(async () => {
  await engine.connect();
  await engine.prepare(schemaPlan(sc), { allowDestructive: true, force: false });
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

async function drive(failureRate: number, measureFromMs: number) {
  const driver = new OodaDriver(await engine.queues(), {
    triggerEveryMs: 100,
    drawWorkMs: () => 5,
    failureRate,
    rand: createRandom(1),
    measureFromMs,
    clock: realClock,
    receiveWaitMs: 50,
    sendTriggers: true,
  });
  driver.start();
  await new Promise((r) => setTimeout(r, 1500));
  await driver.stop(3000);
  return driver.summary({ Analyze: 1 }, undefined);
}

describe('OODA traffic on the embedded engine', () => {
  it('runs every loop through Analyze -> Hypothesize -> Act -> Learn and measures it', async () => {
    const s = await drive(0, 0);
    expect(s.loopsStarted).toBeGreaterThanOrEqual(10);
    expect(s.loopsCompleted).toBe(s.loopsStarted); // drained: every triggered loop finished
    expect(s.phaseExecutions).toBe(4 * s.loopsCompleted);
    expect(s.successRate).toEqual({ value: 1 });
    expect(Object.keys(s.phaseDurationMs).sort()).toEqual(['Act', 'Analyze', 'Hypothesize', 'Learn']);
    expect(s.phaseDurationMs.Act!.p50).toBeGreaterThanOrEqual(4);
    expect(s.loopLatencyMs!.p50).toBeGreaterThanOrEqual(20); // four phases of 5 ms each, at least
    expect(s.loopIntervalSec).toBeGreaterThan(0.09);
    expect(s.loopIntervalSec).toBeLessThan(0.2);
    expect(s.errors).toEqual({});
    expect(await (await engine.queues()).depth()).toEqual({ Analyze: 0, Hypothesize: 0, Act: 0, Learn: 0 });
  });

  it('stops a loop at the phase that failed and counts it', async () => {
    const s = await drive(1, 0);
    expect(s.loopsCompleted).toBe(0);
    expect(s.loopsFailed).toBe(s.loopsStarted);
    expect(s.phaseExecutions).toBe(s.loopsStarted); // only Analyze ran
    expect(s.successRate).toEqual({ value: 0 });
  });

  it('leaves loops triggered during warm-up out of the measurement', async () => {
    const s = await drive(0, Date.now() + 60_000);
    expect(s.loopsStarted).toBe(0);
    expect(s.phaseExecutions).toBe(0);
    expect('na' in s.successRate).toBe(true);
  });
});
