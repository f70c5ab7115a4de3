import { describe, expect, it } from 'vitest';
import {
  baselineRefusal,
  checkValidity,
  validityIssues,
  waivedBaselineNote,
} from '../../../src/compare/validity.ts';
import type { RunResult } from '../../../src/model/result.ts';
import { makeResult } from '../../fixtures/result.ts';
import { synthRun } from './synthetic.ts';

const LAG = 'event-loop delay p99 31.0 ms > 20 ms';

function limited(): RunResult {
  const r = makeResult();
  r.client.bottleneck = true;
  r.client.reasons = [LAG];
  return r;
}

function cut(): RunResult {
  const r = makeResult();
  r.interrupted = true;
  return r;
}

describe('validityIssues', () => {
  it('a clean run has none; the self-check, a flagged trial and an interrupt are each named', () => {
    expect(validityIssues(makeResult())).toEqual({});
    expect(validityIssues(limited())).toEqual({ 'validity.clientBottleneck': `client-limited (${LAG})` });
    expect(validityIssues(cut())).toEqual({ 'validity.interrupted': 'interrupted' });
    const trials = synthRun({ trials: 3, seed: 1 });
    trials.trials![1]!.clientBottleneck = true;
    expect(validityIssues(trials)['validity.clientBottleneck']).toBe(
      'client-limited (trial(s) 2 flagged by the self-check)',
    );
  });
});

describe('baselineRefusal', () => {
  it('a clean run may be saved', () => {
    expect(baselineRefusal(makeResult(), [])).toBeUndefined();
  });

  it('a client-limited run is refused with the reason and how to get a clean one, unless waived by name', () => {
    expect(baselineRefusal(limited(), [])).toBe(
      `not saved as a baseline: the run was client-limited (${LAG}); for a clean baseline lower the load ` +
        '(load.ratePerSec, load.concurrency) or run on a larger client until the self-check passes, then run again with --save-baseline',
    );
    expect(baselineRefusal(limited(), ['client'])).toMatch(/client-limited/);
    expect(baselineRefusal(limited(), ['validity.clientBottleneck'])).toBeUndefined();
    expect(waivedBaselineNote(limited(), ['validity'])).toBe(
      `kept although client-limited (${LAG}): validity.clientBottleneck is waived`,
    );
    expect(waivedBaselineNote(makeResult(), ['validity'])).toBeUndefined();
  });

  it('an interrupted run is never saved, whatever is waived', () => {
    const both = limited();
    both.interrupted = true;
    expect(baselineRefusal(cut(), ['validity'])).toBe(
      'not saved as a baseline: the run was interrupted; for a clean baseline let the run finish, then run again with --save-baseline',
    );
    expect(baselineRefusal(both, [])).toMatch(
      /^not saved as a baseline: the run was client-limited \(.*\) and interrupted; /,
    );
  });
});

describe('checkValidity', () => {
  it('clean against clean: nothing to say', () => {
    expect(checkValidity(makeResult(), makeResult(), [])).toEqual({ blocking: [], warnings: [] });
  });

  it('flags both runs share are compared with a warning (a result and itself)', () => {
    const v = checkValidity(limited(), limited(), []);
    expect(v.blocking).toEqual([]);
    expect(v.warnings).toEqual([
      `both runs were client-limited (baseline client-limited (${LAG}); candidate client-limited (${LAG})): ` +
        'the figures describe the client as much as the engine',
    ]);
    expect(checkValidity(cut(), cut(), []).warnings[0]).toMatch(/^both runs were interrupted/);
  });

  it('a flag on one side only is refused, saying which side, never "differ"; waived it is a warning', () => {
    const v = checkValidity(makeResult(), limited(), []);
    expect(v.blocking).toEqual([
      `the candidate was client-limited (${LAG}), the baseline was not: lower the load (load.ratePerSec, ` +
        'load.concurrency) or run on a larger client until the self-check passes (to compare anyway: --ignore validity.clientBottleneck)',
    ]);
    expect(checkValidity(cut(), makeResult(), []).blocking[0]).toMatch(
      /^the baseline was interrupted, the candidate was not: let the run finish/,
    );
    const w = checkValidity(makeResult(), limited(), ['validity.clientBottleneck']);
    expect(w.blocking).toEqual([]);
    expect(w.warnings[0]).toMatch(/\(validity\.clientBottleneck ignored on request\)$/);
  });
});
