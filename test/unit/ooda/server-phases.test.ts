import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/dataset/prng.ts';
import { drawParam } from '../../../src/dataset/queries.ts';
import type { ServerPhaseRow } from '../../../src/engines/types.ts';
import { activationProblem } from '../../../src/ooda/activation.ts';
import { foldServerRows, serverLoopPlan } from '../../../src/ooda/server-phases.ts';
import { oodaSchema } from '../../../src/scenario/ooda-schema.ts';
import { scenarioSchema } from '../../../src/scenario/schema.ts';

describe('ooda.activation', () => {
  it('defaults to client; server is accepted; anything else is an error at ooda.activation', () => {
    expect(oodaSchema.parse({}).activation).toBe('client');
    expect(oodaSchema.parse({ activation: 'server' }).activation).toBe('server');
    const r = scenarioSchema.safeParse({
      workload: { mix: [{ op: 'spatial.knn' }] },
      ooda: { activation: 'serve' },
    });
    expect(r.success).toBe(false);
    const issues = r.success ? [] : r.error.issues.filter((i) => i.path.join('.') === 'ooda.activation');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toContain('"client"|"server"');
  });

  it.each([
    ['mssql', 'server', false, true, undefined],
    ['mssql', 'client', false, true, undefined],
    ['sqlite', 'client', false, true, undefined],
    ['sqlite', 'server', false, false, undefined],
    ['sqlite', 'server', false, true, 'the sqlite engine has none'],
    ['postgis', 'server', false, true, 'the postgis engine has none'],
    ['mssql', 'server', true, true, 'not in attach mode'],
  ] as const)(
    '%s, activation %s, attach %s, ooda enabled %s -> %s',
    (engine, activation, attach, enabled, problem) => {
      const got = activationProblem(engine, {
        attach,
        ooda: { ...oodaSchema.parse({ activation }), enabled },
      });
      if (problem === undefined) expect(got).toBeUndefined();
      else {
        expect(got).toContain(problem);
        expect(got!.startsWith('ooda.activation: server')).toBe(true);
        expect(got).not.toContain('\n');
      }
    },
  );
});

describe('server activation: the loop plan and the server rows', () => {
  it('draws each server phase from phaseWorkMs (whole ms, >= 0) in a fixed order, the same for the same seed', () => {
    const dist = { mean: 20, sd: 5, min: 0 };
    const plan = (seed: number) => {
      const rand = createRandom(seed);
      return serverLoopPlan(() => drawParam(dist, rand), rand, 0.3);
    };
    expect(plan(7)).toEqual(plan(7));
    const p = plan(7);
    expect(Object.keys(p.work)).toEqual(['Hypothesize', 'Act', 'Learn']);
    for (const ms of Object.values(p.work)) {
      expect(Number.isInteger(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(0);
    }
    expect(
      serverLoopPlan(
        () => -4.2,
        () => 0.5,
        0,
      ).work,
    ).toEqual({ Hypothesize: 0, Act: 0, Learn: 0 });
  });

  it('failAt: never at rate 0, always the first server phase at rate 1, else the first draw below the rate', () => {
    expect(
      serverLoopPlan(
        () => 5,
        () => 0.999,
        0,
      ).failAt,
    ).toBeUndefined();
    expect(
      serverLoopPlan(
        () => 5,
        () => 0,
        1,
      ).failAt,
    ).toBe('Hypothesize');
    const draws = [0.9, 0.1, 0.05];
    expect(
      serverLoopPlan(
        () => 5,
        () => draws.shift()!,
        0.2,
      ).failAt,
    ).toBe('Act');
  });

  it('folds rows: warm-up rows out, failures end loops, a successful Learn completes one', () => {
    const row = (
      phase: ServerPhaseRow['phase'],
      executedAtMs: number,
      success = true,
      durationMs = 10,
    ): ServerPhaseRow => ({
      phase,
      durationMs,
      success,
      executedAtMs,
    });
    const f = foldServerRows(
      [
        row('Learn', 999), // warm-up
        row('Hypothesize', 1000, true, 11),
        row('Act', 1010, true, 12),
        row('Learn', 1020, true, 13),
        row('Hypothesize', 1030, false, 14),
        row('Act', 1040, true, 15),
      ],
      1000,
    );
    expect(f).toEqual({
      executions: 5,
      successes: 4,
      loopsFailed: 1,
      loopsCompleted: 1,
      durations: [
        { phase: 'Hypothesize', durationMs: 11 },
        { phase: 'Act', durationMs: 12 },
        { phase: 'Learn', durationMs: 13 },
        { phase: 'Hypothesize', durationMs: 14 },
        { phase: 'Act', durationMs: 15 },
      ],
    });
  });
});
