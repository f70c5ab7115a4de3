import type { EngineFingerprint } from '../model/engine.ts';
import { summarize, countOf, encodeHistogram } from '../metrics/histogram.ts';
import { toOperationStats, totalOperationStats } from '../metrics/operation-stats.ts';
import { evaluateClientHealth, serverBoundDrops } from '../load/self-check.ts';
import {
  RESULT_SCHEMA,
  type OperationStats,
  type ProbeSummary,
  type RunResult,
  type RunVerdict,
} from '../model/result.ts';
import type { ShardInfo } from '../model/shard.ts';
import type { Scenario } from '../scenario/schema.ts';
import { evaluateTargets } from '../targets/evaluate.ts';
import type { TargetSpec } from '../targets/runbook.ts';
import type { DatasetOutcome } from './dataset.ts';
import type { Measurement } from './measure/measure.ts';
import { redactScenario } from '../redact.ts';
import { markWindows } from './interference.ts';
import type { GraphSession } from './graph/session.ts';
import { neo4jSummary } from './graph/summary.ts';

export interface ResultInput {
  runId: string;
  version: string;
  scenario: Scenario;
  fingerprint: EngineFingerprint;
  dataset: DatasetOutcome;
  m: Measurement;
  targets: TargetSpec[];
  interrupted: boolean;
  /** The graph side, when the run synced to Neo4j. */
  graph?: GraphSession;
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
  const scheduleSec = i.interrupted || m.endedEarly ? m.load.elapsedMs / 1000 : sc.warmupSec + sc.durationSec;
  const issuedPerSec = scheduleSec > 0 ? m.load.issued / scheduleSec : 0;
  // Arrivals due in the measured window: started (each has a schedule lag) or dropped.
  const started = countOf(totals.scheduleLag);
  const due = started + totals.dropped;
  const client = evaluateClientHealth({ ...m.client, scheduleLagP99Ms: lag?.p99 });
  const serverReasons: string[] = [];
  if (totals.dropped > 0)
    serverReasons.push(`${totals.dropped} of ${due} arrivals dropped with load.maxInFlight busy`);
  if (totals.cancelled > 0)
    serverReasons.push(
      `${totals.cancelled} requests still running after the ${load.gracefulStopSec} s graceful stop were cancelled`,
    );
  const total = totalOperationStats(totals.operations.values(), sec);
  const littles =
    load.model === 'open'
      ? serverBoundDrops({
          ratePerSec: load.ratePerSec,
          meanLatencyMs: total.latencyMs.mean,
          maxInFlight: load.maxInFlight,
          dropped: totals.dropped,
        })
      : undefined;
  if (littles) serverReasons.push(littles);
  // The client's own health decides unless the server's latency alone explains the drops.
  if (client.bottleneck && !littles) client.limitedBy = 'client';
  else if (serverReasons.length > 0) client.limitedBy = 'server';
  if (serverReasons.length > 0) client.serverReasons = serverReasons;
  const ooda =
    m.ooda?.summary(
      m.poller.queueDepthMax(),
      'na' in probes.queueDepthMax ? probes.queueDepthMax.na : undefined,
    ) ?? null;
  const maintenance = m.maintenance?.summary(sc.gate.seed);

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
      ...(i.dataset.stored ? { stored: i.dataset.stored } : {}),
    },
    load: {
      model: load.model,
      durationSec: sc.durationSec,
      warmupSec: sc.warmupSec,
      measuredSec: sec,
      gracefulStopSec: load.gracefulStopSec,
      cancelled: totals.cancelled,
      ...(load.model === 'open'
        ? {
            ratePerSec: load.ratePerSec,
            achievedRatePerSec: issuedPerSec,
            dropped: totals.dropped,
            ...(due > 0 ? { dropRatio: totals.dropped / due } : {}),
            scheduleLagMs: lag,
            ...(lag ? { scheduleLagHistogram: encodeHistogram(totals.scheduleLag) } : {}),
          }
        : { concurrency: load.concurrency }),
    },
    operations,
    total,
    probes,
    ooda,
    ...(i.graph && m.graph ? { neo4j: neo4jSummary(sc, i.graph, m.graph) } : {}),
    timeseries: maintenance
      ? markWindows(m.recorder.timeseries(), maintenance.windows)
      : m.recorder.timeseries(),
    client,
    faults: {
      outages: m.outages,
      ...(m.endedEarly ? { endedEarly: m.endedEarly } : {}),
      warnings: [],
    },
    ...(maintenance ? { maintenance } : {}),
    ...(i.interrupted ? { interrupted: true } : {}),
    ...(i.shard ? { shard: i.shard } : {}),
  };
  const evaluation = evaluateTargets(measured, i.targets);
  return { ...measured, targets: evaluation.targets, verdict: runVerdict(measured, evaluation.verdict) };
}

/**
 * The run's verdict from its targets' and how it ran: a run that measured nothing has no data; an
 * interrupted run, or one that ended early because the server was lost, never passes.
 */
export function runVerdict(
  r: Pick<RunResult, 'total' | 'interrupted' | 'faults'>,
  targets: 'pass' | 'fail',
): RunVerdict {
  if (r.total.count === 0 && (r.interrupted || r.faults?.endedEarly)) return 'no data';
  if (targets === 'fail') return 'fail';
  if (r.interrupted) return 'interrupted';
  if (r.faults?.endedEarly) return 'fail';
  return targets;
}

/**
 * The signal came after the measurement ended (while the reports were being written): the numbers are
 * whole, but the run was still interrupted, so it is marked so and never passes (a cancelled CI job).
 */
export function markInterruptedAfterMeasuring(r: RunResult): void {
  if (r.interrupted) return;
  r.interrupted = true;
  r.verdict = runVerdict(r, r.verdict === 'fail' ? 'fail' : 'pass');
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
