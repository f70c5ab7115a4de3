import type { RunFingerprint, RunResult } from '../model/result.ts';
import type { FingerprintDifference } from './model.ts';

/**
 * Are two runs comparable? Their fingerprints are flattened to dotted fields (`dataset.seed`,
 * `engine.settings.cache_size`) and every field that differs is named. A run the client could not drive
 * faithfully, or one stopped early, is unfit to gate and is named too (`validity.clientBottleneck`,
 * `validity.interrupted`). Any of these can be waived by field or prefix (`client`, `engine.settings`).
 */

type Flat = Record<string, string>;

/** Nested objects to dotted keys; arrays and scalars become their JSON text. */
export function flatten(value: unknown, prefix = '', out: Flat = {}): Flat {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  if (value === undefined) return out;
  out[prefix] = typeof value === 'string' ? value : JSON.stringify(value);
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

function validity(r: RunResult): Flat {
  const out: Flat = {};
  const bottleneck = r.client.bottleneck || (r.trials ?? []).some((t) => t.clientBottleneck);
  out['validity.clientBottleneck'] = bottleneck
    ? `yes (${r.client.reasons.join('; ') || 'a trial was flagged'})`
    : 'no';
  out['validity.interrupted'] = r.interrupted ? 'yes' : 'no';
  return out;
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
  const b = { ...flatten(fingerprintOf(base)), ...validity(base) };
  const c = { ...flatten(fingerprintOf(cand)), ...validity(cand) };
  const fields = [...new Set([...Object.keys(b), ...Object.keys(c)])].sort();
  const out: Comparability = { blocking: [], ignored: [] };
  for (const field of fields) {
    const bv = b[field] ?? ABSENT;
    const cv = c[field] ?? ABSENT;
    // Results from before stored-data verification (or with --verify off) say nothing about it.
    if (field === 'dataset.stored' && (bv === ABSENT || cv === ABSENT)) continue;
    // Validity fields block when either run is unfit, not only when the two differ.
    const unfit = field.startsWith('validity.') && (bv !== 'no' || cv !== 'no');
    if (bv === cv && !unfit) continue;
    const diff = { field, baseline: bv, candidate: cv };
    (isIgnoredField(field, ignore) ? out.ignored : out.blocking).push(diff);
  }
  return out;
}

const shorten = (s: string, max = 60): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** One line per difference, for the refusal message. */
export function describeDifferences(diffs: readonly FingerprintDifference[]): string[] {
  return diffs.map((d) => `${d.field}: baseline ${shorten(d.baseline)}, candidate ${shorten(d.candidate)}`);
}
