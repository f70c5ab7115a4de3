import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../../src/engines/sqlite/connection.ts';
import { sqliteCoordination } from '../../../src/engines/sqlite/coordination.ts';
import type { RunResult } from '../../../src/model/result.ts';

/** Shards of the embedded engine: processes on one machine meeting in one database file. */

const dir = mkdtempSync(join(tmpdir(), 'atombench-sqlite-shards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite shard coordination', () => {
  it('lets two connections to one file see each other’s rows, stamped with the clock', async () => {
    const file = join(dir, 'coord.db');
    const a = openSqlite(file);
    const b = openSqlite(file);
    try {
      const ca = sqliteCoordination(() => a);
      const cb = sqliteCoordination(() => b);
      expect(await cb.announced('r1', 'start')).toEqual([]); // no table yet: nothing, and nothing created
      const before = Date.now();
      await ca.announce('r1', 'start', 1, 'ready');
      await cb.announce('r1', 'start', 0, 'ready');
      await cb.announce('r1', 'dataset', 0, 'abc');
      await cb.announce('r2', 'start', 0, 'other run');
      const rows = await ca.announced('r1', 'start');
      expect(rows.map((r) => [r.shard, r.value])).toEqual([
        [0, 'ready'],
        [1, 'ready'],
      ]);
      for (const r of rows) expect(Math.abs(r.atMs - before)).toBeLessThan(5000);
      await ca.announce('r1', 'start', 1, 'again'); // a shard's own row is overwritten, not doubled
      expect((await cb.announced('r1', 'start')).map((r) => r.value)).toEqual(['ready', 'again']);
      expect(Math.abs((await ca.serverTimeMs()) - Date.now())).toBeLessThan(1000);
    } finally {
      a.close();
      b.close();
    }
  });

  it('runs 2 shard processes on one file with a barrier and merges them', async () => {
    writeFileSync(
      join(dir, 'sq.yaml'),
      `name: sqlite-shards
engine: sqlite
dataset: { atoms: 2000, seed: 4, batchSize: 1000 }
workload:
  mix:
    - { op: spatial.knn, weight: 3, k: 10 }
    - { op: ingest, weight: 1, batchSize: 3 }
load: { model: open, ratePerSec: 100, connections: 2 }
warmupSec: 0
durationSec: 2
ooda: { triggerEverySec: 0.5, phaseWorkMs: 1 }
probes: { intervalMs: 500 }
`,
    );
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; err: string }>((done) => {
        const p = spawn(process.execPath, [resolve('bin/atombench.js'), ...args], { cwd: dir });
        let err = '';
        p.stderr.on('data', (d) => (err += d));
        p.stdout.resume();
        p.on('close', (code) => done({ code, err }));
      });
    const common = ['--barrier', '--run-id', 'sq1', '--out', 'out', '--no-progress', '--quiet'];
    const runs = await Promise.all([0, 1].map((i) => cli('run', 'sq.yaml', '--shard', `${i}/2`, ...common)));
    for (const r of runs) expect(r.code, r.err).toBe(0);
    const m = await cli('merge', join(dir, 'out', 'sq1'), '--out', join(dir, 'merged'), '--quiet');
    expect([0, 1], m.err).toContain(m.code);
    const merged = JSON.parse(readFileSync(join(dir, 'merged', 'result.json'), 'utf8')) as RunResult;
    expect(merged.merged?.label).toBe('merged from 2 shards');
    expect(merged.load.achievedRatePerSec).toBeCloseTo(100, 0);
  }, 120_000);
});
