import { Option, type Command } from 'commander';
import { UserError } from '../errors.ts';
import type { ShardSpec } from '../model/shard.ts';
import type { ShardRun } from '../run/shard-start.ts';

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

/** ISO 8601 with a date, a time and an explicit zone (Z or +hh:mm): a shard's start must not depend on its TZ. */
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const RUN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const DEFAULT_BARRIER_TIMEOUT_SEC = 600;

export function parseStartAt(what: string, text: string): Date {
  const ms = Date.parse(text);
  if (!ISO_RE.test(text.trim()) || !Number.isFinite(ms))
    throw new UserError(
      `${what}: expected an ISO 8601 time with its zone, e.g. 2026-12-02T15:00:00Z; got "${text}"`,
    );
  return new Date(ms);
}

/** The run id shards share when only --start-at names the run: the same on every shard, sortable. */
export function runIdFromStart(at: Date): string {
  return `shards-${at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
}

/**
 * The shard this process runs, how it starts, and the run id all shards share. Bad input is one
 * UserError naming every problem (exit 2).
 */
export function resolveShardRun(
  flags: ShardFlags,
  env: NodeJS.ProcessEnv,
  parseDurationSec: (flag: string, text: string) => number,
): { shard?: ShardRun; runId?: string } {
  const problems: string[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      problems.push((e as Error).message);
      return undefined;
    }
  };
  const before = problems.length;
  const spec = attempt(() => resolveShard(flags.shard, env));
  const badShard = problems.length > before;
  const startWhat = env.ATOMBENCH_START_AT === flags.startAt ? 'ATOMBENCH_START_AT' : '--start-at';
  const at = flags.startAt !== undefined ? attempt(() => parseStartAt(startWhat, flags.startAt!)) : undefined;
  const timeoutSec =
    flags.barrierTimeout !== undefined
      ? attempt(() => parseDurationSec('--barrier-timeout', flags.barrierTimeout!))
      : DEFAULT_BARRIER_TIMEOUT_SEC;
  if (flags.barrierTimeout !== undefined && !flags.barrier)
    problems.push('--barrier-timeout: only with --barrier');
  if (flags.barrier && flags.startAt !== undefined)
    problems.push('--start-at and --barrier: choose one way to start the shards together');
  const runId = flags.runId ?? (at ? runIdFromStart(at) : undefined);
  if (flags.runId !== undefined && !RUN_ID_RE.test(flags.runId))
    problems.push(`--run-id: letters, digits, ".", "_" and "-" only (at most 100); got "${flags.runId}"`);
  if (spec === undefined && !badShard) {
    for (const [set, name] of [
      [flags.startAt !== undefined, '--start-at'],
      [flags.barrier, '--barrier'],
      [flags.runId !== undefined, '--run-id'],
    ] as const)
      if (set) problems.push(`${name}: only for a shard (--shard I/N)`);
  }
  if (spec && runId === undefined)
    problems.push('--shard: every shard of one run needs the same run id: give --run-id (or --start-at)');
  if (problems.length) throw new UserError(problems.join('; '));
  if (!spec) return {};
  const start: ShardRun['start'] = at
    ? { kind: 'at', at }
    : flags.barrier
      ? { kind: 'barrier', timeoutMs: timeoutSec! * 1000 }
      : { kind: 'none' };
  return { shard: { spec, start }, runId };
}
