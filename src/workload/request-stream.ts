import { drawParam, type QuerySource } from '../dataset/queries.ts';
import { drawUniform, rowState, streamKey, STREAMS } from '../dataset/prng.ts';
import type { OperationRequest } from '../engines/types.ts';
import type { OperationSpec } from '../scenario/workload-schema.ts';
import { WorkloadMix } from './mix.ts';

/**
 * The single-run request stream: request k is a pure function of (run seed, k). Its operation and
 * parameters are draws of row k of the `requests` stream (slot 0 picks the operation by weight, the
 * next slots the parameters), its query points are points 2k and 2k + 1 of the run's query source.
 * Nothing depends on which requests were drawn before, so shard I of N (requests k = I, I + N, ...)
 * issues exactly the requests an unsharded run issues at those positions: the shards' slices are
 * disjoint and together they are the unsharded stream, by construction.
 *
 * Ingested rows: request k's first ingest index is k x INGEST_STRIDE, so it too is a function of k and
 * no two requests of a run (in any shard) name the same rows. (The rows' content also depends on the
 * engine's run nonce, which differs per process: ingested atoms never collide between shards.)
 */

/** Ingest indices reserved per request: far above any batch size a scenario uses (2^20 rows). */
export const INGEST_STRIDE = 2 ** 20;

/** Query points one request may use (the walk uses two: its start and its goal). */
export const POINTS_PER_REQUEST = 2;

export interface RequestStream {
  /** Request k of the run. */
  at(k: number): OperationRequest;
}

export function createRequestStream(
  specs: OperationSpec[],
  points: Pick<QuerySource, 'at'>,
  runSeed: number,
  /** Atoms of the preloaded provenance graph (graph.provenance picks one of 1..graphAtoms). */
  graphAtoms = 1,
): RequestStream {
  const key = streamKey(runSeed, STREAMS.requests);
  let state = 0;
  let slot = 0;
  let k = 0;
  let pointsUsed = 0;
  const rand = () => drawUniform(state, slot++);
  const mix = new WorkloadMix(
    specs,
    {
      nextPoint: () => {
        if (pointsUsed >= POINTS_PER_REQUEST)
          throw new Error(`an operation asked for more than ${POINTS_PER_REQUEST} query points`);
        return points.at(k * POINTS_PER_REQUEST + pointsUsed++);
      },
      draw: (d) => drawParam(d, rand),
      // A batch beyond the stride would name the next request's rows; MERGE on ContentHash then skips them.
      nextIngestIndex: () => k * INGEST_STRIDE,
      nextGraphAtom: () => 1 + Math.floor(rand() * Math.max(1, graphAtoms)),
    },
    rand,
  );
  return {
    at(index) {
      k = index;
      state = rowState(key, index);
      slot = 0;
      pointsUsed = 0;
      return mix.next();
    },
  };
}
