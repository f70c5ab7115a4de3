import type { Point3 } from '../dataset/types.ts';
import type { Engine, GraphReader, OperationRequest, OperationResult } from '../engines/types.ts';
import type { ParamDist } from '../dataset/schema.ts';
import type { OperationName } from '../model/operations.ts';
import type { OperationSpec } from '../scenario/workload-schema.ts';

/** What an operation needs to turn its scenario spec into one concrete request. */
export interface BuildContext {
  /** The next query point, drawn from the dataset's distribution plus jitter. */
  nextPoint(): Point3;
  /** Draw a workload parameter from its distribution. */
  draw(dist: ParamDist): number;
  /** The next index for ingested atoms (unique per run). */
  nextIngestIndex(count: number): number;
  /** An atom of the preloaded provenance graph (1..neo4j.preloadAtoms), for graph.provenance. */
  nextGraphAtom(): number;
}

/** What plug-ins with their own execute can reach besides the engine. */
export interface ExecuteContext {
  /** The graph side, when the run has one (graph.provenance needs it). */
  graph?: GraphReader;
}

/** One workload operation plug-in: listed in registry.ts, one per file. */
export interface OperationPlugin<
  S extends OperationSpec = OperationSpec,
  R extends OperationRequest = OperationRequest,
> {
  /** Whether it is a spatial query is the ground floor's table (model/operations.ts), not the plug-in's say. */
  name: OperationName;
  build(spec: S, ctx: BuildContext): R;
  /**
   * Run a built request when it is more than one engine call (the walk's loop of steps); without it
   * the request goes to Engine.run as it is.
   */
  execute?(req: R, engine: Engine, ctx: ExecuteContext): Promise<OperationResult>;
}
