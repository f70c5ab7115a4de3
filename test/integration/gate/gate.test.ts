import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The regression gate end to end on the embedded engine: trials, a named baseline, compare's verdicts and
 * exit codes. Runs are tiny (2k atoms, 3 trials of 1 s). The suite runs on shared 2-core machines beside
 * other integration tests, so the test scenario widens the minimum effects and waives the client
 * self-check; the defaults are measured in docs/noise-floor.md.
 *
 * What a loaded machine does to these runs (measured at load average ~20 on 2 cores, note-flakes): the
 * client's late timers add to every latency (it is measured from the intended start), so a trial's p50 on
 * ~1 ms queries reached 25 ms and the runbook's `latency.spatial avg < 50ms` failed the run (exit 1).
 * So the scenario judges no latency target: this file tests compare, and whether `run` passes its latency
 * targets is the machine's speed, not the gate's logic. The injected delay (+100 ms on ~1 ms queries)
 * stays beyond that noise: a baseline trial's p50 would have to reach 67 ms (100 / 1.5, the p50 minimum
 * effect) to hide it.
 */

const BIN = resolve('bin/atombench.js');
const cwd = mkdtempSync(join(tmpdir(), 'atombench-gate-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ATOMBENCH_URL: '' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const scenario = (delayMs: number) => `
name: gate-test
dataset: { atoms: 2000, seed: 3, batchSize: 1000 }
workload:
  injectDelayMs: ${delayMs}
  mix:
    - { op: spatial.knn, weight: 3, k: 10 }
    - { op: spatial.pool, weight: 1, radius: 0.02, pool: 100 }
load: { model: open, ratePerSec: 100, connections: 2 }
warmupSec: 0.3
durationSec: 1
ooda: { triggerEverySec: 0.25, phaseWorkMs: 1, failureRate: 0 }
probes: { intervalMs: 250 }
targets:
  ooda.loopInterval: null
  latency.spatial: null
gate:
  trials: 3
  minEffect: { p50: 50%, p95: 100%, p99: 200%, throughput: 30% }
  ignoreFingerprint: [validity.clientBottleneck]
`;

const json = (file: string) => JSON.parse(readFileSync(join(cwd, file), 'utf8'));

interface Run {
  targets: { metric: string; verdict: string; observed: number | null }[];
  client: { bottleneck: boolean; reasons: string[] };
  trials: { operations: { op: string; latencyMs: { p50: number } }[] }[];
}

/** `run` exits 0, or 1 only for a target failed on a run whose own self-check flagged the client. */
function expectRunExit(code: number | null, result: Run): void {
  if (code === 0) return;
  const failed = result.targets.filter((t) => t.verdict === 'fail');
  expect(code, JSON.stringify(failed)).toBe(1);
  // Exit 1 is a failed target's: an exit 1 for any other reason is not excused by a busy client.
  expect(failed.length, 'exit 1 with no failed target').toBeGreaterThan(0);
  expect(result.client.bottleneck, `failed ${JSON.stringify(failed)} on a clean client`).toBe(true);
}

const INJECTED_MS = 100;
/** gate.minEffect.p50 below. */
const P50_MIN_EFFECT = 0.5;

describe('regression gate', () => {
  writeFileSync(join(cwd, 'gate.yaml'), scenario(0));
  writeFileSync(join(cwd, 'slow.yaml'), scenario(INJECTED_MS));

  it('run --trials keeps every trial and a fingerprint, and --save-baseline stores it by name', () => {
    const r = cli('run', 'gate.yaml', '--out', 'base', '--no-progress', '--quiet', '--save-baseline', 'main');
    expect(r.err).toBe('');
    const result = json('base/latest/result.json');
    expectRunExit(r.code, result);
    expect(r.out).toMatch(/saved baseline main: .*main\.json/);
    expect(result.trials).toHaveLength(3);
    const t = result.trials[1];
    expect(t).toMatchObject({ trial: 2, seekRatio: { value: 1 } });
    expect(t.maxQueueDepth).toHaveProperty('value');
    const knn = t.operations.find((o: { op: string }) => o.op === 'spatial.knn');
    expect(knn).toMatchObject({ errorRate: 0 });
    expect(knn.throughputPerSec).toBeGreaterThan(0);
    expect(knn.histogram).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(result.total.count).toBe(
      result.trials.reduce((a: number, x: { total: { count: number } }) => a + x.total.count, 0),
    );
    expect(result.fingerprint).toMatchObject({
      engine: { name: 'sqlite' },
      dataset: { atoms: 2000, seed: 3, checksum: result.dataset.checksum },
      atombench: { version: result.atombenchVersion },
      client: { node: process.version },
    });
    expect(json('.atombench/baselines/main.json').runId).toBe(result.runId);
  }, 60_000);

  it('two runs of the same build: "no change", exit 0, reports beside the run', () => {
    const r = cli('run', 'gate.yaml', '--out', 'same', '--no-progress', '--baseline', 'main');
    expect(r.code).toBe(0);
    expect(r.out).toContain('## atombench compare: PASS');
    expect(r.out).toMatch(/compare: PASS — 0 regressed/);
    for (const f of ['compare.md', 'compare-junit.xml', 'compare.json'])
      expect(existsSync(join(cwd, 'same/latest', f))).toBe(true);
    const cmp = json('same/latest/compare.json');
    expect(cmp.schema).toBe('atombench/compare@1');
    expect(cmp.comparisons.filter((c: { verdict: string }) => c.verdict === 'regressed')).toEqual([]);
    expect(
      cmp.comparisons.find((c: { op: string; metric: string }) => c.op === 'total' && c.metric === 'p50')
        .method,
    ).toBe('mann-whitney');
  }, 60_000);

  it('an injected slowdown: "regressed", exit 1, with the effect size and interval in the Markdown', (ctx) => {
    const slow = cli('run', 'slow.yaml', '--out', 'slow', '--no-progress', '--quiet');
    expectRunExit(slow.code, json('slow/latest/result.json'));
    const r = cli('compare', 'main', 'slow/latest', '--out', 'cmp');
    // Every slow request takes >= 100 ms, so with 3 trials a side the gate must say "regressed" whenever
    // every baseline trial's p50 is below 100 / 1.5 ms (then all 9 pairs differ by more than the minimum
    // effect). ~1 ms queries measure that slow only when the client's late timers are in the latency: at
    // load ~17 on 2 cores a baseline trial's p50 reached 92 ms with event-loop delay p99 567 ms
    // (note-flakes). Then the runs describe the client, compare must say so, and there is nothing to judge.
    const base = json('base/latest/result.json') as Run;
    const knnP50 = base.trials.map((t) => t.operations.find((o) => o.op === 'spatial.knn')!.latencyMs.p50);
    if (Math.max(...knnP50) >= INJECTED_MS / (1 + P50_MIN_EFFECT)) {
      expect(base.client.bottleneck).toBe(true);
      expect(r.out).toMatch(/client-limited/);
      ctx.skip(`the baseline measured the client (spatial.knn p50 per trial ${knnP50.join(', ')} ms)`);
    }
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toContain('## atombench compare: REGRESSED');
    const line = r.out.split('\n').find((l) => l.startsWith('| spatial.knn | p50 |'))!;
    expect(line).toMatch(/\| \+\d+\.\d% \| \+\d+\.\d% … \+\d+\.\d% \| 0\.050 \| 50% \| \*\*regressed\*\* \|/);
    const cmp = json('cmp/compare.json');
    const p50 = cmp.comparisons.find(
      (c: { op: string; metric: string }) => c.op === 'spatial.knn' && c.metric === 'p50',
    );
    expect(p50).toMatchObject({ verdict: 'regressed', significant: true, beyondMinEffect: true });
    // Every slow p50 is >= 100 ms, so every pairwise ratio, and the Hodges-Lehmann shift with them, is at
    // least 100 ms over the slowest baseline trial's p50 (HDR's 3 digits: 99 ms).
    expect(p50.change).toBeGreaterThanOrEqual((INJECTED_MS * 0.99) / Math.max(...knnP50) - 1);
    expect(p50.change).toBeGreaterThan(P50_MIN_EFFECT);
    expect(readFileSync(join(cwd, 'cmp/compare-junit.xml'), 'utf8')).toMatch(
      /<failure message="spatial\.knn p50 regressed \+/,
    );
  }, 60_000);

  it('a candidate seeded with other data: exit 2 naming the fields, unless told to ignore them', () => {
    expect(
      cli('run', 'gate.yaml', '--seed', '4', '--trials', '1', '--out', 'other', '--no-progress', '--quiet')
        .code,
    ).toBe(0);
    const r = cli('compare', 'main', 'other/latest/result.json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/3 fingerprint field\(s\) differ/);
    expect(r.err).toMatch(/dataset\.checksum: baseline [0-9a-f]+…?, candidate [0-9a-f]+/);
    // The stored data differs too: the database's own content hash of the rows.
    expect(r.err).toMatch(/dataset\.stored: baseline [0-9a-f]+…?, candidate [0-9a-f]+/);
    expect(r.err).toContain('dataset.seed: baseline 3, candidate 4');
    expect(r.err).toContain('--ignore dataset.checksum,dataset.seed,dataset.stored');
    expect(r.err).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const ok = cli(
      'compare',
      'main',
      'other/latest',
      '--ignore',
      'dataset.checksum,dataset.seed,dataset.stored',
      '--quiet',
    );
    expect([0, 1]).toContain(ok.code);
    expect(ok.out).toMatch(/^compare: (PASS|REGRESSED)/);
  }, 60_000);

  it.each([
    [['compare', 'nope', 'main'], /<baseline>: no file "nope" and no baseline named "nope"/],
    [['run', 'gate.yaml', '--baseline', 'nope'], /--baseline: no file "nope"/],
    [['run', 'gate.yaml', '--save-baseline', '../x'], /--save-baseline: "\.\.\/x" is not a baseline name/],
    [['run', 'gate.yaml', '--trials', '0'], /--trials: expected an integer >= 1/],
  ])('exits 2 before doing any work: %j', (args, message) => {
    const r = cli(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('has --help', () => {
    const r = cli('compare', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: atombench compare [options] <baseline> <candidate>');
  });
});
