import type { Engine } from '../../engines/types.ts';
import { Interrupted } from '../../errors.ts';
import { loadPoolSize } from '../../load/registry.ts';
import { shardLoad } from '../../load/shard.ts';
import type { Clock } from '../../model/clock.ts';
import { measureClockOffset, waitForStart, type ClockOffset } from '../shards/shard-start.ts';
import { guard, interruptible } from './guard.ts';
import type { RunOptions } from './options.ts';

/**
 * Up to the start of the load: the connection pool sized for this (shard's) load, and for a shard the
 * server clock's offset and the common start. Returns the offset, or why there is none.
 */
export async function startLoad(o: RunOptions, engine: Engine, clock: Clock): Promise<ClockOffset | string> {
  const sc = o.scenario;
  const shard = o.shard;
  const coord = engine.coordination;
  const load = shardLoad(sc.load, shard?.spec);
  await interruptible(o.signal, 'while opening the connection pool; nothing was measured', () =>
    guard(o.url, 'opening the connection pool', () =>
      engine.openPool(loadPoolSize(load), { statementTimeoutMs: sc.workload.timeoutMs }),
    ),
  );
  let offset: ClockOffset | string = 'the engine cannot read the server clock';
  if (shard && coord)
    offset = await guard(o.url, 'reading the server clock', () => measureClockOffset(coord, clock));
  if (shard) {
    const at = await interruptible(o.signal, 'while waiting for the start; nothing was measured', () =>
      guard(o.url, 'waiting for the start', () =>
        waitForStart(shard, {
          coord,
          runId: o.runId,
          clock,
          signal: o.signal,
          ...(typeof offset === 'string' ? {} : { offset }),
        }),
      ),
    );
    o.progress.info(
      `shard ${shard.spec.index}/${shard.spec.count} of run ${o.runId}: starting at ${new Date(at).toISOString()}`,
    );
  }
  if (o.signal.aborted)
    throw new Interrupted('before the load started; nothing was measured, the seeded rows are kept');
  return offset;
}
