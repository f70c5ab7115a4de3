import { errorCount } from '../metrics/operation-stats.ts';
import { isSpatialOperation, OPERATION_NAMES } from '../model/operations.ts';
import type { MetricKind, TargetExpression } from './grammar.ts';
import {
  everyAttemptFailed,
  fromMeasured,
  latencyReading,
  na,
  type MeasuredResult,
  type Reading,
} from './reading.ts';
import {
  readDropRatio,
  readOpLatency,
  readPrimaryFilter,
  readSpatialLatency,
  readThroughput,
  findOp,
} from './read-operations.ts';
import {
  NEO4J_OFF,
  OODA_OFF,
  readLoopInterval,
  readNeo4jQueueDepth,
  readPhaseDuration,
  readQueueDepth,
  readServerAvgDuration,
  readSpatialInterference,
} from './read-server.ts';

/**
 * The metric keys a target can name, and how each is read from a finished run (the readers are in
 * reading.ts, read-operations.ts and read-server.ts). A metric that could not be measured (Measured
 * `{na}`, an operation with no samples, OODA not running) reads as n/a with the reason: never as 0, so
 * it can never pass by accident.
 */

export interface MetricDef {
  key: string;
  kind: MetricKind;
  read(result: MeasuredResult, expr: TargetExpression): Reading;
}

const FIXED: MetricDef[] = [
  { key: 'interference.spatial', kind: 'interferenceRatio', read: readSpatialInterference },
  {
    key: 'latency.all',
    kind: 'latency',
    read: (r, e) =>
      everyAttemptFailed([r.total], 'operation') ?? latencyReading(r.total.latencyMs, 'operation', e),
  },
  { key: 'latency.spatial', kind: 'latency', read: readSpatialLatency },
  { key: 'throughput.all', kind: 'throughput', read: (r, e) => readThroughput(r.total, 'any operation', e) },
  {
    key: 'errors.rate',
    kind: 'ratio',
    read: (r) =>
      r.total.count === 0
        ? na('no operation completed in the measured window')
        : { value: errorCount(r.total) / r.total.count },
  },
  { key: 'seekRatio', kind: 'ratio', read: (r) => fromMeasured(r.probes.seekRatio) },
  { key: 'cacheHitRatio', kind: 'ratio', read: (r) => fromMeasured(r.probes.cacheHitRatio) },
  { key: 'ooda.queueDepth', kind: 'gauge', read: readQueueDepth },
  { key: 'ooda.phaseDuration', kind: 'latency', read: readPhaseDuration },
  {
    key: 'ooda.successRate',
    kind: 'ratio',
    read: (r) => (r.ooda ? fromMeasured(r.ooda.successRate) : na(OODA_OFF)),
  },
  {
    key: 'ooda.loopLatency',
    kind: 'latency',
    read: (r, e) => (r.ooda ? latencyReading(r.ooda.loopLatencyMs, 'OODA loop', e) : na(OODA_OFF)),
  },
  { key: 'ooda.loopInterval', kind: 'meanLatency', read: readLoopInterval },
  { key: 'server.avgDuration', kind: 'meanLatency', read: readServerAvgDuration },
  { key: 'load.dropRatio', kind: 'ratio', read: readDropRatio },
  {
    key: 'neo4j.syncLag',
    kind: 'latency',
    read: (r, e) => (r.neo4j ? latencyReading(r.neo4j.syncLagMs, 'Neo4j sync request', e) : na(NEO4J_OFF)),
  },
  {
    key: 'neo4j.mergeLatency',
    kind: 'latency',
    read: (r, e) =>
      r.neo4j ? latencyReading(r.neo4j.mergeLatencyMs, 'Neo4j MERGE batch', e) : na(NEO4J_OFF),
  },
  { key: 'neo4j.queueDepth', kind: 'gauge', read: readNeo4jQueueDepth },
];

function perOp(op: string): MetricDef[] {
  const defs: MetricDef[] = [
    { key: `latency.${op}`, kind: 'latency', read: (r, e) => readOpLatency(r, op, e) },
    { key: `throughput.${op}`, kind: 'throughput', read: (r, e) => readThroughput(findOp(r, op), op, e) },
  ];
  if (isSpatialOperation(op))
    defs.push({ key: `primaryFilter.${op}`, kind: 'ratio', read: (r) => readPrimaryFilter(r, op) });
  return defs;
}

const DEFS = new Map<string, MetricDef>([...FIXED, ...OPERATION_NAMES.flatMap(perOp)].map((d) => [d.key, d]));

/** Every valid metric key, in a stable order for messages and help. */
export const METRIC_KEYS: readonly string[] = [...DEFS.keys()].sort();

export type ResolveMetric = { ok: true; def: MetricDef } | { ok: false; error: string };

export function resolveMetric(key: string): ResolveMetric {
  const def = DEFS.get(key);
  if (def) return { ok: true, def };
  return { ok: false, error: `unknown metric "${key}"; valid: ${METRIC_KEYS.join(', ')}` };
}
