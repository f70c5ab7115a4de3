import { errorCount } from '../../metrics/operation-stats.ts';
import { tally } from '../../targets/evaluate.ts';
import {
  fmtCount,
  fmtMeasured,
  fmtMs,
  fmtObserved,
  fmtRate,
  fmtRatio,
  fmtSec,
  fmtThreshold,
  verdictLabel,
} from '../format.ts';
import type { LatencySummary, OperationStats, RunResult } from '../../model/result.ts';

/**
 * The cells of the tables that both the markdown and the terminal reporter print, built once so the two
 * can never disagree about a number. Cells are plain strings; each reporter adds its own markup.
 */

export const OPERATION_HEADER = [
  'operation',
  'count',
  'errors',
  'ops/s',
  'min',
  'p50',
  'p90',
  'p95',
  'p99',
  'p99.9',
  'max',
  'mean',
];

/** One row per operation, then the lossless total. Latencies in ms; "n/a" when nothing succeeded. */
/** The right-aligned (numeric) columns of the operations table: all but the name. */
export const OPERATION_NUMERIC = OPERATION_HEADER.map((_, i) => i).slice(1);

export function operationRows(result: RunResult): string[][] {
  const row = (o: OperationStats, name: string): string[] => {
    const l = o.latencyMs;
    const ms = (v: number): string => (l.count === 0 ? 'n/a' : fmtMs(v));
    return [
      name,
      fmtCount(o.count),
      fmtCount(errorCount(o)),
      fmtRate(o.throughputPerSec),
      ms(l.min),
      ms(l.p50),
      ms(l.p90),
      ms(l.p95),
      ms(l.p99),
      ms(l.p999),
      ms(l.max),
      ms(l.mean),
    ];
  };
  return [...result.operations.map((o) => row(o, o.op)), row(result.total, 'all operations')];
}

export const TARGET_HEADER = ['result', 'metric', 'target', 'observed', 'threshold', 'note'];

export function targetRows(result: RunResult): string[][] {
  return result.targets.map((t) => [
    verdictLabel(t.verdict),
    t.metric,
    t.expression,
    fmtObserved(t),
    fmtThreshold(t),
    t.reason ?? '',
  ]);
}

/** "1 failed, 6 passed, 1 n/a" with the n/a count said apart, since n/a is not a pass. */
export function verdictCounts(result: RunResult): string {
  const c = tally(result.targets);
  return `${c.failed} failed, ${c.passed} passed, ${c.na} n/a`;
}

/** Error classes per operation, e.g. "spatial.knn: timeout 2", for the lines under the table. */
export function errorLines(result: RunResult): string[] {
  return result.operations
    .filter((o) => errorCount(o) > 0)
    .map(
      (o) =>
        `${o.op}: ${Object.entries(o.errors)
          .map(([k, n]) => `${k} ${fmtCount(n)}`)
          .join(', ')}`,
    );
}

/** Why the client's numbers cannot gate a release, or undefined when it kept up. */
export function clientWarning(result: RunResult): string | undefined {
  if (!result.client.bottleneck) return undefined;
  const why = result.client.reasons.length > 0 ? `: ${result.client.reasons.join('; ')}` : '';
  if (result.client.limitedBy === 'server')
    return `the client's self-check failed${why}, so do not gate a release on these numbers; the load itself was limited by the server (${(result.client.serverReasons ?? []).join('; ')}).`;
  return `the client itself was the bottleneck${why}. These numbers describe the load generator, not the server; do not gate a release on them.`;
}

export const PROBE_HEADER = ['probe', 'value'];

/** The probe table: seek ratio, cache hit, queue depth, server query stats, then the engine's gauges. */
export function probeRows(result: RunResult): string[][] {
  const p = result.probes;
  return [
    [
      'Spatial index seek ratio',
      fmtMeasured(p.seekRatio, (v) => `${fmtRatio(v)} (${fmtCount(p.seekSamples)} sampled plans)`),
    ],
    ['Cache hit ratio', fmtMeasured(p.cacheHitRatio, fmtRatio)],
    ['Queue depth max', fmtMeasured(p.queueDepthMax, fmtCount)],
    [
      'Server query stats',
      fmtMeasured(
        p.serverQueryStats,
        (s) =>
          `avg ${fmtMs(s.avgDurationMs)} ms over ${fmtCount(s.executions)} executions` +
          (s.avgLogicalReads !== undefined
            ? `, ${fmtCount(Math.round(s.avgLogicalReads))} logical reads`
            : ''),
      ),
    ],
    ...Object.entries(p.gauges).map(([k, v]) => [k, Number.isInteger(v) ? fmtCount(v) : fmtMs(v)]),
  ];
}

export const PHASE_HEADER = ['phase', 'count', 'mean (ms)', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'max (ms)'];

/** One row per OODA phase: executions and duration percentiles ("n/a" when a phase never ran). */
export function phaseRows(result: RunResult): string[][] {
  const ms = (s: LatencySummary, v: number): string => (s.count === 0 ? 'n/a' : fmtMs(v));
  return Object.entries(result.ooda?.phaseDurationMs ?? {}).map(([ph, s]) => [
    ph,
    fmtCount(s.count),
    ms(s, s.mean),
    ms(s, s.p50),
    ms(s, s.p95),
    ms(s, s.p99),
    ms(s, s.max),
  ]);
}

/** "20 s measured", or "7.3 s of 20 s measured" when the run stopped early (interrupt, server lost). */
export function measuredText(r: RunResult): string {
  const planned = r.load.durationSec;
  const ran = r.load.measuredSec;
  if (ran === undefined || (!r.interrupted && !r.faults?.endedEarly)) return `${fmtSec(planned)} measured`;
  return `${fmtSec(ran)} of ${fmtSec(planned)} measured`;
}

/**
 * The run's wall time: seeding and the index build (when this run did them), then warm-up, the measured
 * window and the drain, from the result's own clock readings.
 */
export function wallTimeText(r: RunResult): string {
  const runSec = Math.max(0, (Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000);
  const before: string[] = [];
  if (r.dataset.seedDurationMs !== undefined) before.push(`seed ${fmtSec(r.dataset.seedDurationMs / 1000)}`);
  if (r.dataset.indexBuildMs !== undefined)
    before.push(`index build ${fmtSec(r.dataset.indexBuildMs / 1000)}`);
  const beforeSec = ((r.dataset.seedDurationMs ?? 0) + (r.dataset.indexBuildMs ?? 0)) / 1000;
  const parts = [
    ...before,
    `run ${fmtSec(runSec)} (${fmtSec(r.load.warmupSec)} warm-up + ${measuredText(r)})`,
  ];
  return `${fmtSec(beforeSec + runSec)}: ${parts.join(', ')}`;
}

/** Requested vs achieved rate, dropped and cancelled requests: what the terminal, md, junit and html say. */
export function loadLines(r: RunResult): string[] {
  const l = r.load;
  const out: string[] = [];
  if (l.ratePerSec !== undefined)
    out.push(
      `rate ${fmtRate(l.ratePerSec)}/s requested` +
        (l.achievedRatePerSec !== undefined ? `, ${fmtRate(l.achievedRatePerSec)}/s achieved` : ''),
    );
  if (l.dropped !== undefined)
    out.push(
      `dropped arrivals (max in flight busy): ${fmtCount(l.dropped)}` +
        (l.dropRatio !== undefined ? ` (${(100 * l.dropRatio).toFixed(1)}% of arrivals)` : ''),
    );
  if (l.cancelled !== undefined)
    out.push(`cancelled after the ${fmtSec(l.gracefulStopSec ?? 0)} graceful stop: ${fmtCount(l.cancelled)}`);
  if (r.client.limitedBy === 'server' && r.client.serverReasons?.length)
    out.push(`server-limited: ${r.client.serverReasons.join('; ')}`);
  return out;
}

/** Outage windows, an early end and what could not be done afterwards. */
export function faultLines(r: RunResult): string[] {
  const f = r.faults;
  if (!f) return [];
  const out = f.outages.map(
    (w) =>
      `server unreachable ${w.startSec.toFixed(1)}-${(w.endSec ?? w.startSec).toFixed(1)} s: ` +
      Object.entries(w.errors)
        .map(([k, n]) => `${k} ${fmtCount(n)}`)
        .join(', '),
  );
  if (f.endedEarly) out.push(`ended early: ${f.endedEarly}`);
  for (const w of f.warnings) out.push(`warning: ${w}`);
  return out;
}

export const INTERFERENCE_HEADER = [
  'operation',
  'inside (n)',
  'p95 inside (ms)',
  'outside (n)',
  'p95 outside (ms)',
  'p95 ratio [95% interval]',
  'difference (ms)',
];

/** Scenario `maintenance:`: per operation, latency inside vs outside the maintenance windows. */
export function interferenceRows(result: RunResult): string[][] {
  return (result.maintenance?.interference ?? []).map((x) => [
    x.op,
    fmtCount(x.inside.count),
    x.inside.count ? fmtMs(x.inside.p95Ms) : 'n/a',
    fmtCount(x.outside.count),
    x.outside.count ? fmtMs(x.outside.p95Ms) : 'n/a',
    fmtMeasured(x.p95Ratio, (v) => `${v.ratio.toFixed(2)} [${v.lo.toFixed(2)}, ${v.hi.toFixed(2)}]`),
    x.p95DifferenceMs !== undefined ? fmtMs(x.p95DifferenceMs) : 'n/a',
  ]);
}

/** One line per maintenance window: kind, start and end (s since start), and an error if it failed. */
export function maintenanceWindowLines(result: RunResult): string[] {
  return (result.maintenance?.windows ?? []).map(
    (w) =>
      `${w.kind} ${w.startSec.toFixed(2)}-${w.endSec.toFixed(2)} s` +
      (w.error ? ` (failed: ${w.error})` : ` (${w.statements.join(' ')})`),
  );
}
