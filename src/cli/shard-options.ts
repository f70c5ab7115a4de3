import { Option, type Command } from 'commander';
import { UserError } from '../errors.ts';
import type { ShardSpec } from '../model/shard.ts';

/**
 * `run --shard I/N` and its environment forms, in this order of precedence:
 *   --shard I/N                         a flag on the command line
 *   ATOMBENCH_SHARD=I/N                 the same in the environment
 *   JOB_COMPLETION_INDEX=I + ATOMBENCH_SHARDS=N   a Kubernetes Indexed Job (the index is set per pod)
 * JOB_COMPLETION_INDEX alone does not make a shard (an Indexed Job may run trials); ATOMBENCH_SHARDS
 * without it is bad input. I is 0-based: 0 <= I < N.
 */

export interface ShardFlags {
  shard?: string;
  startAt?: string;
  barrier?: boolean;
  barrierTimeout?: string;
  runId?: string;
}

export function addShardOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--shard <I/N>',
        'run shard I of N (0-based) of one run: 1/N of the rate or workers, a disjoint slice of the requests',
      ).env('ATOMBENCH_SHARD'),
    )
    .addOption(
      new Option(
        '--start-at <time>',
        'shards: start the load at this ISO 8601 time (e.g. 2026-12-02T15:00:00Z)',
      ).env('ATOMBENCH_START_AT'),
    )
    .option('--barrier', 'shards: start when every shard has written its row on the database')
    .option('--barrier-timeout <time>', 'shards: how long to wait at the barrier (default 10m)')
    .addOption(
      new Option('--run-id <id>', 'the run id every shard of one run shares (default: from --start-at)').env(
        'ATOMBENCH_RUN_ID',
      ),
    );
}

const SHARD_RE = /^\s*(\d+)\s*\/\s*(\d+)\s*$/;

/** Parse "I/N" (0 <= I < N, N >= 1); `what` names the flag or variable in the message. */
export function parseShard(what: string, text: string): ShardSpec {
  const m = SHARD_RE.exec(text);
  if (!m) throw new UserError(`${what}: expected I/N, e.g. 0/4 (shard 0 of 4); got "${text}"`);
  return shardOf(what, Number(m[1]), Number(m[2]));
}

function shardOf(what: string, index: number, count: number): ShardSpec {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new UserError(`${what}: the number of shards must be at least 1; got ${count}`);
  if (count > 1024) throw new UserError(`${what}: at most 1024 shards; got ${count}`);
  if (!Number.isSafeInteger(index) || index >= count)
    throw new UserError(
      `${what}: shard index ${index} must be below the number of shards ${count} (0-based)`,
    );
  return { index, count };
}

/** The shard this process runs, or undefined for an unsharded run. */
export function resolveShard(flag: string | undefined, env: NodeJS.ProcessEnv): ShardSpec | undefined {
  // commander already folded ATOMBENCH_SHARD into the flag; say which one it was.
  if (flag !== undefined) {
    const what = env.ATOMBENCH_SHARD === flag ? 'ATOMBENCH_SHARD' : '--shard';
    return parseShard(what, flag);
  }
  const shards = env.ATOMBENCH_SHARDS;
  if (shards === undefined || shards === '') return undefined;
  const idx = env.JOB_COMPLETION_INDEX;
  if (idx === undefined || idx === '')
    throw new UserError(
      'ATOMBENCH_SHARDS is set but JOB_COMPLETION_INDEX is not: set both (a Kubernetes Indexed Job sets the index), or use --shard I/N',
    );
  if (!/^\s*\d+\s*$/.test(shards))
    throw new UserError(`ATOMBENCH_SHARDS: expected an integer; got "${shards}"`);
  if (!/^\s*\d+\s*$/.test(idx))
    throw new UserError(`JOB_COMPLETION_INDEX: expected an integer; got "${idx}"`);
  return shardOf('JOB_COMPLETION_INDEX/ATOMBENCH_SHARDS', Number(idx), Number(shards));
}
