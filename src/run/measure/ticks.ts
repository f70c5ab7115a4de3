import type { LoadOutcome } from '../../load/types.ts';
import type { OutageTracker } from '../../load/outage.ts';
import type { IntervalRecorder } from '../../metrics/interval.ts';
import type { Clock } from '../../model/clock.ts';
import type { TimeSeriesPoint } from '../../model/result.ts';
import type { ProbePoller } from '../../probes/poller.ts';
import type { Progress } from '../progress.ts';

/**
 * Probe rounds, off the tick path: a round starts at a tick when the previous one has finished, and
 * its samples land in the interval where it ends. A round that failed, or has hung for several
 * intervals, marks the interval's probe sample missing, so an outage never repeats a stale depth.
 * Only the lead shard polls the probes (`lead`); the other shards have no rounds to miss.
 */
export class ProbeRounds {
  busy = false;
  /** The last round finished well (a failed one marks the next point's probe sample missing). */
  ok = true;
  round: Promise<void> = Promise.resolve();
  startedMs: number;

  constructor(
    private readonly poller: ProbePoller,
    private readonly recorder: IntervalRecorder,
    private readonly clock: Clock,
    readonly lead: boolean,
  ) {
    this.startedMs = clock.nowMs();
  }

  /** Start a round unless one is running (or this shard does not poll): did one start? */
  start(measuring: boolean): boolean {
    if (this.busy || !this.lead) return false;
    this.busy = true;
    this.startedMs = this.clock.nowMs();
    this.round = this.poller.poll(measuring).then(
      (ok) => {
        if (ok) recordDepth(this.recorder, this.poller);
        this.ok = ok;
      },
      () => {
        this.ok = false;
      },
    );
    void this.round.finally(() => (this.busy = false));
    return true;
  }
}

function recordDepth(recorder: IntervalRecorder, poller: ProbePoller): void {
  if (poller.latestDepth !== undefined) recorder.recordQueueDepth(poller.latestDepth);
  if (poller.latestDepthByQueue) recorder.recordQueueDepths(poller.latestDepthByQueue);
}

/** Tick times from the run start: every probe interval, and exactly at the end of warm-up. */
export function tickTimes(intervalMs: number, warmupMs: number, totalMs: number): number[] {
  // No interval straddles the end of warm-up.
  const ticks: number[] = [];
  for (let t = intervalMs; t < warmupMs; t += intervalMs) ticks.push(t);
  if (warmupMs > 0) ticks.push(warmupMs);
  for (let t = warmupMs + intervalMs; t < totalMs; t += intervalMs) ticks.push(t);
  return ticks;
}

export interface TickLoopOptions {
  clock: Clock;
  /** The run start on the clock (ms). */
  t0: number;
  warmupMs: number;
  totalMs: number;
  intervalMs: number;
  recorder: IntervalRecorder;
  poller: ProbePoller;
  probes: ProbeRounds;
  outage: OutageTracker;
}

export interface TickHooks {
  progress: Progress;
  /** Extra samples on the point just ticked (the graph side's sync queue), bounded by the caller. */
  samplePoint(point: TimeSeriesPoint): Promise<unknown>;
}

/**
 * Tick the recorder at every tick time until the load ends, starting a probe round at each; returns
 * the load's outcome (between the window's end and the load's end the load drains).
 */
export async function runTicks(
  o: TickLoopOptions,
  hooks: TickHooks,
  loadDone: Promise<LoadOutcome>,
): Promise<LoadOutcome> {
  const { clock, t0, probes } = o;
  let finished = false;
  const load = loadDone.finally(() => (finished = true));
  let errorsTotal = 0;
  // A slow round (plans, primary filter on a loaded server) is not an outage; one that hangs is.
  const hungAfterMs = Math.max(3 * o.intervalMs, 3000);
  let startedThisInterval = probes.start(false);
  for (const at of tickTimes(o.intervalMs, o.warmupMs, o.totalMs)) {
    // A timer may fire up to a millisecond early on this clock: the tick at the end of warm-up
    // would then open a measured interval before warm-up ended, and it would count as warm-up.
    for (let wait = at - (clock.nowMs() - t0); wait > 0 && !finished; wait = at - (clock.nowMs() - t0))
      await Promise.race([clock.sleep(Math.max(1, wait)), load]);
    if (finished) break;
    o.outage.check();
    const hung = probes.lead && !startedThisInterval && clock.nowMs() - probes.startedMs > hungAfterMs;
    const missing = hung || !probes.ok;
    const point = o.recorder.tick();
    if (missing) point.probeMissing = true;
    await hooks.samplePoint(point);
    errorsTotal += point.errors;
    const nowSec = (clock.nowMs() - t0) / 1000;
    hooks.progress.status(point, { elapsedSec: nowSec, totalSec: o.totalMs / 1000, errorsTotal });
    if (hung) o.poller.markMissing(at > o.warmupMs);
    startedThisInterval = probes.start(at >= o.warmupMs);
  }
  return await load;
}
