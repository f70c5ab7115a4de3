/**
 * What the end-to-end benchmarks share: the real `atombench` command as a user runs it (a child
 * process, `node bin/atombench.js ...`), timed with GNU time for its wall clock, CPU and peak RSS, and
 * the scenario files those runs read.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ATOMBENCH = join(ROOT, 'bin', 'atombench.js');
const GNU_TIME = '/usr/bin/time';

export function e2eSkipReason(): string | undefined {
  return existsSync(GNU_TIME) ? undefined : `${GNU_TIME} (GNU time) not found: apt-get install time`;
}

export interface ProcessFigures {
  status: number | null;
  stdout: string;
  stderr: string;
  wallSec: number;
  /** User + system CPU of the process (all its threads), seconds. */
  cpuSec: number;
  /** Peak resident set size, MB (GNU time's %M, KiB). */
  maxRssMb: number;
}

/** Run a command under GNU time (its figures go to a file of their own, not to the command's stderr). */
export function timedProcess(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  dir: string,
): ProcessFigures {
  const out = join(dir, `time-${process.hrtime.bigint()}.txt`);
  const r = spawnSync(GNU_TIME, ['-f', '%e %U %S %M', '-o', out, cmd, ...args], {
    encoding: 'utf8',
    env,
    cwd: ROOT,
    maxBuffer: 64 << 20,
  });
  const line = readFileSync(out, 'utf8').trim().split('\n').at(-1) ?? '';
  const [wall, user, sys, rssKb] = line.split(' ').map(Number);
  if (![wall, user, sys, rssKb].every((v) => Number.isFinite(v)))
    throw new Error(`unexpected GNU time output: ${line} (stderr: ${r.stderr})`);
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    wallSec: wall!,
    cpuSec: user! + sys!,
    maxRssMb: rssKb! / 1024,
  };
}

/**
 * Another build's CLI (ATOMBENCH_BENCH_BASE_CLI=<checkout>/bin/atombench.js, e.g. main's), measured in
 * the same repetitions as this one: before / after figures from one run, on the same noisy machine.
 */
export const BASE_CLI = process.env.ATOMBENCH_BENCH_BASE_CLI || undefined;

/** `atombench <args>` as a user runs it (same Node, no bench process in between), timed. */
export function atombench(args: string[], dir: string, url: string, cli = ATOMBENCH): ProcessFigures {
  // The URL goes through the environment, as the README suggests for secrets.
  const env = { ...process.env, ATOMBENCH_URL: url, NO_COLOR: '1' };
  return timedProcess(process.execPath, [cli, ...args], env, dir);
}

/** Write a scenario file and return its path. */
export function writeScenario(dir: string, name: string, doc: Record<string, unknown>): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify({ name, ...doc }));
  return file;
}

/** The 1-minute load average, printed beside each figure (the machine is shared). */
export const load1 = (): string => loadavg()[0]!.toFixed(2);
