import type { OperationSpec } from '../scenario/workload-schema.ts';
import type { OperationPlugin } from './types.ts';

type Spec = Extract<OperationSpec, { op: 'spatial.dedup' }>;

/** Dedup probe: `TOP 1 ... WHERE STDistance(@p) <= @threshold`. */
export const spatialDedup: OperationPlugin<Spec> = {
  name: 'spatial.dedup',
  build: (spec, ctx) => ({
    op: 'spatial.dedup',
    q: ctx.nextPoint(),
    threshold: Math.max(0, ctx.draw(spec.threshold)),
  }),
};
