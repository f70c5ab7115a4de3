/**
 * Ctrl-C stops a run gracefully: the first SIGINT/SIGTERM aborts the load, and what was measured is
 * still written (marked interrupted); a second one exits at once.
 */
export function abortOnSignals(onFirst: (signal: string) => void): {
  signal: AbortSignal;
  dispose: () => void;
} {
  const ac = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) process.exit(130);
    onFirst(sig);
    ac.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
