import { nsToUs } from './clock.ts';
import { drain } from './drain.ts';
import { stageValueAt } from './stages.ts';
import type { LoadContext, LoadModel, LoadOutcome } from './types.ts';

/** How often an idle worker (beyond the current stage's concurrency) looks again. */
const IDLE_CHECK_MS = 20;

/**
 * Closed loop: N workers, each sends a request, waits for the answer, thinks, and sends the next.
 * Throughput is what the server gives back; latency is measured from each request's real start.
 * `concurrencyAt` lets stages change N over time (workers above it idle).
 */
export async function runClosedLoop(
  ctx: LoadContext,
  maxConcurrency: number,
  concurrencyAt: (elapsedMs: number) => number,
  thinkTimeMs: number,
): Promise<LoadOutcome> {
  const { clock, sink } = ctx;
  const startNs = clock.nowNs();
  const elapsedMs = () => Number(clock.nowNs() - startNs) / 1e6;
  let issued = 0;
  let completed = 0;
  let inFlight = 0;
  let maxSeen = 0;
  /** Set when the graceful stop ran out: what settles after that is cancelled, not measured. */
  let givenUp = false;
  const stopped = () => ctx.signal.aborted || givenUp;

  const worker = async (i: number): Promise<void> => {
    while (!stopped()) {
      const t = elapsedMs();
      if (t >= ctx.totalMs) return;
      if (i >= concurrencyAt(t)) {
        await clock.sleep(IDLE_CHECK_MS, ctx.signal);
        continue;
      }
      const req = ctx.next();
      issued++;
      inFlight++;
      if (inFlight > maxSeen) maxSeen = inFlight;
      const t0 = clock.nowNs();
      try {
        const res = await ctx.execute(req);
        if (!givenUp) sink.recordSuccess(req.op, nsToUs(clock.nowNs() - t0), res);
      } catch (e) {
        if (!givenUp) sink.recordError(req.op, ctx.classify(e));
      } finally {
        inFlight--;
        if (!givenUp) completed++;
      }
      if (thinkTimeMs > 0) await clock.sleep(thinkTimeMs, ctx.signal);
    }
  };

  const all = Promise.all(Array.from({ length: maxConcurrency }, (_, i) => worker(i)));
  // Workers look at the clock between requests; the window ends on time whatever a request does.
  const windowEnd = (): Promise<void> => clock.sleep(Math.max(0, ctx.totalMs - elapsedMs()), ctx.signal);
  await Promise.race([all, windowEnd()]);
  while (!ctx.signal.aborted && elapsedMs() < ctx.totalMs) await Promise.race([all, windowEnd()]);
  const cancelled = await drain(
    ctx,
    all,
    () => inFlight,
    () => {
      givenUp = true;
      sink.recordCancelled(inFlight);
      return inFlight;
    },
  );
  return { issued, dropped: 0, completed, cancelled, elapsedMs: elapsedMs(), maxInFlight: maxSeen };
}

/** The closed model: one connection per worker, as many workers as the largest stage's concurrency. */
export const closedLoop: LoadModel<'closed'> = {
  name: 'closed',
  poolSize: (load) => Math.max(load.concurrency, ...load.stages.map((s) => s.concurrency ?? 0)),
  start: (ctx, load, warmupMs) => {
    const stages = load.stages.map((s) => ({
      durationSec: s.durationSec,
      value: s.concurrency ?? load.concurrency,
    }));
    const max = Math.max(load.concurrency, ...stages.map((s) => s.value));
    return runClosedLoop(
      ctx,
      max,
      (t) => stageValueAt(t, warmupMs, load.concurrency, stages),
      load.thinkTimeMs,
    );
  },
};
