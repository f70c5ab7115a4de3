import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli-process.ts';

/**
 * workload.timeoutMs on the embedded engine (issue 12): a real `atombench run` whose ingest waits on a
 * write lock another connection holds. The worker deadline ends each stuck ingest as error class
 * `timeout` at 200 ms (better-sqlite3 would wait its 10 s busy_timeout), the reads go on meanwhile, and
 * once the lock is gone the same pool ingests again.
 */

const cwd = mkdtempSync(join(tmpdir(), 'atombench-timeout-'));
const db = join(cwd, 'bench.sqlite');
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const yaml = (durationSec: number) => `
name: timeout
dataset: { atoms: 3000, seed: 3, batchSize: 1000 }
workload:
  timeoutMs: 200
  mix:
    - { op: spatial.knn, weight: 3, k: 10 }
    - { op: ingest, weight: 1, batchSize: 5 }
load: { model: closed, concurrency: 2, gracefulStopSec: 1 }
warmupSec: 0.5
durationSec: ${durationSec}
ooda: { enabled: false }
probes: { intervalMs: 250 }
`;

interface Point {
  tSec: number;
  warmup: boolean;
  ops: number;
  errorClasses?: Record<string, number>;
}

const cli = (args: string[]) =>
  startCli([...args, '--engine', 'sqlite', '--url', `sqlite:${db}`], { cwd, hardTimeoutMs: 120_000 });

describe('workload.timeoutMs on sqlite (a worker deadline)', () => {
  beforeAll(async () => {
    writeFileSync(join(cwd, 'timeout.yaml'), yaml(5));
    const r = await cli(['seed', 'timeout.yaml', '--no-progress']).done;
    expect(r.code, r.out + r.err).toBe(0);
  }, 120_000);

  it('a bad workload.timeoutMs is exit 2 with one line naming the field, before anything runs', async () => {
    writeFileSync(join(cwd, 'bad.yaml'), yaml(1).replace('timeoutMs: 200', 'timeoutMs: -5'));
    const r = await cli(['run', 'bad.yaml', '--no-progress']).done;
    expect(r.code, r.out + r.err).toBe(2);
    const lines = (r.out + r.err).split('\n').filter((l) => l.includes('timeoutMs'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/workload\.timeoutMs: at least 1 ms/);
    expect(r.out + r.err).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('ops stuck past the deadline fail as `timeout`, the run goes on and succeeds after', async () => {
    const run = cli(['run', 'timeout.yaml', '--out', 'out']);
    await run.waitFor(/measure \|/);
    await new Promise((r) => setTimeout(r, 500));
    // Another connection takes the write lock for 1.5 s: every ingest waits on it, the reads do not (WAL).
    const locker = new Database(db, { timeout: 10_000 });
    locker.exec('BEGIN IMMEDIATE');
    const heldAt = performance.now();
    await new Promise((r) => setTimeout(r, 1500));
    locker.exec('COMMIT');
    locker.close();
    const heldMs = performance.now() - heldAt;
    const r = await run.done;
    const out = r.out + r.err;
    expect(out).not.toMatch(/unexpected failure|Unhandled|\n\s+at [\w.<]+ \(/);
    expect([0, 1], out).toContain(r.code);
    const res = JSON.parse(readFileSync(join(cwd, 'out', 'latest', 'result.json'), 'utf8')) as {
      operations: { op: string; count: number; errors: Record<string, number> }[];
      total: { errors: Record<string, number> };
      timeseries: Point[];
    };
    const op = (name: string) => res.operations.find((o) => o.op === name)!;
    const ingest = op('ingest');
    const timeouts = ingest.errors.timeout ?? 0;
    // One stuck ingest per 200 ms per connection at most, while the lock was held (plus one in flight).
    expect(timeouts, JSON.stringify(res.total.errors)).toBeGreaterThan(0);
    expect(timeouts).toBeLessThanOrEqual(2 * Math.ceil(heldMs / 200) + 2);
    // The reads never waited on the lock, and nothing else failed (no worker-exit, no busy errors).
    expect(op('spatial.knn').errors).toEqual({});
    expect(Object.keys(res.total.errors)).toEqual(['timeout']);
    const measured = res.timeseries.filter((p) => !p.warmup);
    const last = measured.reduce((at, p, i) => ((p.errorClasses?.timeout ?? 0) > 0 ? i : at), -1);
    expect(last).toBeGreaterThanOrEqual(0);
    const after = measured.slice(last + 1).filter((p) => p.ops > 0 && !p.errorClasses);
    expect(
      after.reduce((n, p) => n + p.ops, 0),
      JSON.stringify(measured),
    ).toBeGreaterThan(10);
    expect(ingest.count, 'ingests succeeded after the lock').toBeGreaterThan(0);
  }, 120_000);
});
