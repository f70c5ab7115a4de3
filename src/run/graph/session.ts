import { Neo4jGraph, type GraphState } from '../../engines/neo4j/graph.ts';
import { parseNeo4jUrl } from '../../engines/neo4j/url.ts';
import { RuntimeFailure, UserError } from '../../errors.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { Progress } from '../progress.ts';
import { datasetKey } from '../../dataset/stream.ts';

/**
 * The graph side of a run: the Neo4j URL parsed (bad input is exit 2 before anything connects), the
 * connection (exit 3 when it fails), the ownership guard before the first write anywhere, then the
 * constraint and, when the mix reads the graph, the preloaded provenance graph.
 */
export interface GraphSession {
  graph: Neo4jGraph;
  /** The URL without credentials. */
  display: string;
  state?: GraphState;
  preload?: { atoms: number; edges?: number; reused: boolean };
}

/** Connect and check ownership (read-only). */
export async function openGraph(sc: Scenario, url: string): Promise<GraphSession> {
  const target = parseNeo4jUrl(url);
  const graph = new Neo4jGraph({
    target,
    poolSize: sc.neo4j.readers + 4,
    maxRetryTimeMs: sc.neo4j.maxRetrySec * 1000,
    connectTimeoutMs: sc.neo4j.connectTimeoutMs,
  });
  try {
    await graph.connect();
  } catch (e) {
    await graph.close().catch(() => {});
    // The driver's messages name the host, never the password (it is not in the URL it was given).
    throw new RuntimeFailure(`cannot connect to neo4j ${target.display}: ${(e as Error).message}`);
  }
  try {
    await graph.checkOwnership();
  } catch (e) {
    await graph.close().catch(() => {});
    throw e;
  }
  return { graph, display: target.display };
}

/** Whether the scenario's mix reads the graph (graph.provenance). */
export function readsGraph(sc: Scenario): boolean {
  return sc.workload.mix.some((m) => m.op === 'graph.provenance');
}

/** The constraint, stale atoms removed, and the provenance graph preloaded when the mix reads it. */
export async function setupGraph(s: GraphSession, sc: Scenario, progress: Progress): Promise<void> {
  try {
    s.state = await s.graph.setup(sc.dataset.atoms);
    if (!readsGraph(sc)) return;
    const atoms = Math.min(sc.neo4j.preloadAtoms, sc.dataset.atoms);
    const key = `${datasetKey(sc.dataset)}:atoms=${atoms}:edges=${sc.neo4j.provenance}`;
    if ((await s.graph.preloadKey()) === key) {
      s.preload = { atoms, reused: true };
      return;
    }
    progress.info(`preloading the provenance graph: ${atoms} atoms, ${sc.neo4j.provenance} edges each`);
    await s.graph.cleanup(0);
    const out = await s.graph.preload({
      atoms,
      edgesPerAtom: sc.neo4j.provenance,
      seed: sc.dataset.seed,
      tenantId: 0,
      key,
    });
    s.preload = { atoms: out.nodes, edges: out.edges, reused: false };
  } catch (e) {
    if (e instanceof UserError || e instanceof RuntimeFailure) throw e;
    throw new RuntimeFailure(`neo4j ${s.display}: ${(e as Error).message}`);
  }
}
