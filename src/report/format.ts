import type { Measured, RunVerdict, TargetResult } from '../model/result.ts';

/**
 * Number formatting shared by the human-readable reporters (markdown, terminal, junit messages), so a
 * value reads the same everywhere. Machine formats (json, csv) keep raw numbers.
 */

/** Milliseconds with precision that tracks magnitude: 0.412, 12.35, 481.2, 5210. */
export function fmtMs(ms: number): string {
  if (ms === 0) return '0';
  const abs = Math.abs(ms);
  if (abs < 1) return ms.toFixed(3);
  if (abs < 100) return ms.toFixed(2);
  if (abs < 1000) return ms.toFixed(1);
  return ms.toFixed(0);
}

/** A 0..1 ratio as a percentage with one decimal: 0.975 -> "97.5%". */
export function fmtRatio(r: number): string {
  return `${(r * 100).toFixed(1)}%`;
}

/** Integers with thousands separators; fractional counts (averages) with two decimals. */
export function fmtCount(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(2);
}

export function fmtRate(perSec: number): string {
  return perSec >= 100 ? perSec.toFixed(0) : perSec.toFixed(1);
}

/** A value in a TargetResult unit ("ms", "ratio", "ops/s", "count"). */
export function fmtInUnit(value: number, unit: string): string {
  switch (unit) {
    case 'ms':
      return `${fmtMs(value)} ms`;
    case 'ratio':
      return fmtRatio(value);
    case 'ops/s':
      return `${fmtRate(value)} ops/s`;
    default:
      return fmtCount(value);
  }
}

export function fmtObserved(t: TargetResult): string {
  return t.observed === null ? 'n/a' : fmtInUnit(t.observed, t.unit);
}

/** The threshold with its comparison, taken from the normalised expression ("avg < 50ms" -> "< 50 ms"). */
export function fmtThreshold(t: TargetResult): string {
  const cmp = /(<=|>=|<|>)/.exec(t.expression)?.[1] ?? '';
  return `${cmp} ${fmtInUnit(t.threshold, t.unit)}`.trim();
}

export function verdictLabel(v: TargetResult['verdict'] | RunVerdict): string {
  return v === 'n/a' ? 'N/A' : v.toUpperCase();
}

/** A Measured value formatted, or "n/a (reason)". */
export function fmtMeasured<T>(m: Measured<T>, fmt: (v: T) => string): string {
  return 'value' in m ? fmt(m.value) : `n/a (${m.na})`;
}

/** Seconds as "30 s", "2 min 5 s". */
export function fmtSec(sec: number): string {
  if (sec < 60) return `${Number.isInteger(sec) ? sec : sec.toFixed(1)} s`;
  const m = Math.floor(sec / 60);
  const s = Math.round(sec - m * 60);
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}
