import type { CapacityDocument } from '../../model/capacity.ts';
import { atomsText, msText, rateText } from './format.ts';

/** The capacity report's tables as rows of text, built once for capacity.md and capacity.html. */

export interface Rows {
  header: string[];
  rows: string[][];
  /** Columns holding numbers. */
  numeric: number[];
}

export function stepRows(d: CapacityDocument): Rows {
  const steps = d.search?.steps ?? [];
  return {
    header: [
      'step',
      'phase',
      'trial',
      'offered',
      'achieved',
      'dropped',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'verdict',
      'failed checks',
      'result',
    ],
    numeric: [0, 2, 3, 4, 5, 6, 7, 8],
    rows: steps.map((s) => [
      String(s.index),
      s.phase,
      String(s.trial),
      rateText(s.offeredRatePerSec),
      rateText(s.achievedRatePerSec),
      `${s.dropped} (${(s.dropRatio * 100).toFixed(1)} %)`,
      msText(s.totalLatencyMs.p50),
      msText(s.totalLatencyMs.p95),
      msText(s.totalLatencyMs.p99),
      s.verdict + (s.clientFlagged && s.verdict !== 'client-bound' ? ' (client flagged)' : ''),
      s.checks
        .filter((c) => c.verdict === 'fail')
        .map(
          (c) =>
            `${c.name}: ${c.observed === null ? 'n/a' : c.unit === 'ms' ? `${msText(c.observed)} ms` : c.observed.toFixed(3)} (${c.expression})`,
        )
        .join('; ') || '-',
      s.resultFile,
    ]),
  };
}

export function kneeFacts(d: CapacityDocument): [string, string][] {
  const s = d.search;
  if (!s) return [];
  const out: [string, string][] = [
    ['answer', s.summary],
    ['outcome', s.outcome],
  ];
  const k = s.knee;
  if (k) {
    out.push(
      ['max sustainable rate', rateText(k.ratePerSec)],
      ['interval', `${rateText(k.interval[0])} - ${rateText(k.interval[1])} (${k.intervalMethod})`],
      ['bracket (last good, first bad)', `${rateText(k.bracket[0])}, ${rateText(k.bracket[1])}`],
      ['per-trial estimates', k.trialEstimates.map(rateText).join(', ')],
    );
    if (k.firstToBreak)
      out.push([
        'first to break',
        `${k.firstToBreak.check} (${k.firstToBreak.expression}) at ${rateText(k.firstToBreak.atRatePerSec)}: observed ${k.firstToBreak.observed === null ? 'n/a' : k.firstToBreak.unit === 'ms' ? `${msText(k.firstToBreak.observed)} ms` : k.firstToBreak.observed.toFixed(3)}`,
      ]);
  }
  if (s.lowerBound) out.push(['lower bound', `${rateText(s.lowerBound.ratePerSec)}: ${s.lowerBound.reason}`]);
  out.push(['stopped by', s.stoppedBy]);
  const flagged = s.steps.filter((st) => st.clientFlagged).length;
  if (flagged)
    out.push([
      'client self-check',
      `flagged ${flagged} of ${s.steps.length} steps (the client could not keep the schedule there; see each step's result.json)`,
    ]);
  return out;
}

export function sweepRows(d: CapacityDocument): Rows {
  const pts = d.sweep?.points ?? [];
  const ops = [...new Set(pts.flatMap((p) => Object.keys(p.latencyMs)))];
  return {
    header: [
      'atoms',
      'grown from',
      ...ops.flatMap((op) => [`${op} p50 ms`, `${op} p95 ms`, `${op} p99 ms`]),
      'throughput',
      'index size',
      'seek ratio',
      'primary filter',
      'stored digest',
      'fresh seed digest',
    ],
    numeric: [
      0,
      1,
      ...ops.flatMap((_, i) => [2 + 3 * i, 3 + 3 * i, 4 + 3 * i]),
      2 + 3 * ops.length,
      3 + 3 * ops.length,
      4 + 3 * ops.length,
    ],
    rows: pts.map((p) => [
      atomsText(p.atoms),
      p.grownFrom > 0 ? atomsText(p.grownFrom) : 'fresh',
      ...ops.flatMap((op) => {
        const l = p.latencyMs[op];
        return [msText(l?.p50), msText(l?.p95), msText(l?.p99)];
      }),
      `${p.throughputPerSec.toFixed(1)}/s at ${rateText(p.offeredRatePerSec)}`,
      p.indexBytes === null ? 'n/a' : `${(p.indexBytes / 1024 / 1024).toFixed(1)} MiB`,
      p.seekRatio === null ? 'n/a' : `${(p.seekRatio * 100).toFixed(0)} %`,
      Object.entries(p.primaryFilterEfficiency)
        .map(([op, e]) => `${op} ${(e * 100).toFixed(0)} %`)
        .join(', ') || 'n/a',
      p.storedDigest?.slice(0, 16) ?? 'n/a',
      p.freshDigest === undefined ? '-' : (p.freshDigest?.slice(0, 16) ?? 'n/a'),
    ]),
  };
}

export function fitRows(d: CapacityDocument): Rows {
  const fits = d.sweep?.fits ?? [];
  return {
    header: [
      'operation',
      'statistic',
      'slope (latency ~ atoms^slope)',
      'R²',
      'slope std. error',
      'sizes',
      'predicted (extrapolated, not measured)',
    ],
    numeric: [2, 3, 4, 5],
    rows: fits.map((f) => [
      f.op,
      f.stat,
      f.slope.toFixed(3),
      f.r2 === null ? 'n/a' : f.r2.toFixed(3) + (f.points === 2 ? ' (2 sizes: exact, not evidence)' : ''),
      f.slopeStdErr === null ? 'n/a (needs 3 sizes)' : f.slopeStdErr.toFixed(3),
      String(f.points),
      f.predictions
        .map((p) => `${atomsText(p.atoms)}: ${msText(p.latencyMs)} ms (extrapolated)`)
        .join('; ') || '-',
    ]),
  };
}

export function oodaRows(d: CapacityDocument): Rows {
  const pts = d.ooda?.points ?? [];
  return {
    header: [
      'triggers/s',
      'max queue depth',
      'mean queue depth',
      'phase avg ms',
      'phase p95 ms',
      'loops completed',
      'result',
    ],
    numeric: [0, 1, 2, 3, 4, 5],
    rows: pts.map((p) => [
      String(p.triggersPerSec),
      p.maxQueueDepth === null ? 'n/a' : String(p.maxQueueDepth),
      p.avgQueueDepth === null ? 'n/a' : p.avgQueueDepth.toFixed(1),
      msText(p.phaseDurationAvgMs),
      msText(p.phaseDurationP95Ms),
      String(p.loopsCompleted),
      p.resultFile,
    ]),
  };
}
