/**
 * The CLI as a user runs it, for the interrupt and fault suites: a real child process whose output is
 * watched line by line, so a test can act (a signal, a server fault) when a phase begins, with a hard
 * timeout so a hang fails the test instead of stalling the suite.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve('bin/atombench.js');

export interface CliRun {
  /** Resolves when stdout + stderr so far match `re` (rejects after `timeoutMs`). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  /** Exit code (null when killed by the hard timeout), output, and performance.now() at the exit. */
  done: Promise<{ code: number | null; out: string; err: string; exitedAtMs: number }>;
  output(): string;
}

export function startCli(
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; hardTimeoutMs: number },
): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ATOMBENCH_URL: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const watchers: { re: RegExp; ok: () => void }[] = [];
  const check = () => {
    for (const w of [...watchers])
      if (w.re.test(out + err)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.ok();
      }
  };
  child.stdout.on('data', (d: Buffer) => ((out += d.toString()), check()));
  child.stderr.on('data', (d: Buffer) => ((err += d.toString()), check()));
  const hard = setTimeout(() => child.kill('SIGKILL'), opts.hardTimeoutMs);
  const done = new Promise<{ code: number | null; out: string; err: string; exitedAtMs: number }>((res) =>
    child.on('close', (code) => {
      clearTimeout(hard);
      res({ code, out, err, exitedAtMs: performance.now() });
    }),
  );
  return {
    waitFor: (re, timeoutMs = 60_000) =>
      new Promise<void>((ok, fail) => {
        const t = setTimeout(
          () => fail(new Error(`timed out waiting for ${re}; output so far:\n${out}${err}`)),
          timeoutMs,
        );
        watchers.push({
          re,
          ok: () => {
            clearTimeout(t);
            ok();
          },
        });
        check();
        void done.then(() => {
          clearTimeout(t);
          if (watchers.some((w) => w.re === re))
            fail(new Error(`exited before ${re}; output:\n${out}${err}`));
        });
      }),
    kill: (s) => child.kill(s),
    done,
    output: () => out + err,
  };
}
