import { Budget } from '../../capacity/budget.ts';
import { judgeStep } from '../../capacity/checks.ts';
import { searchRate, type StepRequest } from '../../capacity/search.ts';
import { rateText } from '../../capacity/summary.ts';
import { searchConfig, stepScenario } from '../../capacity/step-scenario.ts';
import { checkName } from '../../capacity/checks.ts';
import { realClock } from '../../load/clock.ts';
import { CAPACITY_SCHEMA, type CapacityDocument, type CapacityStep } from '../../model/capacity.ts';
import { connect, connectEngine, newEngine } from '../phases/connect.ts';
import { checkActivation } from '../../ooda/activation.ts';
import { smallerKeys } from '../../capacity/sweep.ts';
import { measureStep, openSession, type CapacityRunOptions } from './step.ts';
import { runOodaSide } from './ooda.ts';
import { runSweep } from './sweep.ts';

/**
 * `atombench capacity`: the steps planned in src/capacity/ run here (step.ts runs one): the scale
 * sweep, then the rate search on one connected engine and stored dataset, then the OODA side, all within
 * one budget of steps and minutes.
 */

export type { CapacityRunOptions, CapacityProgress } from './step.ts';

const mmss = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export async function runCapacity(o: CapacityRunOptions): Promise<CapacityDocument> {
  const sc = o.scenario;
  checkActivation(o.engine?.name ?? sc.engine, sc);
  const clock = o.clock ?? realClock;
  const cap = sc.capacity;
  const startedAt = new Date(clock.wallMs());
  const stepMs = (sc.warmupSec + sc.durationSec) * 1000 + 2000;
  const budget = new Budget(cap.maxSteps, cap.maxMinutes, () => clock.nowMs(), stepMs);
  const status = (what: string, verdict: string) =>
    o.capacityProgress.line(
      `step ${budget.stepsRun + 1}/${cap.maxSteps} · ${what} · ${mmss(budget.elapsedMs())} elapsed, ${mmss(budget.remainingMs())} left · ${verdict}`,
    );

  // The sweep first: it grows the dataset to its largest size, where the rate search then runs.
  const sweep = cap.atoms.length > 0 ? await runSweep({ o, budget, status, makeEngine: o.engineFor }) : null;

  // After a sweep, the search runs on the sweep's store, grown to the largest size.
  const swept = cap.atoms.length > 0;
  const injected = o.engine ?? (swept && o.engineFor ? await o.engineFor(sc, 'sweep') : undefined);
  const engine =
    injected ??
    (swept
      ? await newEngine(sc.engine, sc, o.url, { dataset: sc.dataset, tag: 'sweep' })
      : await connectEngine(sc.engine, sc, o.url));
  if (injected) await engine.connect();
  else if (swept) await connect(engine, o.url);
  try {
    const session = await openSession(o, sc, engine, swept ? smallerKeys(sc, sc.dataset.atoms) : undefined);
    const search = cap.search
      ? await searchRate({
          config: searchConfig(sc),
          budget,
          signal: o.signal,
          progress: {
            step: (req, verdict) =>
              status(
                `${rateText(req.ratePerSec)} (${req.phase === 'trial' ? `trial ${req.trial}` : req.phase})`,
                verdict,
              ),
          },
          measure: async (req: StepRequest): Promise<CapacityStep> => {
            const name = `${String(req.index).padStart(2, '0')}-${req.ratePerSec}`;
            const { result, file, wallSec } = await measureStep(
              o,
              session,
              stepScenario(sc, req.ratePerSec),
              name,
            );
            const step = judgeStep({
              result,
              index: req.index,
              phase: req.phase,
              trial: req.trial,
              maxDropRatio: cap.maxDropRatio,
              clientBound: cap.clientBound,
              wallSec,
              resultFile: file,
            });
            const failed = step.checks.filter((c) => c.verdict === 'fail').map((c) => c.name);
            o.capacityProgress.line(
              `  -> ${step.verdict}: achieved ${rateText(step.achievedRatePerSec)}, p95 ${step.totalLatencyMs.p95.toFixed(1)} ms, dropped ${step.dropped}${failed.length ? `; failed: ${failed.join(', ')}` : ''}${step.clientReasons.length ? `; client: ${step.clientReasons.join('; ')}` : ''}`,
            );
            return step;
          },
        })
      : null;
    const ooda = cap.ooda.enabled ? await runOodaSide({ o, session, budget, status }) : null;
    return {
      schema: CAPACITY_SCHEMA,
      id: o.id,
      atombenchVersion: o.version,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date(clock.wallMs()).toISOString(),
      scenarioName: sc.name,
      engine: session.fingerprint,
      dataset: {
        atoms: sc.dataset.atoms,
        seed: sc.dataset.seed,
        distribution: sc.dataset.distribution.kind,
        checksum: session.dataset.checksum,
      },
      config: { ...cap, ...searchConfig(sc), warmupSec: sc.warmupSec, durationSec: sc.durationSec },
      targets: o.targets.map((t) => ({
        check: checkName(t.metric, t.expression.text),
        expression: t.expression.text,
        source: t.source,
      })),
      search,
      sweep,
      ooda,
      budget: {
        maxSteps: cap.maxSteps,
        maxMinutes: cap.maxMinutes,
        stepsRun: budget.stepsRun,
        elapsedSec: budget.elapsedMs() / 1000,
      },
      ...(o.signal.aborted ? { interrupted: true } : {}),
    };
  } finally {
    await engine.close().catch(() => {});
  }
}
