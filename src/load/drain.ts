import type { LoadContext } from './types.ts';

/** After an interrupt the drain is short: the user asked to stop (issue: end within 2 s). */
export const INTERRUPT_GRACE_MS = 1000;
/** How often the drain says how many requests it still waits for. */
const DRAIN_REPORT_MS = 1000;
/** After cancelling, how long the cancelled requests get to give their connections back. */
const AFTER_CANCEL_MS = 2000;

/**
 * The graceful stop (k6's gracefulStop): in-flight requests get `ctx.gracefulStopMs` to finish
 * (shorter after an interrupt), the progress line says what it waits for; then `onGiveUp` marks the
 * rest cancelled (they are no longer recorded), the engine cancels them on the server, and the
 * drain waits briefly for the connections to come back. Resolves with the number cancelled.
 */
export async function drain(
  ctx: LoadContext,
  settled: Promise<unknown>,
  inFlight: () => number,
  onGiveUp: () => number,
): Promise<number> {
  if (inFlight() === 0) return 0;
  const graceMs = ctx.signal.aborted ? Math.min(ctx.gracefulStopMs, INTERRUPT_GRACE_MS) : ctx.gracefulStopMs;
  let deadline = ctx.clock.nowMs() + graceMs;
  let done = false;
  void settled.finally(() => (done = true));
  // Ctrl-C during the drain shortens what is left of it to the interrupt's grace.
  let wake: () => void = () => {};
  const onAbort = () => {
    deadline = Math.min(deadline, ctx.clock.nowMs() + INTERRUPT_GRACE_MS);
    wake();
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const left = deadline - ctx.clock.nowMs();
      if (done || inFlight() === 0) return 0;
      if (left <= 0) break;
      ctx.onDrain?.(inFlight(), left);
      const woken = new Promise<void>((r) => (wake = r));
      await Promise.race([settled, woken, ctx.clock.sleep(Math.min(left, DRAIN_REPORT_MS))]);
    }
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
  const cancelled = onGiveUp();
  ctx.onDrain?.(inFlight(), 0);
  await ctx.cancelRunning?.().catch(() => undefined);
  await Promise.race([settled, ctx.clock.sleep(AFTER_CANCEL_MS)]);
  return cancelled;
}
