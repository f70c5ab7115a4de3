import { describe, expect, it } from 'vitest';
import { parseShard, resolveShard } from '../../../src/cli/shard-options.ts';
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
