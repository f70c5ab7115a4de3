import type { Point3 } from '../dataset/types.ts';
import type { OperationRequest, OperationResult, WalkStepFn } from '../engines/types.ts';
import type { OperationSpec } from '../scenario/workload-schema.ts';
import type { OperationPlugin } from './types.ts';

type Spec = Extract<OperationSpec, { op: 'spatial.walk' }>;
export type WalkRequest = Extract<OperationRequest, { op: 'spatial.walk' }>;

/** Planar: SQL Server's STDistance ignores Z, and so does every engine's walk step. */
const dist2 = (a: Point3, b: Point3): number => (a.x - b.x) ** 2 + (a.y - b.y) ** 2;

/**
 * The neighbour walk, the one loop every engine shares (engines supply only the step). From the
 * current point, the step finds the pooled atom nearest the goal; the walk moves there while that is
 * nearer the goal than where it already is, and stops at the first step that finds nothing or makes no
 * progress (as near as the data allows), or after `steps` steps. Steps run one after another, as the
 * application's loop runs them. rows = points moved to, queries = steps asked (the last one included).
 */
export async function walk(req: WalkRequest, step: WalkStepFn): Promise<OperationResult> {
  let cur = req.q;
  let best = dist2(cur, req.goal);
  let visited = 0;
  let queries = 0;
  for (let i = 0; i < req.steps; i++) {
    queries++;
    const next = await step({ q: cur, goal: req.goal, radius: req.radius, pool: req.pool });
    if (!next) break;
    const d = dist2(next, req.goal);
    if (!(d < best)) break; // no progress: the walk has arrived as near as the data allows
    best = d;
    cur = next;
    visited++;
  }
  return { rows: visited, queries };
}

/** Neighbour walk (A* path search): pools of small radius, each from the last point found, toward a goal. */
export const spatialWalk: OperationPlugin<Spec, WalkRequest> = {
  name: 'spatial.walk',
  build: (spec, ctx) => ({
    op: 'spatial.walk',
    q: ctx.nextPoint(),
    goal: ctx.nextPoint(),
    radius: Math.max(0, ctx.draw(spec.radius)),
    steps: Math.max(1, Math.round(ctx.draw(spec.steps))),
    pool: Math.max(1, Math.round(ctx.draw(spec.pool))),
  }),
  execute: (req, engine) => engine.withWalkStep((step) => walk(req, step)),
};
