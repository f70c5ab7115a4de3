import type { Budget } from '../../capacity/budget.ts';
import { nextTriggerRate, oodaCurve, oodaPoint } from '../../capacity/ooda.ts';
import { stepScenario } from '../../capacity/step-scenario.ts';
import type { OodaCurve, OodaPoint } from '../../model/capacity.ts';
import type { CapacityRunOptions, CapacitySession } from './step.ts';
import { measureStep } from './step.ts';

/** The OODA side: one step per offered trigger rate, the spatial load held at a fixed rate meanwhile. */
export async function runOodaSide(a: {
  o: CapacityRunOptions;
  session: CapacitySession;
  budget: Budget;
  status: (what: string, verdict: string) => void;
}): Promise<OodaCurve> {
  const sc = a.o.scenario;
  const plan = sc.capacity.ooda;
  const rate = plan.ratePerSec ?? (sc.load.model === 'open' ? sc.load.ratePerSec : 1);
  const points: OodaPoint[] = [];
  for (;;) {
    if (a.o.signal.aborted || a.budget.refusal()) break;
    const tps = nextTriggerRate(points, plan);
    if (tps === undefined) break;
    a.status(`OODA ${tps} triggers/s`, `queue depth limit ${plan.depthLimit}`);
    const name = `${String(a.budget.stepsRun + 1).padStart(2, '0')}-ooda-${tps}`;
    const stepSc = stepScenario(sc, rate, { ooda: { ...sc.ooda, enabled: true, triggerEverySec: 1 / tps } });
    const { result, file } = await a.budget.step(() => measureStep(a.o, a.session, stepSc, name));
    const p = oodaPoint(result, tps, file);
    a.o.capacityProgress.line(
      `  -> max queue depth ${p.maxQueueDepth ?? 'n/a'}, phase avg ${p.phaseDurationAvgMs?.toFixed(1) ?? 'n/a'} ms, loops ${p.loopsCompleted}`,
    );
    points.push(p);
  }
  return oodaCurve(points, plan.depthLimit);
}
