import type { Budget } from '../capacity/budget.ts';
import type { Engine } from '../engines/types.ts';
import type { ScaleSweep } from '../model/capacity.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { CapacityRunOptions } from './capacity-step.ts';

export interface SweepArgs {
  o: CapacityRunOptions;
  budget: Budget;
  status: (what: string, verdict: string) => void;
  makeEngine?: (sc: Scenario) => Promise<Engine>;
}

/** The scale sweep (next commit). */
export async function runSweep(_a: SweepArgs): Promise<ScaleSweep | null> {
  return null;
}
