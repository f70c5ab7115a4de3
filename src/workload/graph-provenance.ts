import { OperationError } from '../errors.ts';
import type { OperationSpec } from '../scenario/workload-schema.ts';
import type { OperationPlugin } from './types.ts';

type Spec = Extract<OperationSpec, { op: 'graph.provenance' }>;
type Req = { op: 'graph.provenance'; atomId: number; tenantId: number; depth: number };

/** The deepest walk a scenario may ask for (Cypher splices the bound in; engines/neo4j/cypher.ts checks it). */
const MAX_DEPTH = 10;

/**
 * Hartonomous's provenance read path on Neo4j: from an atom of the preloaded graph, every atom reachable
 * over [:DERIVED_FROM|INFLUENCED_BY*1..depth]; rows = the atoms found. Runs on the graph, not the engine.
 */
export const graphProvenance: OperationPlugin<Spec, Req> = {
  name: 'graph.provenance',
  build: (spec, ctx) => ({
    op: 'graph.provenance',
    atomId: ctx.nextGraphAtom(),
    tenantId: 0,
    depth: Math.min(MAX_DEPTH, Math.max(1, Math.round(ctx.draw(spec.depth)))),
  }),
  execute: async (req, _engine, ctx) => {
    if (!ctx.graph)
      throw new OperationError('no-graph', 'graph.provenance needs the graph side (--neo4j-url)');
    const rows = await ctx.graph.provenance(req.atomId, req.tenantId, req.depth);
    return { rows, queries: 1 };
  },
};
