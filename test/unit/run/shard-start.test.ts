import { describe, expect, it } from 'vitest';
import { RuntimeFailure } from '../../../src/errors.ts';
import { datasetDeadlineMs, shardInfo, waitForStart, type ShardRun } from '../../../src/run/shard-start.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';

describe('starting a shard at --start-at', () => {
  const origin = Date.parse('2026-12-02T15:00:00Z');
  const run = (atMs: number): ShardRun => ({
    spec: { index: 2, count: 4 },
    start: { kind: 'at', at: new Date(atMs) },
  });

  it('sleeps until the agreed wall-clock time and returns it', async () => {
    const clock = new FakeClock(origin);
    let started: number | undefined;
    const p = waitForStart(run(origin + 5000), {
      runId: 'r',
      clock,
      signal: new AbortController().signal,
    }).then((t) => (started = t));
    await clock.advance(4900);
    expect(started).toBeUndefined();
    await clock.advance(200);
    await p;
    expect(started).toBe(origin + 5000);
    expect(clock.wallMs()).toBe(origin + 5100);
  });

  it('fails a shard that is ready after the start time (beyond the 1 s tolerance), naming it', async () => {
    const clock = new FakeClock(origin + 2500);
    const p = waitForStart(run(origin), { runId: 'r', clock, signal: new AbortController().signal });
    await expect(p).rejects.toThrow(RuntimeFailure);
    await expect(p).rejects.toThrow('shard 2 was ready 2.5 s after --start-at 2026-12-02T15:00:00.000Z');
  });

  it('waits for the dataset until the start time (+ tolerance), or the barrier timeout', () => {
    expect(datasetDeadlineMs(run(origin), 0)).toBe(origin + 1000);
    expect(
      datasetDeadlineMs({ spec: { index: 1, count: 2 }, start: { kind: 'barrier', timeoutMs: 60_000 } }, 5),
    ).toBe(60_005);
  });

  it('records the start and the clock offset in the shard entry', () => {
    expect(shardInfo(run(origin), 123, { offsetMs: -4.5, rttMs: 1 })).toEqual({
      index: 2,
      count: 4,
      start: { kind: 'at', at: '2026-12-02T15:00:00.000Z' },
      issued: 123,
      clockOffsetMs: -4.5,
      clockRttMs: 1,
    });
    expect(shardInfo(run(origin), 1, 'no clock').clockNa).toBe('no clock');
  });
});
