import type { RunFingerprint, RunResult } from '../model/result.ts';
import type { FingerprintDifference } from './model.ts';

/**
 * Are two runs comparable? Their fingerprints are flattened to dotted fields (`dataset.seed`,
 * `engine.settings.cache_size`) and every field whose values differ is named; values are normalised first
 * (`"-16384"` and `-16384` are the same value), so "differ" is never said of equal values. Any field can
 * be waived by name or prefix (`client`, `engine.settings`). How a run went (client-limited, interrupted)
 * is not a fingerprint field: see validity.ts.
 */

type Flat = Record<string, string>;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** One spelling per value: trimmed strings, numbers (and numeric strings) in JavaScript's shortest form. */
export function normalise(value: unknown): unknown {
  if (typeof value === 'string') {
    const t = value.trim();
    return NUMBER.test(t) && Number.isFinite(Number(t)) ? Number(t) : t;
  }
  if (typeof value === 'number' && Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(normalise);
  return value;
}

/** Nested objects to dotted keys; arrays and scalars become the text of their normalised value. */
export function flatten(value: unknown, prefix = '', out: Flat = {}): Flat {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  if (value === undefined) return out;
  const v = normalise(value);
  out[prefix] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/**
 * A fingerprint for results written before fingerprints existed: what the result itself says. Fields it
 * cannot know (the client machine) are left out, and a field present on one side only counts as a
 * difference.
 */
export function fingerprintOf(r: RunResult): Partial<RunFingerprint> {
  if (r.fingerprint) return r.fingerprint;
  return {
    engine: {
      name: r.engine.engine,
      serverVersion: r.engine.serverVersion,
      settings: r.engine.settings,
      indexDdl: r.engine.indexDdl,
    },
    dataset: {
      atoms: r.dataset.atoms,
      seed: r.dataset.seed,
      checksum: r.dataset.checksum,
      distribution: r.dataset.distribution,
    },
    atombench: { version: r.atombenchVersion },
  };
}

const ABSENT = '(absent)';

/** Whether `field` is waived by one of the patterns (the field itself or a dotted prefix of it). */
export function isIgnoredField(field: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => p === field || field.startsWith(`${p}.`));
}

export interface Comparability {
  blocking: FingerprintDifference[];
  ignored: FingerprintDifference[];
}

export function checkComparable(base: RunResult, cand: RunResult, ignore: readonly string[]): Comparability {
  const b = flatten(fingerprintOf(base));
  const c = flatten(fingerprintOf(cand));
  const fields = [...new Set([...Object.keys(b), ...Object.keys(c)])].sort();
  const out: Comparability = { blocking: [], ignored: [] };
  for (const field of fields) {
    const bv = b[field] ?? ABSENT;
    const cv = c[field] ?? ABSENT;
    // Results from before stored-data verification (or with --verify off) say nothing about it.
    if (field === 'dataset.stored' && (bv === ABSENT || cv === ABSENT)) continue;
    if (bv === cv) continue;
    const diff = { field, baseline: bv, candidate: cv };
    (isIgnoredField(field, ignore) ? out.ignored : out.blocking).push(diff);
  }
  return out;
}

const MAX = 60;

/**
 * The two values cut to MAX characters around where they first differ, so two long values never read the
 * same in the message (`…c4a1`, `…c4b7`).
 */
export function shortPair(a: string, b: string): [string, string] {
  if (a.length <= MAX && b.length <= MAX) return [a, b];
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  // Cut from the start unless the difference would fall outside the cut.
  const from = i < MAX - 1 ? 0 : i - 10;
  const cut = (s: string) => {
    const head = from > 0 ? '…' : '';
    const body = s.slice(from, from + MAX - head.length - 1);
    return `${head}${body}${from + body.length < s.length ? '…' : ''}`;
  };
  return [cut(a), cut(b)];
}

/** One line per difference, for the refusal message. */
export function describeDifferences(diffs: readonly FingerprintDifference[]): string[] {
  return diffs.map((d) => {
    const [b, c] = shortPair(d.baseline, d.candidate);
    return `${d.field}: baseline ${b}, candidate ${c}`;
  });
}
