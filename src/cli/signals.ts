import type { Progress } from '../run/progress.ts';
import { terminalProgress } from './progress.ts';

/** Exit codes of an interrupted command (README, DESIGN.md "Contracts"): 128 + the signal number. */
export const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** If the command has not ended this long after the first signal, it exits anyway (nothing may hang it). */
const FORCE_EXIT_MS = 10_000;

let received: NodeJS.Signals | undefined;

/** The signal that interrupted this process, if one did. */
export function interruptedBy(): NodeJS.Signals | undefined {
  return received;
}

/** The exit code for the signal that interrupted the process (130 when none is known). */
export function interruptExitCode(): number {
  return SIGNAL_EXIT[received ?? 'SIGINT'] ?? 130;
}

/**
 * Ctrl-C stops a run gracefully: the first SIGINT/SIGTERM aborts the load, and what was measured is
 * still written (marked interrupted); a second one exits at once; and should anything still hang,
 * the process exits FORCE_EXIT_MS after the first.
 */
export function abortOnSignals(onFirst: (signal: string) => void): {
  signal: AbortSignal;
  dispose: () => void;
} {
  const ac = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) {
      process.stderr.write(`atombench: ${sig} again: exiting now\n`);
      process.exit(SIGNAL_EXIT[sig] ?? 130);
    }
    received = sig;
    onFirst(sig);
    ac.abort(new DOMException(`interrupted by ${sig}`, 'AbortError'));
    setTimeout(() => {
      process.stderr.write(`atombench: still not stopped ${FORCE_EXIT_MS / 1000} s after ${sig}: exiting\n`);
      process.exit(SIGNAL_EXIT[sig] ?? 130);
    }, FORCE_EXIT_MS).unref();
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
