import { fmtCount, fmtMs, fmtRate, fmtRatio } from '../format.ts';
import type { CompareResult, MetricComparison } from '../../compare/model.ts';

/** Text for compare's human-readable reports (Markdown, JUnit messages), so a change reads the same in both. */

export function fmtValue(c: MetricComparison, v: number | null): string {
  if (v === null) return 'n/a';
  switch (c.unit) {
    case 'ms':
      return `${fmtMs(v)} ms`;
    case 'ops/s':
      return `${fmtRate(v)}/s`;
    case 'ratio':
      return fmtRatio(v);
    default:
      return fmtCount(v);
  }
}

const sign = (v: number): string => (v > 0 ? '+' : v < 0 ? '−' : '±');

/** A change on the metric's scale: +12.3 %, −1.50 pp, +3. */
export function fmtChange(c: Pick<MetricComparison, 'scale' | 'unit'>, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  if (c.scale === 'relative') return `${sign(v)}${(a * 100).toFixed(a < 0.1 ? 2 : 1)}%`;
  if (c.unit === 'ratio') return `${sign(v)}${(a * 100).toFixed(2)} pp`;
  return `${sign(v)}${Number.isInteger(a) ? a : a.toFixed(2)}`;
}

export function fmtInterval(c: MetricComparison, nominal: number): string {
  if (!c.interval) return '—';
  const text = `${fmtChange(c, c.interval[0])} … ${fmtChange(c, c.interval[1])}`;
  // Exact rank intervals attain only a few levels: say so when it is not the nominal one.
  if (c.confidence !== null && Math.abs(c.confidence - nominal) > 0.0005)
    return `${text} (${(c.confidence * 100).toFixed(1)}%)`;
  return text;
}

export function fmtP(p: number | null): string {
  if (p === null) return '—';
  if (p < 0.001) return '<0.001';
  return p.toFixed(3);
}

export function fmtMethod(c: MetricComparison): string {
  switch (c.method) {
    case 'mann-whitney':
      return `Mann-Whitney U, ${c.trials.baseline} vs ${c.trials.candidate} trials`;
    case 'bootstrap-hdr':
      return 'bootstrap (HDR histogram)';
    case 'poisson':
      return 'Poisson rate ratio';
    case 'newcombe':
      return 'Newcombe interval';
    case 'threshold':
      return 'min effect only';
    default:
      return '—';
  }
}

export function metricName(c: Pick<MetricComparison, 'op' | 'metric'>): string {
  return `${c.op} ${c.metric}`;
}

/** "2 regressed, 1 improved, 20 no change, 4 n/a". */
export function countsLine(r: CompareResult): string {
  const c = r.counts;
  return `${c.regressed} regressed, ${c.improved} improved, ${c.unchanged} no change, ${c.na} n/a`;
}

export function verdictTitle(r: CompareResult): string {
  return r.verdict === 'fail' ? 'REGRESSED' : 'PASS';
}

/** The one line `compare` and `run --baseline` end with. */
export function verdictLine(r: CompareResult): string {
  const c = r.counts;
  return `compare: ${r.verdict === 'fail' ? 'REGRESSED' : 'PASS'} — ${c.regressed} regressed, ${c.improved} improved, ${c.unchanged} no change, ${c.na} n/a\n`;
}

/** The columns of a metric comparison, in every rendering of compare (html and md add 'method'). */
export const METRIC_HEADER = [
  'operation',
  'metric',
  'baseline',
  'candidate',
  'change',
  'interval',
  'p',
  'min effect',
  'verdict',
];
