import type { Engine } from '../../engines/types.ts';
import { UserError } from '../../errors.ts';
import { shardLoadProblems } from '../../load/shard.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { ShardRun } from './shard-start.ts';

/** Refusals before anything is written: what a shard of this scenario on this engine cannot do. */
export function checkShardable(engine: Engine, sc: Scenario, shard: ShardRun): void {
  const problems = shardLoadProblems(sc.load, shard.spec).map((p) => `${p.path}: ${p.message}`);
  if ((sc.gate?.trials ?? 1) > 1)
    problems.push('--trials: a sharded run has one trial (merge the shards, then compare merged runs)');
  if (shard.start.kind === 'barrier' && sc.attach)
    problems.push('--barrier writes a row on the database; attach mode never writes (use --start-at)');
  const needsRows = shard.start.kind === 'barrier' || (shard.spec.index > 0 && !sc.attach);
  if (needsRows && !engine.coordination)
    problems.push(
      `engine ${engine.name} cannot coordinate shards (no shared table): ${shard.start.kind === 'barrier' ? '--barrier' : `shard ${shard.spec.index} cannot wait for shard 0's dataset`}`,
    );
  if (problems.length)
    throw new UserError(`--shard ${shard.spec.index}/${shard.spec.count}: ${problems.join('; ')}`);
}
