import { z } from 'zod';
import { RESULT_SCHEMA } from '../model/result.ts';

/**
 * What the reader checks in a result.json (src/model/result.ts is the type): every field a renderer or
 * compare reads, with its type, so an edited or truncated file is refused with the field named instead
 * of failing deep inside a renderer. Objects are loose: fields this version does not know are kept.
 */

const num = z.number();
const str = z.string();
const counts = z.record(z.string(), num);
const measured = <T extends z.ZodType>(value: T) =>
  z.union([z.looseObject({ value }), z.looseObject({ na: str })]);

export const latency = z.looseObject({
  count: num,
  p50: num,
  p90: num,
  p95: num,
  p99: num,
  p999: num,
  max: num,
  mean: num,
  min: num,
});

const operation = z.looseObject({
  op: str,
  count: num,
  errors: counts,
  throughputPerSec: num,
  latencyMs: latency,
  histogram: str,
  rowsOutput: num,
  candidateRows: num.optional(),
  primaryFilterEfficiency: num.optional(),
  primaryFilterSource: z.enum(['per-query', 'sampled']).optional(),
});

const perOp = z.looseObject({ ops: num, errors: num, p50Ms: num, p95Ms: num, p99Ms: num });
const point = z.looseObject({
  tSec: num,
  warmup: z.boolean(),
  ops: num,
  errors: num,
  p50Ms: num,
  p95Ms: num,
  p99Ms: num,
  queueDepth: num.optional(),
  scheduleLagP99Ms: num.optional(),
  dropped: num.optional(),
  byOp: z.record(z.string(), perOp).optional(),
  queueDepthByQueue: counts.optional(),
  neo4jQueueDepth: num.optional(),
  neo4jMerged: num.optional(),
});

const target = z.looseObject({
  metric: str,
  expression: str,
  observed: num.nullable(),
  threshold: num,
  unit: str,
  verdict: z.enum(['pass', 'fail', 'n/a']),
  reason: str.optional(),
  source: str,
});

const probes = z.looseObject({
  seekRatio: measured(num),
  seekSamples: num,
  cacheHitRatio: measured(num),
  queueDepthMax: measured(num),
  serverQueryStats: measured(
    z.looseObject({ avgDurationMs: num, avgLogicalReads: num.optional(), executions: num }),
  ),
  gauges: counts,
  planExample: str.optional(),
  primaryFilter: z.record(z.string(), z.looseObject({ samples: num, candidates: num, output: num })),
});

const ooda = z.looseObject({
  loopsStarted: num,
  loopsCompleted: num,
  loopsFailed: num,
  phaseExecutions: num,
  successRate: measured(num),
  loopIntervalSec: num.optional(),
  errors: counts,
  loopLatencyMs: latency.optional(),
  phaseDurationMs: z.record(z.string(), latency),
  maxQueueDepth: measured(num),
  queueDepthMaxByQueue: counts,
});

const neo4j = z.looseObject({
  server: str,
  serverVersion: str,
  constraint: str,
  readers: num,
  batch: num,
  merged: num,
  batches: num,
  mergeLatencyMs: latency,
  mergeHistogram: str,
  syncLagMs: latency,
  syncLagHistogram: str,
  queueDepthMax: measured(num),
  queueDepthMean: num.optional(),
  errors: counts,
  retries: num,
  outages: num,
  unavailableMs: num,
  mergedTotal: num,
  nodesCreated: num,
  backlogAtEnd: num.nullable(),
  ingestedAtoms: num.optional(),
  graphNodes: num.optional(),
  preload: z.looseObject({ atoms: num, edges: num.optional(), reused: z.boolean() }).optional(),
});

const trialOperation = z.looseObject({
  op: str,
  count: num,
  errors: counts,
  errorRate: num,
  throughputPerSec: num,
  latencyMs: latency,
  histogram: str,
});

const trial = z.looseObject({
  trial: num,
  startedAt: str,
  finishedAt: str,
  measuredSec: num,
  operations: z.array(trialOperation),
  total: trialOperation,
  seekRatio: measured(num),
  seekSamples: num,
  maxQueueDepth: measured(num),
  clientBottleneck: z.boolean(),
  interrupted: z.boolean().optional(),
});

const shard = z.looseObject({
  index: num,
  count: num,
  start: z.union([
    z.looseObject({ kind: z.literal('at'), at: str }),
    z.looseObject({ kind: z.literal('barrier'), timeoutSec: num }),
    z.looseObject({ kind: z.literal('none') }),
  ]),
  clockOffsetMs: num.optional(),
  clockRttMs: num.optional(),
  clockNa: str.optional(),
  issued: num,
});

const merged = z.looseObject({
  shards: num,
  label: str,
  clockSkewMs: num.optional(),
  perShard: z.array(
    z.looseObject({
      index: num,
      startedAt: str,
      finishedAt: str,
      count: num,
      errors: num,
      issued: num,
      clockOffsetMs: num.optional(),
      clientBottleneck: z.boolean(),
      clientReasons: z.array(str),
      series: z.array(z.looseObject({ tSec: num, ops: num })),
    }),
  ),
});

export const resultSchema = z.looseObject({
  schema: z.literal(RESULT_SCHEMA),
  runId: str,
  atombenchVersion: str,
  startedAt: str,
  finishedAt: str,
  scenario: z.record(z.string(), z.unknown()),
  engine: z.looseObject({
    engine: str,
    serverVersion: str,
    settings: z.record(z.string(), str),
    indexDdl: str,
  }),
  dataset: z.looseObject({
    atoms: num,
    distribution: str,
    seed: num,
    checksum: str,
    seedDurationMs: num.optional(),
    indexBuildMs: num.optional(),
    stored: z
      .looseObject({
        verify: z.enum(['full', 'sample']),
        rows: num,
        minId: num,
        maxId: num,
        contentHash: str,
        bucketsChecked: num,
        indexEntries: num.optional(),
      })
      .optional(),
  }),
  load: z.looseObject({
    model: z.enum(['open', 'closed']),
    durationSec: num,
    warmupSec: num,
    ratePerSec: num.optional(),
    achievedRatePerSec: num.optional(),
    concurrency: num.optional(),
    dropped: num.optional(),
    dropRatio: num.optional(),
    measuredSec: num.optional(),
    gracefulStopSec: num.optional(),
    cancelled: num.optional(),
    scheduleLagMs: latency.optional(),
    scheduleLagHistogram: str.optional(),
  }),
  operations: z.array(operation),
  total: operation,
  probes,
  ooda: ooda.nullable(),
  neo4j: neo4j.optional(),
  timeseries: z.array(point),
  targets: z.array(target),
  verdict: z.enum(['pass', 'fail', 'interrupted', 'no data']),
  client: z.looseObject({
    cpuPercent: num,
    eventLoopUtilization: num.optional(),
    eventLoopLagP99Ms: num,
    eventLoopLagMaxMs: num,
    bottleneck: z.boolean(),
    reasons: z.array(str),
  }),
  interrupted: z.boolean().optional(),
  faults: z
    .looseObject({
      outages: z.array(
        z.looseObject({ startSec: num, endSec: num.optional(), errors: z.record(z.string(), num) }),
      ),
      endedEarly: str.optional(),
      warnings: z.array(str),
    })
    .optional(),
  fingerprint: z
    .looseObject({
      engine: z.looseObject({
        name: str,
        serverVersion: str,
        settings: z.record(z.string(), str),
        indexDdl: str,
      }),
      index: z.record(z.string(), z.unknown()),
      dataset: z.looseObject({ atoms: num, seed: num, checksum: str, distribution: str }),
      workload: z.record(z.string(), z.unknown()),
      atombench: z.looseObject({ version: str }),
      client: z.looseObject({ cpuModel: str, cores: num, memoryGiB: num, os: str, node: str }),
    })
    .optional(),
  trials: z.array(trial).optional(),
  shard: shard.optional(),
  merged: merged.optional(),
});
