import type { ShardCoordination } from '../../engines/types.ts';
import type { Clock } from '../../model/clock.ts';
import type { ShardSpec } from '../../model/shard.ts';

/**
 * The end of a measured phase across shards, when the run syncs to Neo4j: every shard above 0
 * announces that its measurement (its readers' drain included) is over; shard 0 waits for all of them
 * before it counts the run's Atom nodes and removes the rows and nodes the run ingested. Without this,
 * shard 0 could delete what a later shard still merges, or count the graph before every atom arrived.
 * A shard that does not arrive in time is named; shard 0 then goes on (its counts may be partial).
 */

const POLL_MS = 250;

/** The row key (a sharded run has one measured phase: --trials is refused with --shard). */
export const MEASURED_KEY = 'measured';

/**
 * Shards above 0: announce; shard 0: wait. Returns the warning for the report when shard 0 went on
 * without some shard (never for shards above 0).
 */
export async function endMeasuredPhase(
  coord: ShardCoordination,
  o: { runId: string; spec: ShardSpec; clock: Clock; signal: AbortSignal; timeoutMs: number },
): Promise<string | undefined> {
  if (o.spec.index !== 0) {
    await coord.announce(o.runId, MEASURED_KEY, o.spec.index, 'done');
    return undefined;
  }
  const deadline = o.clock.wallMs() + o.timeoutMs;
  for (;;) {
    const here = new Set((await coord.announced(o.runId, MEASURED_KEY)).map((r) => r.shard));
    const missing = Array.from({ length: o.spec.count - 1 }, (_, i) => i + 1).filter((i) => !here.has(i));
    if (missing.length === 0) return undefined;
    if (o.signal.aborted || o.clock.wallMs() >= deadline)
      return `shard(s) ${missing.join(', ')} had not finished measuring within ${o.timeoutMs / 1000} s: the graph was counted and cleaned up without them (counts may be partial)`;
    await o.clock.sleep(POLL_MS, o.signal).catch(() => undefined);
  }
}
