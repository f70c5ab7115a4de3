import type { ServerPhaseRow } from '../engines/types.ts';
import type { Phase } from '../scenario/names.ts';

/**
 * Server activation (`ooda.activation: server`): what the client draws for the server's phases, and how
 * the rows the server's procedures wrote to OODALoopMetrics become the loop's figures. Pure.
 */

/** The phases the server consumes with activation procedures (as Hartonomous: all but Analyze). */
export const SERVER_PHASES = ['Hypothesize', 'Act', 'Learn'] as const satisfies readonly Phase[];

/**
 * One loop's plan for the server's phases, drawn when the trigger is sent (the payload carries it):
 * each phase's work in whole ms (ooda.phaseWorkMs, never below 0), and the first phase that fails at
 * failureRate (absent: the loop completes). Draws in a fixed order, so a seed gives the same plan.
 */
export interface ServerLoopPlan {
  work: Record<(typeof SERVER_PHASES)[number], number>;
  failAt?: Phase;
}

export function serverLoopPlan(
  drawWorkMs: () => number,
  rand: () => number,
  failureRate: number,
): ServerLoopPlan {
  const work = {} as ServerLoopPlan['work'];
  let failAt: Phase | undefined;
  for (const p of SERVER_PHASES) {
    work[p] = Math.max(0, Math.round(drawWorkMs()));
    if (failAt === undefined && rand() < failureRate) failAt = p;
  }
  return failAt ? { work, failAt } : { work };
}

/** The measured part of the server's rows: phase executions, successes, loop ends, durations. */
export interface ServerPhaseFold {
  executions: number;
  successes: number;
  /** Failed phase rows: each ends its loop. */
  loopsFailed: number;
  /** Successful Learn rows: each completes a loop. */
  loopsCompleted: number;
  durations: { phase: Phase; durationMs: number }[];
}

/**
 * Rows executed before measureFromMs are warm-up (the rows carry no loop id: the runbook's table has
 * none, so a loop straddling the end of warm-up counts by its phases' own times).
 */
export function foldServerRows(rows: readonly ServerPhaseRow[], measureFromMs: number): ServerPhaseFold {
  const out: ServerPhaseFold = {
    executions: 0,
    successes: 0,
    loopsFailed: 0,
    loopsCompleted: 0,
    durations: [],
  };
  for (const r of rows) {
    if (r.executedAtMs < measureFromMs) continue;
    out.executions++;
    out.durations.push({ phase: r.phase, durationMs: r.durationMs });
    if (!r.success) out.loopsFailed++;
    else {
      out.successes++;
      if (r.phase === 'Learn') out.loopsCompleted++;
    }
  }
  return out;
}
