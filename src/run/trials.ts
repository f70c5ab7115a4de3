import type { RunResult, TimeSeriesPoint, TrialResult } from '../model/result.ts';
import { evaluateTargets } from '../targets/evaluate.ts';
import type { TargetSpec } from '../targets/runbook.ts';
import { trialOf } from '../metrics/trial.ts';
import type { Measurement } from './measure/measure.ts';
import { runVerdict } from './result.ts';
import {
  mergeClient,
  mergeOoda,
  mergeOperations,
  mergeProbes,
  mergeSummariesUpper,
  type TrialRun,
} from './merge-trials.ts';
import type { Progress } from './progress.ts';
import { mergeNeo4jTrials } from './graph/merge.ts';

/**
 * `run --trials N`: the measured phase N times on the same data, each with a fresh warm-up, the rows a
 * trial ingested removed before the next. Every trial is kept in result.json (`trials`); the top-level
 * numbers are all trials merged (histograms losslessly) and the targets are judged on them.
 */

export interface TrialsOptions {
  trials: number;
  signal: AbortSignal;
  progress: Progress;
  targets: TargetSpec[];
  /** One measured phase (warm-up + measured window). */
  measureOnce: () => Promise<Measurement>;
  /** Between and after trials: put the data back as seeded. */
  cleanup: () => Promise<void>;
  /** The result of one measurement, as a single-trial run would report it. */
  build: (m: Measurement, interrupted: boolean) => RunResult;
}

export async function runTrials(o: TrialsOptions): Promise<RunResult> {
  const runs: TrialRun[] = [];
  for (let i = 1; i <= o.trials; i++) {
    if (o.signal.aborted) break;
    o.progress.info(`trial ${i} of ${o.trials}`);
    const m = await o.measureOnce();
    await o.cleanup();
    runs.push({ result: o.build(m, o.signal.aborted), measuredSec: m.recorder.totals().measuredSec });
  }
  return mergeTrialRuns(runs, o.targets);
}

/** One trial as result.json keeps it. */
export function trialResult(run: TrialRun, index: number): TrialResult {
  return trialOf(run.result, index + 1, run.measuredSec);
}

/** Time series of all trials on one clock: seconds since the first trial started. */
function joinTimeseries(runs: readonly TrialRun[]): TimeSeriesPoint[] {
  const t0 = Date.parse(runs[0]!.result.startedAt);
  return runs.flatMap((r) => {
    const offset = (Date.parse(r.result.startedAt) - t0) / 1000;
    return r.result.timeseries.map((p) => ({ ...p, tSec: p.tSec + offset }));
  });
}

/** Pure: N trial results (at least one) -> the merged run with every trial kept, targets judged on the merge. */
export function mergeTrialRuns(runs: readonly TrialRun[], targets: TargetSpec[]): RunResult {
  if (runs.length === 0) throw new Error('mergeTrialRuns: no trial ran');
  const first = runs[0]!.result;
  const last = runs[runs.length - 1]!.result;
  const { operations, total } = mergeOperations(runs);
  const probes = mergeProbes(runs);
  for (const op of operations) {
    const sampled = probes.primaryFilter[op.op];
    if (op.primaryFilterEfficiency === undefined && sampled && sampled.candidates > 0) {
      op.primaryFilterEfficiency = sampled.output / sampled.candidates;
      op.primaryFilterSource = 'sampled';
    }
  }
  const loads = runs.map((r) => r.result.load);
  // Seconds measured (and warmed up) over all trials; the per-trial figures are in the scenario.
  const load: RunResult['load'] = {
    ...first.load,
    durationSec: loads.reduce((a, l) => a + l.durationSec, 0),
    warmupSec: loads.reduce((a, l) => a + l.warmupSec, 0),
    measuredSec: runs.reduce((a, r) => a + r.measuredSec, 0),
    cancelled: loads.reduce((a, l) => a + (l.cancelled ?? 0), 0),
  };
  if (first.load.model === 'open') {
    load.achievedRatePerSec = loads.reduce((a, l) => a + (l.achievedRatePerSec ?? 0), 0) / loads.length;
    load.dropped = loads.reduce((a, l) => a + (l.dropped ?? 0), 0);
    // Arrivals due per trial = dropped / ratio; the merged ratio weighs each trial by its arrivals.
    const due = loads.reduce(
      (a, l) => a + (l.dropRatio && l.dropped ? l.dropped / l.dropRatio : (l.dropped ?? 0)),
      0,
    );
    if (loads.every((l) => l.dropRatio !== undefined)) load.dropRatio = due > 0 ? load.dropped / due : 0;
    // Upper bound, as for the other summaries kept without histograms (merge-trials.ts).
    load.scheduleLagMs = mergeSummariesUpper(
      loads.flatMap((l) => (l.scheduleLagMs ? [l.scheduleLagMs] : [])),
    );
  }
  const interrupted = runs.some((r) => r.result.interrupted);
  const neo4j = mergeNeo4jTrials(runs.map((r) => ({ neo4j: r.result.neo4j, measuredSec: r.measuredSec })));
  const measured: Omit<RunResult, 'targets' | 'verdict'> = {
    schema: first.schema,
    runId: first.runId,
    atombenchVersion: first.atombenchVersion,
    startedAt: first.startedAt,
    finishedAt: last.finishedAt,
    scenario: first.scenario,
    engine: first.engine,
    dataset: first.dataset,
    load,
    operations,
    total,
    probes,
    ooda: mergeOoda(runs.map((r) => r.result.ooda)),
    ...(neo4j ? { neo4j } : {}),
    timeseries: joinTimeseries(runs),
    client: mergeClient(runs.map((r) => r.result.client)),
    faults: {
      outages: runs.flatMap((r) => r.result.faults?.outages ?? []),
      ...(last.faults?.endedEarly ? { endedEarly: last.faults.endedEarly } : {}),
      warnings: runs.flatMap((r) => r.result.faults?.warnings ?? []),
    },
    ...(interrupted ? { interrupted: true } : {}),
  };
  const evaluation = evaluateTargets(measured, targets);
  return {
    ...measured,
    targets: evaluation.targets,
    verdict: runVerdict(measured, evaluation.verdict),
    trials: runs.map(trialResult),
  };
}
