import { UserError } from '../errors.ts';
import type { RunResult } from '../model/result.ts';
import { resolveGate, type GateOverrides } from '../scenario/gate.ts';
import { compareResults } from './compare.ts';
import { checkComparable, describeDifferences } from './fingerprint.ts';
import type { CompareResult } from './model.ts';
import { checkValidity } from './validity.ts';

/**
 * Judge `candidate` against `baseline` (`compare`, and `run --baseline` after its run). Bad gate settings
 * and fingerprint differences not waived are one UserError (exit 2) listing every problem; so is a run
 * flagged client-limited or interrupted against one that was not (validity.ts). Flags both runs share
 * (a result compared with itself) are compared, with a warning.
 */
export function gateResults(
  baseline: RunResult,
  candidate: RunResult,
  labels: { baseline: string; candidate: string },
  overrides: GateOverrides,
): CompareResult {
  const { settings, problems } = resolveGate(candidate.scenario.gate, overrides);
  if (problems.length)
    throw new UserError(`${problems.length} problem(s) with the gate settings:\n  ${problems.join('\n  ')}`);
  const c = checkComparable(baseline, candidate, settings.ignoreFingerprint);
  const v = checkValidity(baseline, candidate, settings.ignoreFingerprint);
  if (c.blocking.length > 0 || v.blocking.length > 0) {
    const lines: string[] = [];
    if (c.blocking.length > 0)
      lines.push(
        `${c.blocking.length} fingerprint field(s) differ:\n  ${describeDifferences(c.blocking).join('\n  ')}\n` +
          `(to compare anyway: --ignore ${c.blocking.map((d) => d.field).join(',')})`,
      );
    lines.push(...v.blocking);
    throw new UserError(`cannot compare ${labels.candidate} with ${labels.baseline}: ${lines.join('\n')}`);
  }
  return compareResults({
    baseline,
    candidate,
    settings,
    labels,
    ignoredDifferences: c.ignored,
    warnings: v.warnings,
  });
}
