import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** `atombench capacity` as a user runs it: exit codes 2 (bad input) and 1 (even the first step fails). */

const BIN = resolve('bin/atombench.js');
const dir = mkdtempSync(join(tmpdir(), 'atombench-capacity-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, 'capacity', ...args, '--no-progress'], {
    cwd: dir,
    env: { ...process.env, ATOMBENCH_URL: '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('atombench capacity', () => {
  it('exit 2: a closed loop, and bad flags, each named', () => {
    const r = cli([resolve('scenarios/smoke.yaml'), '--max-steps', '0', '--atoms', '100k,10k']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--max-steps: expected a positive integer; got "0"');
    expect(r.err).toContain('--atoms: sizes must be ascending; got 100k,10k');
    const closed = cli([resolve('scenarios/smoke.yaml')]);
    expect(closed.code).toBe(2);
    expect(closed.err).toMatch(/load.model: capacity steps the arrival rate of an open loop/);
  });

  it(
    'exit 1 when even the first step fails, with capacity.json and capacity.md written',
    { timeout: 120_000 },
    () => {
      writeFileSync(
        join(dir, 'fails.yaml'),
        `name: fails
dataset: { atoms: 1000, seed: 2, batchSize: 1000 }
workload: { mix: [ { op: spatial.knn, k: 5 } ] }
load: { model: open, ratePerSec: 20, maxInFlight: 16, connections: 2 }
warmupSec: 0.3
durationSec: 1
ooda: { enabled: false }
probes: { intervalMs: 250 }
targets: { latency.spatial: 'p95 < 5ms' }
capacity: { clientBound: judge }
report: { out: out }
`,
      );
      const r = cli(['fails.yaml'], { ATOMBENCH_TEST_SERVICE_TIME_MS: '20' });
      expect(r.code, r.err).toBe(1);
      expect(r.out).toMatch(
        /capacity: even the first step, 20.0\/s, fails: latency.spatial p95 \(p95 < 5ms\)/,
      );
      const doc = JSON.parse(readFileSync(join(dir, 'out/latest/capacity.json'), 'utf8'));
      expect(doc.schema).toBe('atombench/capacity@1');
      expect(doc.search.outcome).toBe('first-step-fails');
      expect(doc.search.steps).toHaveLength(1);
      expect(existsSync(join(dir, 'out/latest', doc.search.steps[0].resultFile))).toBe(true);
      expect(readFileSync(join(dir, 'out/latest/capacity.md'), 'utf8')).toContain('## Rate search');
      expect(existsSync(join(dir, 'out/latest/capacity.html'))).toBe(true);
    },
  );
});
