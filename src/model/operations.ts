/**
 * Every workload operation by name, with whether it is a spatial read query: those count toward the
 * runbook's spatial latency (targets/), are sampled for the seek ratio (probes/) and have a primary
 * filter. On the ground floor so that targets/ (below workload/) reads the same flag as probes/ and
 * workload/; the scenario's mix schema (scenario/workload-schema.ts) has one branch per name, checked there.
 */
export const OPERATION_KINDS = {
  'spatial.pool': { spatial: true },
  'spatial.knn': { spatial: true },
  'spatial.dedup': { spatial: true },
  'spatial.walk': { spatial: true },
  ingest: { spatial: false },
  /** Neo4j's provenance walk (the graph side): needs --neo4j-url. */
  'graph.provenance': { spatial: false },
} as const satisfies Record<string, { spatial: boolean }>;

export type OperationName = keyof typeof OPERATION_KINDS;

/** The names in the table's order (the order of per-operation metrics and help). */
export const OPERATION_NAMES = Object.keys(OPERATION_KINDS) as readonly OperationName[];

/** True for a spatial read query; false for ingest and for a name that is not an operation. */
export function isSpatialOperation(op: string): boolean {
  return Object.hasOwn(OPERATION_KINDS, op) && OPERATION_KINDS[op as OperationName].spatial;
}
