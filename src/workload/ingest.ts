import type { OperationSpec } from '../scenario/workload-schema.ts';
import type { OperationPlugin } from './types.ts';

type Spec = Extract<OperationSpec, { op: 'ingest' }>;

/** A batch of new atoms (MERGE on ContentHash) with one embedding each. */
export const ingest: OperationPlugin<Spec> = {
  name: 'ingest',
  build: (spec, ctx) => {
    const batchSize = Math.max(1, Math.round(ctx.draw(spec.batchSize)));
    return { op: 'ingest', batchSize, firstIngestIndex: ctx.nextIngestIndex(batchSize) };
  },
};
