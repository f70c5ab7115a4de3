import { z } from 'zod';
import { CAPACITY_SCHEMA } from '../model/capacity.ts';
import { latency } from './result-schema.ts';

/**
 * What the reader checks in capacity.json (src/model/capacity.ts is the type): every field the capacity
 * renderers (report/capacity/) read, so an edited or truncated file is refused naming the field, never a
 * failure inside a renderer. Objects are loose: fields this version does not know are kept.
 */

const num = z.number();
const str = z.string();
const nnum = num.nullable();
const latencies = z.record(z.string(), latency);

const check = z.looseObject({
  name: str,
  expression: str,
  observed: nnum,
  threshold: num,
  unit: str,
  verdict: z.enum(['pass', 'fail', 'n/a']),
  margin: nnum,
});

const step = z.looseObject({
  index: num,
  phase: z.enum(['step-up', 'bisect', 'trial']),
  trial: num,
  offeredRatePerSec: num,
  achievedRatePerSec: num,
  dropped: num,
  dropRatio: num,
  verdict: z.enum(['good', 'bad', 'client-bound']),
  checks: z.array(check),
  clientFlagged: z.boolean(),
  clientReasons: z.array(str),
  latencyMs: latencies,
  totalLatencyMs: latency,
  wallSec: num,
  runId: str,
  resultFile: str,
});

const firstToBreak = z.looseObject({
  check: str,
  expression: str,
  atRatePerSec: num,
  observed: nnum,
  threshold: num,
  unit: str,
});

const search = z.looseObject({
  outcome: z.enum(['knee', 'first-step-fails', 'lower-bound', 'interrupted']),
  summary: str,
  knee: z
    .looseObject({
      ratePerSec: num,
      interval: z.tuple([num, num]),
      intervalMethod: str,
      bracket: z.tuple([num, num]),
      trialEstimates: z.array(num),
      firstToBreak: firstToBreak.nullable(),
    })
    .nullable(),
  lowerBound: z.looseObject({ ratePerSec: num, reason: str }).nullable(),
  stoppedBy: str,
  steps: z.array(step),
});

const sweepPoint = z.looseObject({
  atoms: num,
  checksum: str,
  storedDigest: str.nullable(),
  freshDigest: str.nullable().optional(),
  grownFrom: num,
  seedMs: num,
  indexBuildMs: nnum,
  offeredRatePerSec: num,
  throughputPerSec: num,
  latencyMs: latencies,
  indexBytes: nnum,
  seekRatio: nnum,
  primaryFilterEfficiency: z.record(z.string(), num),
  verdict: z.enum(['pass', 'fail']),
  runId: str,
  resultFile: str,
});

const fit = z.looseObject({
  op: str,
  stat: str,
  slope: num,
  intercept: num,
  r2: nnum,
  slopeStdErr: nnum,
  points: num,
  predictions: z.array(z.looseObject({ atoms: num, latencyMs: num, extrapolated: z.literal(true) })),
});

const oodaPoint = z.looseObject({
  triggersPerSec: num,
  maxQueueDepth: nnum,
  avgQueueDepth: nnum,
  phaseDurationAvgMs: nnum,
  phaseDurationP95Ms: nnum,
  loopsCompleted: num,
  runId: str,
  resultFile: str,
});

export const capacitySchema = z.looseObject({
  schema: z.literal(CAPACITY_SCHEMA),
  id: str,
  atombenchVersion: str,
  startedAt: str,
  finishedAt: str,
  scenarioName: str,
  engine: z.looseObject({ engine: str, serverVersion: str }),
  dataset: z.looseObject({ atoms: num, seed: num, distribution: str, checksum: str }),
  config: z.record(z.string(), z.unknown()),
  targets: z.array(z.looseObject({ check: str, expression: str, source: str })),
  search: search.nullable(),
  sweep: z
    .looseObject({ points: z.array(sweepPoint), fits: z.array(fit), growthExact: z.boolean().nullable() })
    .nullable(),
  ooda: z
    .looseObject({
      points: z.array(oodaPoint),
      depthLimit: num,
      limitTriggersPerSec: nnum,
      // Written since the OODA limit is bisected; an older capacity.json has neither.
      maxWithinTargetTriggersPerSec: nnum.optional(),
      bracket: z.tuple([num, num]).nullable().optional(),
      summary: str,
    })
    .nullable(),
  budget: z.looseObject({ maxSteps: num, maxMinutes: num, stepsRun: num, elapsedSec: num }),
  interrupted: z.boolean().optional(),
});
