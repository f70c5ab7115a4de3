import type { Engine } from '../../engines/types.ts';
import { Interrupted, UserError } from '../../errors.ts';
import type { Clock } from '../../model/clock.ts';
import type { EngineFingerprint } from '../../model/engine.ts';
import { ensureDataset, followDataset, type DatasetOutcome } from '../dataset.ts';
import type { GraphSession } from '../graph/session.ts';
import { DATASET_KEY } from '../shards/shard-start.ts';
import { guard, interruptible } from './guard.ts';
import type { RunOptions } from './options.ts';

/** The graph side of a run: its session and the module that sets it up (imported only when it runs). */
export interface GraphSide {
  session: GraphSession;
  api: typeof import('../graph/session.ts');
}

/** Open the graph side when the run has a Neo4j URL; before the dataset, so a foreign graph is refused first. */
export async function openGraphSide(o: RunOptions, engine: Engine): Promise<GraphSide | undefined> {
  if (!o.neo4jUrl) return undefined;
  if (!engine.syncQueue)
    throw new UserError(`--neo4j-url: the ${engine.name} engine has no Neo4j sync queue yet`);
  // Loaded only for a run with a graph side: neo4j-driver costs ~0.4 s of CPU at every start.
  const api = await import('../graph/session.ts');
  const session = await api.openGraph(o.scenario, o.neo4jUrl);
  o.progress.info(`neo4j: ${session.display} (${session.graph.serverVersion})`);
  return { session, api };
}

/** Where setting up the dataset was interrupted, and what is kept. */
const datasetInterrupted = (inner: string | undefined): string =>
  inner === 'during the index build'
    ? 'during the index build; the seeded rows are kept and the index is built again on the next run'
    : 'during seeding; the committed batches are kept';

/**
 * The dataset a run measures: none of its own in attach mode; seeded or found by the lead (shard 0 or
 * an unsharded run), which then announces it; waited for by the other shards. The graph is set up too.
 */
export async function prepareDataset(
  o: RunOptions,
  engine: Engine,
  side: { graph: GraphSide | undefined; lead: boolean; clock: Clock; fingerprint: EngineFingerprint },
): Promise<DatasetOutcome> {
  const sc = o.scenario;
  const shard = o.shard;
  const coord = engine.coordination;
  const { graph, lead, clock, fingerprint } = side;
  let dataset: DatasetOutcome;
  if (sc.attach) {
    dataset = {
      key: 'attached',
      checksum: 'n/a (attached to an existing deployment)',
      rowsInserted: 0,
      resumedFrom: 0,
    };
  } else if (lead) {
    dataset = await interruptible(o.signal, datasetInterrupted, () =>
      guard(o.url, 'dataset', () =>
        ensureDataset(engine, sc, {
          reseed: o.reseed,
          force: o.force,
          dropForeignRows: o.dropForeignRows,
          verify: o.verify,
          progress: o.progress,
          signal: o.signal,
          neo4jSync: !!graph,
        }),
      ),
    );
    if (dataset.indexDdl) fingerprint.indexDdl = dataset.indexDdl;
    // Before the other shards may go on: graph setups running at once deadlock on Neo4j's label lock.
    if (graph) await graph.api.setupGraph(graph.session, sc, o.progress);
    // Only shard 0 seeds: the other shards wait for this row before they touch the data.
    if (shard && coord)
      await guard(o.url, 'announcing the dataset', () =>
        coord.announce(o.runId, DATASET_KEY, 0, dataset.checksum),
      );
  } else {
    o.progress.info(`shard ${shard!.spec.index}: waiting for shard 0's dataset`);
    dataset = await interruptible(o.signal, "while waiting for shard 0's dataset; nothing was measured", () =>
      guard(o.url, 'waiting for the dataset', () =>
        followDataset(engine, sc, shard!, {
          runId: o.runId,
          clock,
          signal: o.signal,
          force: o.force,
          neo4jSync: !!graph,
        }),
      ),
    );
  }
  // After shard 0's: nothing left to change.
  if (graph && !lead) await graph.api.setupGraph(graph.session, sc, o.progress);
  if (o.signal.aborted)
    throw new Interrupted('before the load started; nothing was measured, the seeded rows are kept');
  return dataset;
}
