import type { EngineFingerprint } from '../model/engine.ts';
import { summarize, countOf, encodeHistogram } from '../metrics/histogram.ts';
import { toOperationStats, totalOperationStats } from '../metrics/operation-stats.ts';
import { evaluateClientHealth } from '../load/self-check.ts';
import { RESULT_SCHEMA, type OperationStats, type ProbeSummary, type RunResult } from '../model/result.ts';
import type { ShardInfo } from '../model/shard.ts';
import type { Scenario } from '../scenario/schema.ts';
import { evaluateTargets } from '../targets/evaluate.ts';
import type { TargetSpec } from '../targets/runbook.ts';
import type { DatasetOutcome } from './dataset.ts';
import type { Measurement } from './measure.ts';
import { redactScenario } from '../redact.ts';

export interface ResultInput {
  runId: string;
  version: string;
  scenario: Scenario;
  fingerprint: EngineFingerprint;
  dataset: DatasetOutcome;
  m: Measurement;
  targets: TargetSpec[];
  interrupted: boolean;
  /** Set when the run is one shard (`run --shard`). */
  shard?: ShardInfo;
}

/** Assemble result.json from what was measured. Pure: every number comes from the measurement. */
export function buildResult(i: ResultInput): RunResult {
  const { scenario: sc, m } = i;
  const totals = m.recorder.totals();
  const sec = totals.measuredSec;
  const probes = i.shard && i.shard.index > 0 ? probesOnShardZero() : m.poller.summary();
  const operations: OperationStats[] = [...totals.operations].map(([op, t]) => {
    const stats = toOperationStats(op, t, sec);
    if (stats.primaryFilterEfficiency !== undefined) stats.primaryFilterSource = 'per-query';
    const sampled = probes.primaryFilter[op];
    if (stats.primaryFilterEfficiency === undefined && sampled && sampled.candidates > 0) {
      stats.primaryFilterEfficiency = sampled.output / sampled.candidates;
      stats.primaryFilterSource = 'sampled';
    }
    return stats;
  });
  const lag = countOf(totals.scheduleLag) > 0 ? summarize(totals.scheduleLag) : undefined;
  const load = sc.load;
  // Arrivals actually started per second of the schedule (warm-up included); dropped ones excluded.
  const scheduleSec = i.interrupted ? m.load.elapsedMs / 1000 : sc.warmupSec + sc.durationSec;
  const issuedPerSec = scheduleSec > 0 ? m.load.issued / scheduleSec : 0;
  const client = evaluateClientHealth({ ...m.client, scheduleLagP99Ms: lag?.p99 });
  const ooda = m.ooda?.summary(m.poller.queueDepthMax(), undefined) ?? null;

  const measured: Omit<RunResult, 'targets' | 'verdict'> = {
    schema: RESULT_SCHEMA,
    runId: i.runId,
    atombenchVersion: i.version,
    startedAt: m.startedAt.toISOString(),
    finishedAt: m.finishedAt.toISOString(),
    scenario: redactScenario(sc),
    engine: i.fingerprint,
    dataset: {
      atoms: sc.dataset.atoms,
      distribution: describeDistribution(sc),
      seed: sc.dataset.seed,
      checksum: i.dataset.checksum,
      seedDurationMs: i.dataset.seedDurationMs,
      indexBuildMs: i.dataset.indexBuildMs,
    },
    load: {
      model: load.model,
      durationSec: sc.durationSec,
      warmupSec: sc.warmupSec,
      ...(load.model === 'open'
        ? {
            ratePerSec: load.ratePerSec,
            achievedRatePerSec: issuedPerSec,
            dropped: totals.dropped,
            scheduleLagMs: lag,
            ...(lag ? { scheduleLagHistogram: encodeHistogram(totals.scheduleLag) } : {}),
          }
        : { concurrency: load.concurrency }),
    },
    operations,
    total: totalOperationStats(totals.operations.values(), sec),
    probes,
    ooda,
    timeseries: m.recorder.timeseries(),
    client,
    ...(i.interrupted ? { interrupted: true } : {}),
    ...(i.shard ? { shard: i.shard } : {}),
  };
  const evaluation = evaluateTargets(measured, i.targets);
  return { ...measured, targets: evaluation.targets, verdict: evaluation.verdict };
}

/** A shard above 0 runs no probes: shard 0 measures the server for the whole run (merge takes its). */
function probesOnShardZero(): ProbeSummary {
  const na = { na: 'probes run on shard 0 only' };
  return {
    seekRatio: na,
    seekSamples: 0,
    cacheHitRatio: na,
    queueDepthMax: na,
    serverQueryStats: na,
    gauges: {},
    primaryFilter: {},
  };
}

function describeDistribution(sc: Scenario): string {
  const d = sc.dataset.distribution;
  const scale = d.scale !== 1 ? ` x${d.scale}` : '';
  if (d.kind === 'projected') return `projected (${d.clusters} clusters, ${d.dimensions} dims)${scale}`;
  if (d.kind === 'uniform') return `uniform (+-${d.halfExtent})${scale}`;
  return `sphere${scale}`;
}
