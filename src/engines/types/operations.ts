import type { Point3 } from '../../dataset/types.ts';

/** The workload's requests as the engine receives them, and what one call returns. */

/** One workload operation with its parameters resolved (numbers drawn, query point chosen). */
export type OperationRequest =
  | { op: 'spatial.pool'; q: Point3; radius: number; pool: number }
  | { op: 'spatial.knn'; q: Point3; k: number }
  | { op: 'spatial.dedup'; q: Point3; threshold: number }
  | { op: 'spatial.walk'; q: Point3; goal: Point3; radius: number; steps: number; pool: number }
  | { op: 'ingest'; batchSize: number; firstIngestIndex: number }
  /** On the graph (Neo4j), not the SQL engine: the atoms `atomId` derives from, up to `depth` hops. */
  | { op: 'graph.provenance'; atomId: number; tenantId: number; depth: number };

/**
 * What Engine.run executes in one call: every request but the walk, whose loop is workload logic
 * (src/workload/spatial-walk.ts) and reaches the engine one step at a time through walkStep().
 */
export type EngineRequest = Exclude<OperationRequest, { op: 'spatial.walk' } | { op: 'graph.provenance' }>;

/** The graph's read side, for graph.provenance (src/engines/neo4j/graph.ts implements it). */
export interface GraphReader {
  /** Atoms reachable over DERIVED_FROM|INFLUENCED_BY in 1..depth hops. */
  provenance(atomId: number, tenantId: number, depth: number): Promise<number>;
}

/** One step of a spatial.walk: of the `pool` atoms nearest `q` within `radius`, the one nearest `goal`. */
export interface WalkStep {
  q: Point3;
  goal: Point3;
  radius: number;
  pool: number;
}

/** One walk step on the engine: the point to move to, or undefined when the window is empty. */
export type WalkStepFn = (step: WalkStep) => Promise<Point3 | undefined>;

export interface OperationResult {
  /** Rows the operation returned (or inserted, for ingest). */
  rows: number;
  /** Rows the spatial index returned before the exact test (primary filter), where the engine can tell. */
  candidates?: number;
  /** Spatial queries executed (walk runs several). */
  queries?: number;
}
