import { nsToUs } from './clock.ts';
import { arrivalSchedule, shardSchedule, type ArrivalSchedule } from './arrivals.ts';
import type { LoadContext, LoadModel, LoadOutcome } from './types.ts';

/** Longest sleep between checks of the schedule; keeps the loop responsive to aborts. */
const MAX_SLEEP_MS = 50;

/**
 * Open loop: requests start on the schedule whatever the server does. Latency is measured from the
 * *intended* start, so a stalled server shows in the percentiles instead of silently slowing the
 * arrivals (coordinated omission). The gap between intended and actual start is the schedule lag,
 * its own histogram. An arrival that finds `maxInFlight` requests busy is dropped and counted,
 * never queued silently.
 */
export async function runOpenLoop(
  ctx: LoadContext,
  schedule: ArrivalSchedule,
  maxInFlight: number,
): Promise<LoadOutcome> {
  const { clock, sink } = ctx;
  const startNs = clock.nowNs();
  const pending = new Set<Promise<void>>();
  let inFlight = 0;
  let maxSeen = 0;
  let issued = 0;
  let dropped = 0;
  let completed = 0;

  const launch = (intendedNs: bigint, index: number): void => {
    const req = ctx.next(index);
    inFlight++;
    issued++;
    if (inFlight > maxSeen) maxSeen = inFlight;
    sink.recordScheduleLag(nsToUs(clock.nowNs() - intendedNs));
    const p: Promise<void> = ctx
      .execute(req)
      .then(
        (res) => sink.recordSuccess(req.op, nsToUs(clock.nowNs() - intendedNs), res),
        (e: unknown) => sink.recordError(req.op, ctx.classify(e)),
      )
      .finally(() => {
        inFlight--;
        completed++;
        pending.delete(p);
      });
    pending.add(p);
  };

  let nextMs = schedule.next();
  while (nextMs !== Infinity && !ctx.signal.aborted) {
    const nowMs = Number(clock.nowNs() - startNs) / 1e6;
    if (nowMs < nextMs) {
      await clock.sleep(Math.min(nextMs - nowMs, MAX_SLEEP_MS), ctx.signal);
      continue;
    }
    // Every arrival that is due fires now, each measured from its own intended time.
    while (nextMs <= nowMs) {
      if (inFlight >= maxInFlight) {
        dropped++;
        sink.recordDropped(1);
      } else {
        launch(startNs + BigInt(Math.round(nextMs * 1e6)), schedule.lastIndex);
      }
      nextMs = schedule.next();
    }
  }
  await Promise.all(pending);
  return {
    issued,
    dropped,
    completed,
    elapsedMs: Number(clock.nowNs() - startNs) / 1e6,
    maxInFlight: maxSeen,
  };
}

/** The open model: a fixed arrival schedule (rate per stage) served by `connections` connections. */
export const openLoop: LoadModel<'open'> = {
  name: 'open',
  poolSize: (load) => load.connections,
  start: (ctx, load, warmupMs, rand) => {
    const stages = load.stages.map((s) => ({
      durationSec: s.durationSec,
      value: s.ratePerSec ?? load.ratePerSec,
    }));
    const full = arrivalSchedule({
      ratePerSec: load.ratePerSec,
      arrivals: load.arrivals,
      warmupMs,
      totalMs: ctx.totalMs,
      stages,
      rand,
    });
    return runOpenLoop(ctx, shardSchedule(full, ctx.shard), load.maxInFlight);
  },
};
