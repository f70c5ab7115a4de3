import type { Progress } from '../run/progress.ts';
import { terminalProgress } from './progress.ts';

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

/**
 * What a long command sets up first: where human output goes (stderr under --json), its progress, and
 * Ctrl-C handling that says `interrupted` through that progress.
 */
export function interruptibleOutput(
  flags: { json?: boolean; quiet?: boolean; progress?: boolean },
  interrupted: string,
): { human: NodeJS.WriteStream; progress: Progress; signal: AbortSignal; dispose: () => void } {
  const human = flags.json ? process.stderr : process.stdout;
  const progress = terminalProgress({
    enabled: flags.progress !== false,
    quiet: !!flags.quiet,
    stream: human,
  });
  return { human, progress, ...abortOnSignals(() => progress.info(interrupted)) };
}
