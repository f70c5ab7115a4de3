import type { OperationSpec } from '../scenario/workload-schema.ts';
import type { OperationPlugin } from './types.ts';

type Spec = Extract<OperationSpec, { op: 'spatial.pool' }>;

/** The candidate pool: `TOP (@pool) ... STIntersects(@q.STBuffer(@radius)) = 1 ORDER BY STDistance(@q)`. */
export const spatialPool: OperationPlugin<Spec> = {
  name: 'spatial.pool',
  build: (spec, ctx) => ({
    op: 'spatial.pool',
    q: ctx.nextPoint(),
    radius: Math.max(0, ctx.draw(spec.radius)),
    pool: Math.max(1, Math.round(ctx.draw(spec.pool))),
  }),
};
