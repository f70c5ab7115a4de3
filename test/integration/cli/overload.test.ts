import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Past the limit on the embedded engine (issue 12): an open loop the server cannot keep up with fails
 * with the drop reason, and what still runs at the end of the graceful stop is cancelled (the SQLite
 * worker is stopped and replaced) and counted apart, never as a latency.
 */

const BIN = resolve('bin/atombench.js');
const cwd = mkdtempSync(join(tmpdir(), 'atombench-overload-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const yaml = (graceSec: number) => `
name: overload
dataset: { atoms: 2000, seed: 3, batchSize: 500 }
workload:
  mix:
    - { op: spatial.knn, weight: 1, k: 10 }
load: { model: open, ratePerSec: 3000, maxInFlight: 2, connections: 2, gracefulStopSec: ${graceSec} }
warmupSec: 0.3
durationSec: 2
ooda: { enabled: false }
probes: { intervalMs: 500 }
`;

function run(name: string, graceSec: number) {
  writeFileSync(join(cwd, `${name}.yaml`), yaml(graceSec));
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, 'run', `${name}.yaml`, '--engine', 'sqlite', '--out', name], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ATOMBENCH_URL: '' },
    timeout: 90_000,
  });
  const result = JSON.parse(readFileSync(join(cwd, name, 'latest', 'result.json'), 'utf8'));
  return { code: r.status, out: r.stdout + r.stderr, result, ms: Date.now() - t0 };
}

describe('an overloaded open loop', () => {
  it('fails with the reason: arrivals dropped, achieved vs requested rate in every report', () => {
    const r = run('drops', 1);
    expect(r.code, r.out).toBe(1);
    expect(r.result.verdict).toBe('fail');
    const t = r.result.targets.find((x: { metric: string }) => x.metric === 'load.dropRatio');
    expect(t.verdict).toBe('fail');
    expect(t.observed).toBeGreaterThan(0.1);
    expect(t.reason).toMatch(/could not keep up: \d+\.\d% of arrivals dropped/);
    expect(r.result.load.dropped).toBeGreaterThan(0);
    expect(r.result.load.achievedRatePerSec).toBeLessThan(3000);
    expect(r.result.client.limitedBy).toMatch(/^(client|server)$/);
    expect(r.out).toMatch(/load: rate 3000\/s requested, \d+\/s achieved; dropped arrivals/);
    const md = readFileSync(join(cwd, 'drops', 'latest', 'summary.md'), 'utf8');
    expect(md).toMatch(/Dropped arrivals \(max in flight busy\): [\d,]+ \(\d+\.\d% of arrivals\)/);
    const junit = readFileSync(join(cwd, 'drops', 'latest', 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<property name="dropped" value="[1-9]\d*"\/>/);
    expect(junit).toMatch(/<testcase [^>]*name="load.dropRatio ratio &lt; 1%"[^>]*>\s*<failure/);
  });

  it('with no graceful stop, the requests still running at the end are cancelled and counted apart', () => {
    const r = run('cancel', 0);
    expect(r.code, r.out).toBe(1);
    expect(r.result.load.cancelled).toBeGreaterThan(0);
    expect(r.result.load.cancelled).toBeLessThanOrEqual(2);
    // Counted apart: a cancelled request is neither a success nor an error class.
    expect(Object.keys(r.result.total.errors)).not.toContain('cancelled');
    expect(r.result.timeseries.some((p: { cancelled?: number }) => (p.cancelled ?? 0) > 0)).toBe(true);
    expect(r.out).toMatch(/cancelled after the 0 s graceful stop: [12]/);
  });
});
