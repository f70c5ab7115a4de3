import type { Engine, EngineRequest, OperationRequest, OperationResult } from '../engines/types.ts';
import { UserError } from '../errors.ts';
import type { OperationName } from '../model/operations.ts';
import type { OperationSpec } from '../scenario/workload-schema.ts';
import { graphProvenance } from './graph-provenance.ts';
import { ingest } from './ingest.ts';
import { spatialDedup } from './spatial-dedup.ts';
import { spatialKnn } from './spatial-knn.ts';
import { spatialPool } from './spatial-pool.ts';
import { spatialWalk } from './spatial-walk.ts';
import type { ExecuteContext, OperationPlugin } from './types.ts';

/**
 * Every workload operation, by name. Add one: write its file, list it here, add its name to
 * model/operations.ts (with its spatial flag) and its branch to the scenario's mix schema.
 */
export const OPERATIONS: Record<OperationName, OperationPlugin> = {
  'spatial.pool': spatialPool as OperationPlugin,
  'spatial.knn': spatialKnn as OperationPlugin,
  'spatial.dedup': spatialDedup as OperationPlugin,
  'spatial.walk': spatialWalk as OperationPlugin,
  ingest: ingest as OperationPlugin,
  'graph.provenance': graphProvenance as OperationPlugin,
};

export function operationPlugin(name: string): OperationPlugin {
  const p = OPERATIONS[name as OperationName];
  if (!p) throw new UserError(`unknown operation "${name}"; valid: ${Object.keys(OPERATIONS).join(', ')}`);
  return p;
}

export type { OperationSpec };

/** Run one workload request: by its plug-in when the plug-in drives it (the walk), else in one engine call. */
export function executeOperation(
  engine: Engine,
  req: OperationRequest,
  ctx: ExecuteContext = {},
): Promise<OperationResult> {
  const p = operationPlugin(req.op);
  if (p.execute) return p.execute(req, engine, ctx);
  // Only plug-ins with their own execute build requests Engine.run does not take (EngineRequest).
  return engine.run(req as EngineRequest);
}
