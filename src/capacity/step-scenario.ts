import { UserError } from '../errors.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { SearchConfig } from './search-plan.ts';

/** The scenario of one step: the same workload at `ratePerSec`, constant arrivals, no stages. */
export function stepScenario(sc: Scenario, ratePerSec: number, patch: Partial<Scenario> = {}): Scenario {
  if (sc.load.model !== 'open') throw new UserError(openLoopOnly(sc));
  return { ...sc, ...patch, load: { ...sc.load, ratePerSec, stages: [] } };
}

function openLoopOnly(sc: Scenario): string {
  return `load.model: capacity steps the arrival rate of an open loop; this scenario's load is ${sc.load.model} (set load: { model: open, ... })`;
}

/** What capacity refuses before anything connects (exit 2), every problem at once. */
export function capacityProblems(sc: Scenario): string[] {
  const p: string[] = [];
  if (sc.load.model !== 'open') p.push(openLoopOnly(sc));
  if (sc.attach && sc.capacity.atoms.length > 0)
    p.push('capacity.atoms: a scale sweep seeds and grows the dataset, which attach mode never does');
  const c = sc.capacity;
  const largest = Math.max(0, ...c.atoms);
  if (largest > sc.dataset.atoms)
    p.push(
      `capacity.atoms: the sweep ends at ${largest} atoms, above dataset.atoms (${sc.dataset.atoms}), where the rate search runs on the grown dataset; make the largest size dataset.atoms (--atoms sets both)`,
    );
  if (c.verifyGrowth && sc.engine !== 'sqlite')
    p.push(
      'capacity.verifyGrowth: a fresh seed beside the grown one needs a second store; only the embedded engine makes one (a file of its own)',
    );
  if (!c.search && c.atoms.length === 0 && !c.ooda.enabled)
    p.push('capacity: nothing to do (search is false, no atoms to sweep, ooda.enabled is false)');
  return p;
}

export function searchConfig(sc: Scenario): SearchConfig {
  const c = sc.capacity;
  const start = c.startRatePerSec ?? (sc.load.model === 'open' ? sc.load.ratePerSec : 10);
  return {
    startRatePerSec: start,
    growth: c.growth,
    resolution: c.resolution,
    maxRatePerSec: c.maxRatePerSec,
    trials: c.trials,
  };
}

/** "10k,100k,1M,3M" -> [10000, 100000, 1000000, 3000000]; a problem message for the flag otherwise. */
export function parseAtomsList(text: string): number[] | string {
  const sizes: number[] = [];
  for (const part of text.split(',').map((s) => s.trim())) {
    const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(part);
    if (!m) return `expected sizes like 10k,100k,1M; got "${part}"`;
    const n = Math.round(Number(m[1]) * (m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1e3 : 1e6));
    if (n < 1) return `sizes must be at least 1; got "${part}"`;
    sizes.push(n);
  }
  for (let i = 1; i < sizes.length; i++)
    if (!(sizes[i]! > sizes[i - 1]!)) return `sizes must be ascending; got ${text}`;
  return sizes;
}
