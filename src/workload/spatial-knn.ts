import type { OperationSpec } from '../scenario/workload-schema.ts';
import type { OperationPlugin } from './types.ts';

type Spec = Extract<OperationSpec, { op: 'spatial.knn' }>;

/** k nearest: `TOP (@k) ... WHERE STDistance(@p) IS NOT NULL ORDER BY STDistance(@p)`. */
export const spatialKnn: OperationPlugin<Spec> = {
  name: 'spatial.knn',
  build: (spec, ctx) => ({
    op: 'spatial.knn',
    q: ctx.nextPoint(),
    k: Math.max(1, Math.round(ctx.draw(spec.k))),
  }),
};
