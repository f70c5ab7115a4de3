import { Command, CommanderError } from 'commander';
import { Interrupted, RuntimeFailure, UserError } from '../errors.ts';
import { ScenarioError } from '../scenario/load.ts';
import { interruptedBy, interruptExitCode } from './signals.ts';
import { VERSION } from './version.ts';

type CommandFactory = (setExit: (code: number) => void) => Command;

/**
 * The commands, in the order --help lists them, each imported when needed: `atombench seed` loads the
 * seed's modules only (the whole CLI's module graph cost about 0.15 s more CPU to load through tsx).
 */
const COMMANDS: Record<string, () => Promise<CommandFactory>> = {
  run: async () => (await import('./run.ts')).runCommand,
  seed: async () => (await import('./seed.ts')).seedCommand,
  report: async () => (await import('./report.ts')).reportCommand,
  compare: async () => (await import('./compare.ts')).compareCommand,
  merge: async () => (await import('./merge.ts')).mergeCommand,
  tune: async () => (await import('./tune.ts')).tuneCommand,
  check: async () => (await import('./check.ts')).checkCommand,
  capacity: async () => (await import('./capacity.ts')).capacityCommand,
};

/**
 * Exit codes (README.md): 0 every target met, 1 a target failed, 2 bad input, 3 runtime failure,
 * 130 / 143 interrupted by SIGINT / SIGTERM.
 */
export const EXIT = { ok: 0, targetFailed: 1, badInput: 2, runtime: 3, sigint: 130, sigterm: 143 } as const;

function printError(e: unknown): number {
  const err = process.stderr;
  // Whatever failed once the user asked to stop (an aborted query, a refused step) is the interrupt.
  if (e instanceof Interrupted || interruptedBy()) {
    const msg = e instanceof Interrupted ? e.message : 'nothing was measured, so no report was written';
    err.write(`atombench: interrupted by ${interruptedBy() ?? 'a signal'}: ${msg}\n`);
    return interruptExitCode();
  }
  if (e instanceof ScenarioError) {
    err.write(`atombench: ${e.source}: ${e.problems.length} problem(s):\n`);
    for (const p of e.problems) err.write(`  ${p.path || '(root)'}: ${p.message}\n`);
    return EXIT.badInput;
  }
  if (e instanceof UserError) {
    err.write(`atombench: ${e.message}\n`);
    return EXIT.badInput;
  }
  if (e instanceof RuntimeFailure) {
    err.write(`atombench: ${e.message}\n`);
    return EXIT.runtime;
  }
  const msg = e instanceof Error ? e.message : String(e);
  err.write(`atombench: unexpected failure: ${msg}\n`);
  if (process.env.ATOMBENCH_DEBUG && e instanceof Error) err.write(`${e.stack}\n`);
  return EXIT.runtime;
}

/** The program with every command, or with `only` (a command name) when the command line names it. */
export async function buildProgram(setExit: (code: number) => void, only?: string): Promise<Command> {
  const program = new Command('atombench')
    .description(
      'Load and benchmark harness for Hartonomous: spatial workloads and OODA traffic judged against the runbook',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const names = only !== undefined && Object.hasOwn(COMMANDS, only) ? [only] : Object.keys(COMMANDS);
  const factories = await Promise.all(names.map((n) => COMMANDS[n]!()));
  for (const make of factories) program.addCommand(make(setExit));
  for (const c of program.commands) c.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

/**
 * Driver warnings reach the user as one line, once, instead of Node's multi-line default. pg's
 * "SECURITY WARNING" about sslmode=require (pg treats prefer / require / verify-ca as verify-full: the
 * certificate is verified) is said in those words.
 */
export function oneLineWarnings(write: (line: string) => void = (l) => process.stderr.write(l)): void {
  process.removeAllListeners('warning');
  const seen = new Set<string>();
  process.on('warning', (w: Error) => {
    const text =
      /SSL modes 'prefer', 'require', and 'verify-ca' are treated as aliases for 'verify-full'/.test(
        w.message,
      )
        ? 'sslmode=prefer/require/verify-ca is treated as verify-full by the pg driver: the server certificate is verified (add uselibpqcompat=true to the URL for libpq semantics)'
        : `${w.name}: ${w.message.split('\n')[0]}`;
    if (seen.has(text)) return;
    seen.add(text);
    write(`atombench: warning: ${text}\n`);
  });
}

export async function main(argv: string[]): Promise<number> {
  oneLineWarnings();
  try {
    let code: number = EXIT.ok;
    // argv[2] is the command (the program itself takes only --help and --version).
    const program = await buildProgram((c) => (code = c), argv[2]);
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; a bad flag or missing argument is bad input.
      return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    return printError(e);
  }
}
