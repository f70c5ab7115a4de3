import { describe, expect, it } from 'vitest';
import { parseShard, parseStartAt, resolveShard, resolveShardRun } from '../../../src/cli/shard-options.ts';
import { UserError } from '../../../src/errors.ts';

describe('--shard I/N and its environment forms', () => {
  it.each([
    ['0/4', { index: 0, count: 4 }],
    [' 3 / 4 ', { index: 3, count: 4 }],
    ['0/1', { index: 0, count: 1 }],
  ])('parses %j', (text, want) => {
    expect(parseShard('--shard', text)).toEqual(want);
  });

  it.each([
    ['4/4', '--shard: shard index 4 must be below the number of shards 4 (0-based)'],
    ['1/0', '--shard: the number of shards must be at least 1; got 0'],
    ['-1/4', '--shard: expected I/N, e.g. 0/4 (shard 0 of 4); got "-1/4"'],
    ['2', '--shard: expected I/N, e.g. 0/4 (shard 0 of 4); got "2"'],
    ['0/2000', '--shard: at most 1024 shards; got 2000'],
  ])('refuses %j naming the flag', (text, message) => {
    expect(() => parseShard('--shard', text)).toThrow(UserError);
    expect(() => parseShard('--shard', text)).toThrow(message);
  });

  it('takes the flag first, naming ATOMBENCH_SHARD when the value came from there', () => {
    expect(resolveShard('1/2', { JOB_COMPLETION_INDEX: '0', ATOMBENCH_SHARDS: '9' })).toEqual({
      index: 1,
      count: 2,
    });
    expect(() => resolveShard('5/2', { ATOMBENCH_SHARD: '5/2' })).toThrow(/^ATOMBENCH_SHARD: shard index 5/);
  });

  it('reads a Kubernetes Indexed Job: JOB_COMPLETION_INDEX with ATOMBENCH_SHARDS', () => {
    expect(resolveShard(undefined, { JOB_COMPLETION_INDEX: '3', ATOMBENCH_SHARDS: '4' })).toEqual({
      index: 3,
      count: 4,
    });
    expect(resolveShard(undefined, { JOB_COMPLETION_INDEX: '3' })).toBeUndefined();
    expect(resolveShard(undefined, {})).toBeUndefined();
    expect(() => resolveShard(undefined, { ATOMBENCH_SHARDS: '4' })).toThrow(
      'ATOMBENCH_SHARDS is set but JOB_COMPLETION_INDEX is not',
    );
    expect(() => resolveShard(undefined, { JOB_COMPLETION_INDEX: '4', ATOMBENCH_SHARDS: '4' })).toThrow(
      'JOB_COMPLETION_INDEX/ATOMBENCH_SHARDS: shard index 4 must be below the number of shards 4',
    );
    expect(() => resolveShard(undefined, { JOB_COMPLETION_INDEX: 'x', ATOMBENCH_SHARDS: '4' })).toThrow(
      'JOB_COMPLETION_INDEX: expected an integer; got "x"',
    );
  });
});

describe('how the shards of one run start together', () => {
  const dur = (flag: string, text: string) => {
    const n = Number(text.replace(/s$/, ''));
    if (!Number.isFinite(n)) throw new UserError(`${flag}: bad "${text}"`);
    return n;
  };

  it('derives the shared run id from --start-at and keeps the time', () => {
    const r = resolveShardRun({ shard: '1/4', startAt: '2026-12-02T15:00:00Z' }, {}, dur);
    expect(r.runId).toBe('shards-20261202-150000');
    expect(r.shard).toEqual({
      spec: { index: 1, count: 4 },
      start: { kind: 'at', at: new Date('2026-12-02T15:00:00Z') },
    });
    expect(parseStartAt('--start-at', '2026-12-02T16:00:00+01:00').toISOString()).toBe(
      '2026-12-02T15:00:00.000Z',
    );
  });

  it('takes a barrier with its timeout and an explicit run id', () => {
    const r = resolveShardRun(
      { shard: '0/2', barrier: true, barrierTimeout: '30s', runId: 'nightly-42' },
      {},
      dur,
    );
    expect(r).toEqual({
      runId: 'nightly-42',
      shard: { spec: { index: 0, count: 2 }, start: { kind: 'barrier', timeoutMs: 30_000 } },
    });
    expect(resolveShardRun({}, {}, dur)).toEqual({});
  });

  it.each([
    [
      { shard: '0/2' },
      '--shard: every shard of one run needs the same run id: give --run-id (or --start-at)',
    ],
    [{ shard: '0/2', startAt: '2026-12-02 15:00' }, '--start-at: expected an ISO 8601 time with its zone'],
    [{ shard: '0/2', startAt: '2026-12-02T15:00:00' }, '--start-at: expected an ISO 8601 time with its zone'],
    [{ startAt: '2026-12-02T15:00:00Z' }, '--start-at: only for a shard (--shard I/N)'],
    [{ runId: 'x', barrier: true }, '--barrier: only for a shard (--shard I/N); --run-id: only for a shard'],
    [
      { shard: '0/2', barrier: true, startAt: '2026-12-02T15:00:00Z' },
      '--start-at and --barrier: choose one way to start the shards together',
    ],
    [{ shard: '0/2', runId: '../etc' }, '--run-id: letters, digits, ".", "_" and "-" only'],
    [{ shard: '0/2', runId: 'a', barrierTimeout: '5s' }, '--barrier-timeout: only with --barrier'],
  ])('refuses %j (exit 2, named)', (flags, message) => {
    expect(() => resolveShardRun(flags, {}, dur)).toThrow(UserError);
    expect(() => resolveShardRun(flags, {}, dur)).toThrow(message);
  });
});
