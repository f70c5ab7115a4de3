import type { RunResult } from '../model/result.ts';
import { isIgnoredField } from './fingerprint.ts';

/**
 * Is a run fit to gate? Validity is not a fingerprint field: it says how a run went, not what was
 * measured. A run the client could not drive faithfully (the self-check flagged it) or one stopped early
 * is never kept as a baseline; two results whose flags say the same (a result and itself, two
 * client-limited runs) are compared with a warning; a flagged run against a clean one is refused unless
 * waived by name (`--ignore validity.clientBottleneck`, `validity.interrupted`, or `validity`).
 */

export type ValidityFlag = 'validity.clientBottleneck' | 'validity.interrupted';

/** Why a run is unfit, per flag (absent: that flag is clear). */
export function validityIssues(r: RunResult): Partial<Record<ValidityFlag, string>> {
  const out: Partial<Record<ValidityFlag, string>> = {};
  const trials = (r.trials ?? []).filter((t) => t.clientBottleneck).map((t) => t.trial);
  if (r.client.bottleneck || trials.length > 0) {
    const why = r.client.reasons.join('; ') || `trial(s) ${trials.join(', ')} flagged by the self-check`;
    out['validity.clientBottleneck'] = `client-limited (${why})`;
  }
  if (r.interrupted || (r.trials ?? []).some((t) => t.interrupted))
    out['validity.interrupted'] = 'interrupted';
  return out;
}

const HOW: Record<ValidityFlag, string> = {
  'validity.clientBottleneck':
    'lower the load (load.ratePerSec, load.concurrency) or run on a larger client until the self-check passes',
  'validity.interrupted': 'let the run finish',
};

/**
 * Why `r` may not be saved as a baseline, or undefined when it may. A client-limited run is kept only
 * when the user waived that flag by name (the scenario's gate.ignoreFingerprint or --ignore); an
 * interrupted run never is (its figures cover part of the planned window).
 */
export function baselineRefusal(r: RunResult, waived: readonly string[]): string | undefined {
  const issues = validityIssues(r);
  const flags = (Object.keys(issues) as ValidityFlag[]).filter(
    (f) => f === 'validity.interrupted' || !isIgnoredField(f, waived),
  );
  if (flags.length === 0) return undefined;
  return (
    `not saved as a baseline: the run was ${flags.map((f) => issues[f]).join(' and ')}; ` +
    `for a clean baseline ${flags.map((f) => HOW[f]).join(' and ')}, then run again with --save-baseline`
  );
}

/** What to say beside a saved baseline whose client-limited flag was waived (undefined: nothing). */
export function waivedBaselineNote(r: RunResult, waived: readonly string[]): string | undefined {
  const why = validityIssues(r)['validity.clientBottleneck'];
  return why && isIgnoredField('validity.clientBottleneck', waived)
    ? `kept although ${why}: validity.clientBottleneck is waived`
    : undefined;
}

export interface ValidityCheck {
  /** One line per flag set on one side only (not waived): the comparison is refused. */
  blocking: string[];
  /** Flags both runs share, or waived ones: compared, with these lines in the warnings. */
  warnings: string[];
}

export function checkValidity(base: RunResult, cand: RunResult, ignore: readonly string[]): ValidityCheck {
  const b = validityIssues(base);
  const c = validityIssues(cand);
  const out: ValidityCheck = { blocking: [], warnings: [] };
  for (const flag of ['validity.clientBottleneck', 'validity.interrupted'] as const) {
    const bv = b[flag];
    const cv = c[flag];
    if (!bv && !cv) continue;
    if (bv && cv) {
      out.warnings.push(
        `both runs were ${flag === 'validity.interrupted' ? 'interrupted' : 'client-limited'} ` +
          `(baseline ${bv}; candidate ${cv}): the figures describe the client as much as the engine`,
      );
      continue;
    }
    const line = bv
      ? `the baseline was ${bv}, the candidate was not`
      : `the candidate was ${cv}, the baseline was not`;
    if (isIgnoredField(flag, ignore)) out.warnings.push(`${line} (${flag} ignored on request)`);
    else out.blocking.push(`${line}: ${HOW[flag]} (to compare anyway: --ignore ${flag})`);
  }
  return out;
}
