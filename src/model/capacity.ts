import type { EngineFingerprint } from './engine.ts';
import type { LatencySummary } from './result.ts';

/**
 * capacity.json, schema id `atombench/capacity@1`: the rate search (the knee), the scale sweep and the
 * OODA side of `atombench capacity`. Every step's full result.json is linked (`resultFile`, relative to
 * capacity.json's folder); what the curves and the verdict need is kept here, so every renderer reads this
 * document alone.
 */
export const CAPACITY_SCHEMA = 'atombench/capacity@1';

/** One judged quantity of a step: a target of the run, the drop limit, or the client's own health. */
export interface StepCheck {
  /** `latency.spatial p95`, `seekRatio ratio`, `dropRatio`, `client`. */
  name: string;
  /** The expression as judged, e.g. `p95 < 100ms`, `<= 1 %`. */
  expression: string;
  observed: number | null;
  threshold: number;
  unit: string;
  verdict: 'pass' | 'fail' | 'n/a';
  /**
   * How close to its limit the check is: 1 is exactly at the limit, above 1 fails. observed / threshold
   * for an upper limit, threshold / observed for a lower one; null when nothing was measured.
   */
  margin: number | null;
}

export type StepPhase = 'step-up' | 'bisect' | 'trial';

/** One short run of the rate search at one offered rate. */
export interface CapacityStep {
  /** 1-based, in the order the steps ran. */
  index: number;
  phase: StepPhase;
  /** 1 for the search's own measurement of this rate, 2.. for the repeated knee trials. */
  trial: number;
  offeredRatePerSec: number;
  achievedRatePerSec: number;
  dropped: number;
  /** dropped / arrivals of the schedule. */
  dropRatio: number;
  /** good: every check passed; bad: a check failed; client-bound: the client, not the server, limited it. */
  verdict: 'good' | 'bad' | 'client-bound';
  checks: StepCheck[];
  /** The client flagged itself (result.client.bottleneck), whether or not that stopped the search. */
  clientFlagged: boolean;
  /** Why the client was the bottleneck (result.client.reasons). */
  clientReasons: string[];
  /** Latency per operation (ms) and all operations merged. */
  latencyMs: Record<string, LatencySummary>;
  totalLatencyMs: LatencySummary;
  wallSec: number;
  runId: string;
  /** Relative path of this step's result.json. */
  resultFile: string;
}

export interface FirstToBreak {
  /** The check that fails at the lowest rate, e.g. `latency.spatial p95`. */
  check: string;
  expression: string;
  /** The lowest offered rate at which it was seen failing. */
  atRatePerSec: number;
  observed: number | null;
  threshold: number;
  unit: string;
}

export interface Knee {
  /** The highest rate every judged check is expected to pass at (interpolated, trials combined). */
  ratePerSec: number;
  /** 90 % interval of the knee across trials; with one trial, the last good and first bad rates. */
  interval: [number, number];
  /** How the interval was made. */
  intervalMethod: string;
  /** The last rate that passed and the first that failed, as the search bracketed them. */
  bracket: [number, number];
  /** One crossing estimate per trial (rates/s). */
  trialEstimates: number[];
  firstToBreak: FirstToBreak | null;
}

/**
 * How the search ended: `knee` a knee bracketed within the limits; `first-step-fails` even the first
 * rate failed the targets; `lower-bound` the search stopped before anything failed (client saturated,
 * budget or max rate reached): the answer is "at least"; `interrupted` Ctrl-C.
 */
export type CapacityOutcome = 'knee' | 'first-step-fails' | 'lower-bound' | 'interrupted';

export interface RateSearch {
  outcome: CapacityOutcome;
  /** Plain words: the answer a planner reads. */
  summary: string;
  knee: Knee | null;
  /** Set when the answer is a lower bound: the highest rate that passed, and why the search stopped. */
  lowerBound: { ratePerSec: number; reason: string } | null;
  stoppedBy: string;
  steps: CapacityStep[];
}

/** One dataset size of the scale sweep, at a fixed offered rate. */
export interface SweepPoint {
  atoms: number;
  /** The generator's checksum of rows 0..atoms (dataset.checksum of the run). */
  checksum: string;
  /** The digest the database computed from its stored rows after growing. */
  storedDigest: string | null;
  /** The digest of a fresh seed of the same size, where the sweep made one to prove growth exact. */
  freshDigest?: string | null;
  /** Rows added to reach this size (the previous size's rows were kept). */
  grownFrom: number;
  seedMs: number;
  indexBuildMs: number | null;
  offeredRatePerSec: number;
  throughputPerSec: number;
  latencyMs: Record<string, LatencySummary>;
  indexBytes: number | null;
  seekRatio: number | null;
  primaryFilterEfficiency: Record<string, number>;
  verdict: 'pass' | 'fail';
  runId: string;
  resultFile: string;
}

/** log(latency) = intercept + slope * log(atoms), per operation and statistic. */
export interface ScaleFit {
  op: string;
  /** p50, p95, p99 or mean. */
  stat: string;
  /** The exponent: 0 constant cost, ~0.5 square root, 1 linear. */
  slope: number;
  intercept: number;
  /** Coefficient of determination of the log-log fit (1 with two points: exact, not evidence). */
  r2: number | null;
  /** Standard error of the slope (null below three points). */
  slopeStdErr: number | null;
  points: number;
  predictions: { atoms: number; latencyMs: number; extrapolated: true }[];
}

export interface ScaleSweep {
  points: SweepPoint[];
  fits: ScaleFit[];
  /** Every grown size's stored digest equals the fresh seed's (null when no fresh seed was made). */
  growthExact: boolean | null;
}

/** One OODA step: triggers offered per second and what the queues did (OodaCurve.points: in rate order). */
export interface OodaPoint {
  triggersPerSec: number;
  maxQueueDepth: number | null;
  avgQueueDepth: number | null;
  phaseDurationAvgMs: number | null;
  phaseDurationP95Ms: number | null;
  loopsCompleted: number;
  runId: string;
  resultFile: string;
}

export interface OodaCurve {
  points: OodaPoint[];
  /** The queue-depth limit (the runbook's "<10 messages"). */
  depthLimit: number;
  /** Interpolated trigger rate at which the max queue depth reaches the limit; null when never reached. */
  limitTriggersPerSec: number | null;
  /**
   * The highest trigger rate measured whose max queue depth stayed below the limit, under the lowest one
   * that reached it (bisected to capacity.ooda.resolution); null when even the first step reached it.
   */
  maxWithinTargetTriggersPerSec: number | null;
  /** [highest rate within the target, lowest rate past it]; null until both were measured. */
  bracket: [number, number] | null;
  /** Plain words. */
  summary: string;
}

export interface CapacityDocument {
  schema: typeof CAPACITY_SCHEMA;
  id: string;
  atombenchVersion: string;
  startedAt: string;
  finishedAt: string;
  scenarioName: string;
  engine: EngineFingerprint;
  dataset: { atoms: number; seed: number; distribution: string; checksum: string };
  /** The capacity settings as resolved (scenario `capacity:` and flags). */
  config: Record<string, unknown>;
  /** The targets the steps were judged against (text as in result.json). */
  targets: { check: string; expression: string; source: string }[];
  search: RateSearch | null;
  sweep: ScaleSweep | null;
  ooda: OodaCurve | null;
  budget: { maxSteps: number; maxMinutes: number; stepsRun: number; elapsedSec: number };
  interrupted?: boolean;
}
