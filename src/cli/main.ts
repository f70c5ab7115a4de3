import { Command, CommanderError } from 'commander';
import { Interrupted, RuntimeFailure, UserError } from '../errors.ts';
import { ScenarioError } from '../scenario/load.ts';
import { capacityCommand } from './capacity.ts';
import { compareCommand } from './compare.ts';
import { mergeCommand } from './merge.ts';
import { checkCommand } from './check.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { seedCommand } from './seed.ts';
import { interruptedBy, interruptExitCode } from './signals.ts';
import { tuneCommand } from './tune.ts';
import { VERSION } from './version.ts';

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

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('atombench')
    .description(
      'Load and benchmark harness for Hartonomous: spatial workloads and OODA traffic judged against the runbook',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addCommand(runCommand(setExit));
  program.addCommand(seedCommand(setExit));
  program.addCommand(reportCommand(setExit));
  program.addCommand(compareCommand(setExit));
  program.addCommand(mergeCommand(setExit));
  program.addCommand(tuneCommand(setExit));
  program.addCommand(checkCommand(setExit));
  program.addCommand(capacityCommand(setExit));
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
    const program = buildProgram((c) => (code = c));
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
