import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuerySource } from '../../../src/dataset/queries.ts';
import { createRandom, STREAMS } from '../../../src/dataset/prng.ts';
import { arrivalSchedule, shardSchedule } from '../../../src/load/arrivals.ts';
import { globalRequestIndex } from '../../../src/load/shard.ts';
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeAll,
  recordMicros,
} from '../../../src/metrics/histogram.ts';
import type { RunResult } from '../../../src/model/result.ts';
import { scenarioSchema } from '../../../src/scenario/schema.ts';
import { createRequestStream } from '../../../src/workload/request-stream.ts';
import { parse } from 'yaml';
import { postgisSkipReason, startPgServer, type PgServer } from '../../helpers/pg-server.ts';

/**
 * The acceptance test of issue 15: N = 4 shards as separate OS processes, started together with
 * --start-at, against one throwaway PostGIS server, then `atombench merge`.
 */

const skip = postgisSkipReason();
const CLI = resolve('test/helpers/shard-cli.mjs');
const N = 4;
const RATE = 200;
const DURATION_SEC = 6;

// warmupSec 0: every latency the recorder receives is in the measured totals, so the raw logs are
// exactly the samples the histograms should hold.
const SCENARIO = `
name: shards-acceptance
engine: postgis
dataset: { atoms: 3000, seed: 11, batchSize: 1000 }
workload:
  mix:
    - { op: spatial.knn, weight: 3, k: 10 }
    - { op: spatial.pool, weight: 2, radius: { min: 5, max: 15 }, pool: 50 }
    - { op: ingest, weight: 1, batchSize: 3 }
load: { model: open, ratePerSec: ${RATE}, arrivals: constant, connections: 8, maxInFlight: 512 }
warmupSec: 0
durationSec: ${DURATION_SEC}
ooda: { triggerEverySec: 0.5, phaseWorkMs: 1 }
probes: { intervalMs: 1000 }
targets:
  latency.spatial: avg < 10s
  latency.spatial.knn: p95 < 10s
`;

interface Exit {
  code: number | null;
  out: string;
  err: string;
}

function cli(cwd: string, env: Record<string, string>, ...args: string[]): Promise<Exit> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, ATOMBENCH_URL: '', ...env },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => done({ code, out, err }));
  });
}

const readJson = (f: string): RunResult => JSON.parse(readFileSync(f, 'utf8')) as RunResult;

describe.skipIf(!!skip)('4 shards on one PostGIS server, merged', () => {
  let server: PgServer;
  let cwd: string;
  let runDir: string;
  let shards: RunResult[];
  let merged: RunResult;
  let mergeExit: Exit;
  let raw: string[][];

  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off', synchronous_commit: 'off' } });
    cwd = mkdtempSync(join(tmpdir(), 'atombench-shards-'));
    writeFileSync(join(cwd, 'shards.yaml'), SCENARIO);
    // Far enough ahead for 4 cold processes and shard 0's seed on a busy 2-core machine.
    const at = new Date(Math.ceil((Date.now() + 30_000) / 1000) * 1000).toISOString();
    const runs = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        cli(
          cwd,
          { ATOMBENCH_TEST_LATENCY_LOG: join(cwd, `raw-${i}.tsv`) },
          'run',
          'shards.yaml',
          '--url',
          server.url,
          '--shard',
          `${i}/${N}`,
          '--start-at',
          at,
          '--out',
          'out',
          '--no-progress',
          '--quiet',
        ),
      ),
    );
    for (const [i, r] of runs.entries()) expect(r.code, `shard ${i}: ${r.err}${r.out}`).toBe(0);
    const runId = `shards-${at.replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
    runDir = join(cwd, 'out', runId);
    shards = Array.from({ length: N }, (_, i) => readJson(join(runDir, `shard-${i}-of-${N}`, 'result.json')));
    raw = Array.from({ length: N }, (_, i) =>
      readFileSync(join(cwd, `raw-${i}.tsv`), 'utf8')
        .split('\n')
        .filter(Boolean),
    );
    mergeExit = await cli(cwd, {}, 'merge', runDir, '--out', join(cwd, 'merged'));
    merged = readJson(join(cwd, 'merged', 'result.json'));
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('writes one merged result, marked merged from 4 shards, judged once', () => {
    expect(mergeExit.code, mergeExit.err).toBe(merged.verdict === 'pass' ? 0 : 1);
    expect(merged.merged?.label).toBe('merged from 4 shards');
    expect(merged.merged?.perShard.map((s) => s.index)).toEqual([0, 1, 2, 3]);
    expect(merged.shard).toBeUndefined();
    expect(merged.targets.length).toBeGreaterThan(0);
    expect(readFileSync(join(cwd, 'merged', 'summary.md'), 'utf8')).toContain('merged from 4 shards');
    const html = readFileSync(join(cwd, 'merged', 'report.html'), 'utf8');
    expect(html).toContain('shard 3 ops/s');
  });

  it('records each shard: its slice, its clock offset to the server; probes and OODA on shard 0 only', () => {
    for (const [i, s] of shards.entries()) {
      expect(s.shard).toMatchObject({ index: i, count: N, start: { kind: 'at' } });
      expect(Math.abs(s.shard!.clockOffsetMs!)).toBeLessThan(100); // same machine: the same clock
      expect(s.dataset.checksum).toBe(shards[0]!.dataset.checksum);
    }
    expect(shards[0]!.probes.seekRatio).toEqual({ value: 1 });
    expect(shards[2]!.probes.seekRatio).toEqual({ na: 'probes run on shard 0 only' });
    expect(shards[0]!.ooda?.loopsStarted).toBeGreaterThan(0);
    expect(shards[1]!.ooda).toBeNull();
    expect(merged.probes.seekRatio).toEqual({ value: 1 });
    expect(merged.merged!.clockSkewMs).toBeLessThan(100);
  });

  it('counts: every merged operation count is the sum of the shards’', () => {
    for (const op of merged.operations) {
      const parts = shards.map((s) => s.operations.find((o) => o.op === op.op)?.count ?? 0);
      expect(op.count).toBe(parts.reduce((a, b) => a + b, 0));
    }
    expect(merged.total.count).toBe(shards.reduce((a, s) => a + s.total.count, 0));
    expect(merged.total.count).toBeGreaterThan(RATE * DURATION_SEC * 0.9);
  });

  it('histograms: the merged one equals one histogram of every raw latency of every shard, exactly', () => {
    const byOp = new Map<string, ReturnType<typeof createLatencyHistogram>>();
    for (const lines of raw)
      for (const line of lines) {
        const [op, us] = line.split('\t');
        let h = byOp.get(op!);
        if (!h) byOp.set(op!, (h = createLatencyHistogram()));
        recordMicros(h, Number(us));
      }
    for (const op of merged.operations) {
      const h = byOp.get(op.op)!;
      expect(h.totalCount).toBe(op.latencyMs.count);
      expect(encodeHistogram(decodeHistogram(op.histogram))).toBe(encodeHistogram(h));
    }
    expect(encodeHistogram(decodeHistogram(merged.total.histogram))).toBe(
      encodeHistogram(mergeAll(byOp.values())),
    );
  });

  it('streams: the shards issued disjoint slices whose union is the unsharded stream (on the generator)', () => {
    const sc = scenarioSchema.parse(parse(SCENARIO));
    const totalMs = DURATION_SEC * 1000;
    const schedule = (shard?: { index: number; count: number }) => {
      const s = shardSchedule(
        arrivalSchedule({
          ratePerSec: RATE,
          arrivals: 'constant',
          warmupMs: 0,
          totalMs,
          stages: [],
          rand: createRandom(sc.dataset.seed, STREAMS.arrivals),
        }),
        shard,
      );
      const ks: number[] = [];
      for (let t = s.next(); t !== Infinity; t = s.next()) ks.push(s.lastIndex);
      return ks;
    };
    const whole = schedule();
    const slices = shards.map((s) => schedule(s.shard));
    expect(slices.flat().sort((a, b) => a - b)).toEqual(whole);
    // what each shard process issued is exactly its slice (no drops at this rate)
    for (const [i, s] of shards.entries()) {
      expect(s.load.dropped).toBe(0);
      expect(s.shard!.issued).toBe(slices[i]!.length);
    }
    const points = createQuerySource(sc.dataset, sc.workload.queryJitter, sc.dataset.seed);
    const unsharded = createRequestStream(sc.workload.mix, points, sc.dataset.seed);
    for (const [i, slice] of slices.entries()) {
      const own = createRequestStream(sc.workload.mix, points, sc.dataset.seed);
      slice.slice(0, 50).forEach((k, m) => {
        expect(globalRequestIndex(m, { index: i, count: N })).toBe(k);
        expect(own.at(k)).toEqual(unsharded.at(k));
      });
    }
  });

  it('rate: the merged arrivals per second are within 2 % of the requested rate', () => {
    const achieved = merged.load.achievedRatePerSec!;
    expect(Math.abs(achieved - RATE) / RATE).toBeLessThan(0.02);
    expect(merged.load.ratePerSec).toBe(RATE);
  });

  it('refuses (exit 2) shards of another run or another dataset, naming the field', async () => {
    const bad = join(cwd, 'bad');
    cpSync(runDir, bad, { recursive: true });
    const f3 = join(bad, `shard-3-of-${N}`, 'result.json');
    const r3 = readJson(f3);
    writeFileSync(f3, JSON.stringify({ ...r3, dataset: { ...r3.dataset, checksum: 'f'.repeat(64) } }));
    const ds = await cli(cwd, {}, 'merge', bad, '--out', join(cwd, 'bad-merged'));
    expect(ds.code).toBe(2);
    expect(ds.err).toContain('dataset.checksum differs');
    writeFileSync(f3, JSON.stringify({ ...r3, runId: 'another-run' }));
    const run = await cli(cwd, {}, 'merge', bad, '--out', join(cwd, 'bad-merged'));
    expect(run.code).toBe(2);
    expect(run.err).toContain('runId differs');
    rmSync(join(bad, `shard-3-of-${N}`), { recursive: true });
    const missing = await cli(cwd, {}, 'merge', bad, '--out', join(cwd, 'bad-merged'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('shard.index: missing 3/4');
  }, 60_000);
});

const CLOSED = `
name: shards-barrier
engine: postgis
dataset: { atoms: 2000, seed: 5, batchSize: 1000 }
workload:
  mix:
    - { op: spatial.knn, weight: 1, k: 5 }
load: { model: closed, concurrency: 3 }
warmupSec: 0.5
durationSec: 3
ooda: { enabled: false }
probes: { intervalMs: 500 }
`;

describe.skipIf(!!skip)('shards started by a barrier on the database (closed loop)', () => {
  let server: PgServer;
  let cwd: string;

  beforeAll(async () => {
    server = await startPgServer({ settings: { fsync: 'off', synchronous_commit: 'off' } });
    cwd = mkdtempSync(join(tmpdir(), 'atombench-barrier-'));
    writeFileSync(join(cwd, 'closed.yaml'), CLOSED);
  });
  afterAll(async () => {
    await server?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  const shard = (i: number, runId: string, ...extra: string[]) =>
    cli(
      cwd,
      {},
      'run',
      'closed.yaml',
      '--url',
      server.url,
      '--shard',
      `${i}/2`,
      '--barrier',
      '--run-id',
      runId,
      '--out',
      'out',
      '--no-progress',
      '--quiet',
      ...extra,
    );

  it('meets at the barrier, starts both shards at one time, deals the 3 workers 2 + 1, and merges', async () => {
    const runs = await Promise.all([shard(0, 'barrier-1'), shard(1, 'barrier-1')]);
    for (const [i, r] of runs.entries()) expect(r.code, `shard ${i}: ${r.err}${r.out}`).toBe(0);
    const parts = [0, 1].map((i) =>
      readJson(join(cwd, 'out', 'barrier-1', `shard-${i}-of-2`, 'result.json')),
    );
    for (const p of parts) expect(p.shard!.start).toEqual({ kind: 'barrier', timeoutSec: 600 });
    // Both converted the same server time to their (here: the same) clock.
    expect(Math.abs(Date.parse(parts[0]!.startedAt) - Date.parse(parts[1]!.startedAt))).toBeLessThan(250);
    const rows = server.psql(
      "SELECT key || ':' || shard FROM atombench_shards WHERE run_id = 'barrier-1' ORDER BY key, shard",
    );
    expect(rows.trim().split(/\s+/)).toEqual(['dataset:0', 'start:0', 'start:1']);
    const m = await cli(
      cwd,
      {},
      'merge',
      join(cwd, 'out', 'barrier-1'),
      '--out',
      join(cwd, 'merged'),
      '--quiet',
    );
    expect([0, 1], m.err).toContain(m.code);
    const merged = readJson(join(cwd, 'merged', 'result.json'));
    expect(merged.load.concurrency).toBe(3);
    expect(merged.total.count).toBe(parts[0]!.total.count + parts[1]!.total.count);
    // 2 workers against 1: shard 0 did more of the work (same server, same queries)
    expect(parts[0]!.total.count).toBeGreaterThan(parts[1]!.total.count);
  }, 180_000);

  it('gives up at the barrier timeout, naming the shard that never came (exit 3)', async () => {
    const r = await shard(0, 'barrier-alone', '--barrier-timeout', '2s');
    expect(r.code).toBe(3);
    expect(r.err).toContain('barrier of run barrier-alone: 1 of 2 shards arrived within 2 s (missing: 1)');
  }, 120_000);
});
