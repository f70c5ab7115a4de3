import { errorCount } from '../../metrics/operation-stats.ts';
import { tally } from '../../targets/evaluate.ts';
import {
  fmtCount,
  fmtMeasured,
  fmtMs,
  fmtObserved,
  fmtRate,
  fmtRatio,
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
  'p50',
  'p95',
  'p99',
  'p99.9',
  'max',
  'mean',
];

/** One row per operation, then the lossless total. Latencies in ms; "n/a" when nothing succeeded. */
export function operationRows(result: RunResult): string[][] {
  const row = (o: OperationStats, name: string): string[] => {
    const l = o.latencyMs;
    const ms = (v: number): string => (l.count === 0 ? 'n/a' : fmtMs(v));
    return [
      name,
      fmtCount(o.count),
      fmtCount(errorCount(o)),
      fmtRate(o.throughputPerSec),
      ms(l.p50),
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
    ...Object.entries(p.gauges).map(([k, v]) => [k, fmtCount(v)]),
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
