import { describe, expect, it } from 'vitest';
import { capacityProblems, parseAtomsList, searchConfig } from '../../../src/capacity/step-scenario.ts';
import { loadScenario } from '../../../src/scenario/load.ts';

describe('the shipped capacity scenarios', () => {
  it.each([
    ['scenarios/capacity-smoke.yaml', 3, 'postgis'],
    ['scenarios/capacity-1m.yaml', 90, 'sqlite'],
  ])('%s loads, is runnable by capacity, within its budget', async (file, minutes, engine) => {
    const sc = await loadScenario(file);
    expect(capacityProblems(sc)).toEqual([]);
    expect(sc.capacity.maxMinutes).toBe(minutes);
    expect(sc.engine).toBe(engine);
    expect(searchConfig(sc).startRatePerSec).toBeGreaterThan(0);
  });
  it('refuses a closed loop, a sweep above dataset.atoms, and verifyGrowth off the embedded engine', async () => {
    const sc = await loadScenario('scenarios/smoke.yaml');
    expect(capacityProblems(sc)[0]).toMatch(/^load.model: capacity steps the arrival rate of an open loop/);
    const open = await loadScenario('scenarios/capacity-smoke.yaml');
    const bad = { ...open, capacity: { ...open.capacity, atoms: [10, 50_000], verifyGrowth: true } };
    expect(capacityProblems(bad)).toEqual([
      expect.stringMatching(/^capacity.atoms: the sweep ends at 50000 atoms, above dataset.atoms \(20000\)/),
      expect.stringMatching(/^capacity.verifyGrowth: a fresh seed beside the grown one needs a second store/),
    ]);
  });
  it('parses --atoms lists', () => {
    expect(parseAtomsList('10k,100k,1M,1.5M')).toEqual([10_000, 100_000, 1_000_000, 1_500_000]);
    expect(parseAtomsList('100k,10k')).toBe('sizes must be ascending; got 100k,10k');
    expect(parseAtomsList('10x')).toBe('expected sizes like 10k,100k,1M; got "10x"');
  });
});
