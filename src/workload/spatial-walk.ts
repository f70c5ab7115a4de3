import type { OperationSpec } from '../scenario/schema.ts';
import type { OperationPlugin } from './types.ts';

type Spec = Extract<OperationSpec, { op: 'spatial.walk' }>;

/** Neighbour walk (A* path search): pools of small radius, each from the last point found, toward a goal. */
export const spatialWalk: OperationPlugin<Spec> = {
  name: 'spatial.walk',
  build: (spec, ctx) => ({
    op: 'spatial.walk',
    q: ctx.nextPoint(),
    goal: ctx.nextPoint(),
    radius: Math.max(0, ctx.draw(spec.radius)),
    steps: Math.max(1, Math.round(ctx.draw(spec.steps))),
    pool: Math.max(1, Math.round(ctx.draw(spec.pool))),
  }),
};
