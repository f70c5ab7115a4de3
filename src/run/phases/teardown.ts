import type { Engine } from '../../engines/types.ts';
import { UserError } from '../../errors.ts';
import type { Clock } from '../../model/clock.ts';
import type { GraphSession } from '../graph/session.ts';
import { endMeasuredPhase } from '../shards/shard-end.ts';
import { guard } from './guard.ts';
import type { RunOptions } from './options.ts';

/** After each measured phase: the cleanup, and what it learnt for the result. */
export interface Teardown {
  cleanup(): Promise<void>;
  /** Why something could not be cleaned up or coordinated; the result's faults.warnings. */
  warnings: string[];
  /** Rows this run ingested and removed (shard 0 only). */
  ingestedAtoms?: number;
  /** The graph's nodes before its atoms of this run were removed (sharded runs, shard 0 only). */
  graphNodes?: number;
}

/**
 * Cleanup after a fault must not lose what was measured: the engine retries on a fresh connection;
 * if the server is gone the rows stay (the next run's cleanup removes them) and the report says so.
 */
export function teardown(
  o: RunOptions,
  engine: Engine,
  side: { graph: GraphSession | undefined; lead: boolean; clock: Clock },
): Teardown {
  const sc = o.scenario;
  const shard = o.shard;
  const coord = engine.coordination;
  const { graph, lead, clock } = side;
  const t: Teardown = {
    warnings: [],
    cleanup: async () => {
      if (sc.attach) return;
      if (graph && shard && coord) {
        // Shard 0 counts and removes the run's atoms once every shard's readers have drained.
        const timeoutMs = (sc.neo4j.drainSec + sc.warmupSec + 60) * 1000;
        const late = await endMeasuredPhase(coord, {
          runId: o.runId,
          spec: shard.spec,
          clock,
          signal: o.signal,
          timeoutMs,
        }).catch((e: Error) => `the shards' end could not be coordinated (${e.message})`);
        if (late) t.warnings.push(late);
        if (lead) t.graphNodes = await graph.graph.countOwned(sc.dataset.atoms).catch(() => undefined);
      }
      if (!lead) return;
      // Shard 0 removes the rows the run ingested (rows of a shard still finishing are removed by the next run).
      try {
        t.ingestedAtoms = await guard(o.url, 'cleanup', () => engine.resetIngested(sc.dataset.atoms));
      } catch (e) {
        if (e instanceof UserError) throw e;
        const why = (e as Error).message;
        t.warnings.push(
          `cleanup skipped (${why}): rows this run ingested are still stored; the next run removes them`,
        );
        o.progress.info(`warning: cleanup skipped: ${why}`);
      }
      // The graph's atoms of this run go too (owned ones only): the next run starts from the same graph.
      if (graph) await graph.graph.cleanup(sc.dataset.atoms).catch(() => undefined);
    },
  };
  return t;
}
