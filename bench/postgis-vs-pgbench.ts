/**
 * Harness overhead on a real server: atombench's closed loop (the real PostGIS engine, its pool of
 * prepared statements, src/load/closed-loop.ts and the interval recorder with its HDR histograms)
 * against pgbench -M prepared running the very same statement text, at the same client count,
 * duration and warm-up, with query points drawn from the same distribution. Ratios near 1 mean
 * atombench measures the server, not itself.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Point3 } from '../src/dataset/types.ts';
import { postgisIds, spatialSql, type SpatialSql } from '../src/engines/postgis/dialect.ts';
import type { PostgisEngine } from '../src/engines/postgis/index.ts';
import type { OperationRequest } from '../src/engines/types.ts';
import { errorClassOf } from '../src/errors.ts';
import { realClock } from '../src/load/clock.ts';
import { executeOperation } from '../src/workload/registry.ts';
import { runClosedLoop } from '../src/load/closed-loop.ts';
import type { LoadContext } from '../src/load/types.ts';
import { percentileMs } from '../src/metrics/histogram.ts';
import { IntervalRecorder } from '../src/metrics/interval.ts';
import { resolveNames } from '../src/scenario/names.ts';
import {
  benchEnv,
  benchScenario,
  benchServer,
  fmt,
  median,
  percentileSorted,
  pgTool,
  postgisBenchSkipReason,
  seededEngine,
  type BenchEnv,
} from './postgis-common.ts';
import type { BenchModule } from './types.ts';

/**
 * The operation both sides run (ATOMBENCH_BENCH_OP): spatial.knn k=10, the cheapest query (the
 * client's per-query cost weighs most), or spatial.pool radius 10 / pool 1000 as Hartonomous runs it.
 */
interface BenchOp {
  name: 'spatial.knn' | 'spatial.pool';
  label: string;
  /** pgbench variables for the statement's $1, $2, ... in order, and their \set lines after qx, qy. */
  vars: string[];
  sets: string[];
  request(q: Point3): OperationRequest;
  sql(s: SpatialSql): string;
}
const OPS: Record<string, BenchOp> = {
  'spatial.knn': {
    name: 'spatial.knn',
    label: 'spatial.knn k=10',
    vars: ['qx', 'qy', 'k'],
    sets: ['\\set k 10'],
    request: (q) => ({ op: 'spatial.knn', q, k: 10 }),
    sql: (s) => s.knn,
  },
  'spatial.pool': {
    name: 'spatial.pool',
    label: 'spatial.pool radius 10, pool 1000',
    vars: ['qx', 'qy', 'r', 'pool'],
    sets: ['\\set r 10', '\\set pool 1000'],
    request: (q) => ({ op: 'spatial.pool', q, radius: 10, pool: 1000 }),
    sql: (s) => s.pool,
  },
};

function benchOp(): BenchOp {
  const name = process.env.ATOMBENCH_BENCH_OP ?? 'spatial.knn';
  const op = OPS[name];
  if (!op) throw new Error(`ATOMBENCH_BENCH_OP: one of ${Object.keys(OPS).join(', ')}`);
  return op;
}
/** Query points: uniform over +-0.05 on X and Y (the blob's core), as integers / 1e6 so pgbench can draw them. */
const SPAN = 50_000;
const SCALE = 1_000_000;

interface Side {
  tps: number;
  p50Ms: number;
  p99Ms: number;
  count: number;
  errors: number;
  /** Client CPU (user + system) per query, µs: this process, or pgbench's as bash `times` reports it. */
  cpuUsPerQuery: number;
}

/** The engine's own statement with pgbench variables in place of its parameters. */
function pgbenchScript(op: BenchOp): string {
  const engineSql = op.sql(spatialSql(postgisIds(resolveNames('runbook', {})), 'knn-dwithin'));
  const sql = engineSql
    .replace(/\$(\d+)/g, (_, i: string) => `:${op.vars[Number(i) - 1]}`)
    .replace(/\s+/g, ' ');
  return [
    `\\set qx random(-${SPAN}, ${SPAN}) / ${SCALE}.0`,
    `\\set qy random(-${SPAN}, ${SPAN}) / ${SCALE}.0`,
    ...op.sets,
    `${sql};`,
    '',
  ].join('\n');
}

async function atombenchSide(engine: PostgisEngine, env: BenchEnv, op: BenchOp): Promise<Side> {
  const draw = () => (Math.floor(Math.random() * (2 * SPAN + 1)) - SPAN) / SCALE;
  const warmupMs = env.warmupSec * 1000;
  const totalMs = warmupMs + env.durationSec * 1000;
  const t0 = performance.now();
  const recorder = new IntervalRecorder({
    now: () => performance.now(),
    startMs: t0,
    warmupSec: env.warmupSec,
    ops: [op.name],
  });
  const ctx: LoadContext = {
    next: () => op.request({ x: draw(), y: draw(), z: 0 }),
    execute: (req) => executeOperation(engine, req), // as run/measure.ts does
    classify: errorClassOf,
    sink: recorder,
    clock: realClock,
    signal: new AbortController().signal,
    totalMs,
    gracefulStopMs: 5000,
  };
  const load = runClosedLoop(ctx, env.clients, () => env.clients, 0);
  let done = false;
  void load.finally(() => (done = true));
  // Ticks as the orchestrator makes them: every second, and exactly at the end of the warm-up.
  const ticks = [...Array(Math.floor(totalMs / 1000)).keys()]
    .map((i) => (i + 1) * 1000)
    .filter((t) => t < totalMs);
  if (!ticks.includes(warmupMs)) ticks.push(warmupMs);
  ticks.sort((a, b) => a - b);
  let cpu0 = process.cpuUsage();
  for (const at of ticks) {
    const wait = at - (performance.now() - t0);
    if (wait > 0) await Promise.race([new Promise((r) => setTimeout(r, wait)), load]);
    if (done) break;
    recorder.tick();
    if (at === warmupMs) cpu0 = process.cpuUsage();
  }
  await load;
  recorder.tick();
  const cpu = process.cpuUsage(cpu0);
  const totals = recorder.totals();
  const t = totals.operations.get(op.name)!;
  const errors = Object.values(t.errors).reduce((a, b) => a + b, 0);
  return {
    tps: t.count / totals.measuredSec,
    p50Ms: percentileMs(t.histogram, 50),
    p99Ms: percentileMs(t.histogram, 99),
    count: t.count,
    errors,
    cpuUsPerQuery: (cpu.user + cpu.system) / t.count,
  };
}

/** Children's user and system seconds from bash's `times` (its second line: "0m0.340s 0m0.970s"). */
function childCpuSec(timesOutput: string): number {
  const line = timesOutput.trim().split('\n').at(-1) ?? '';
  const secs = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (secs.length !== 2) throw new Error(`unexpected output of bash times: ${timesOutput}`);
  return secs[0]! + secs[1]!;
}

/** pgbench -M prepared with a per-transaction log; the warm-up is cut from the log like atombench cuts it. */
function pgbenchSide(url: string, script: string, env: BenchEnv): Side {
  const dir = mkdtempSync(join(tmpdir(), 'atombench-pgbench-'));
  try {
    const scriptFile = join(dir, 'script.sql');
    writeFileSync(scriptFile, script);
    const prefix = join(dir, 'txlog');
    const total = Math.ceil(env.warmupSec + env.durationSec);
    const args = [
      '-n',
      '-M',
      'prepared',
      '-c',
      String(env.clients),
      '-j',
      '1',
      '-T',
      String(total),
      '-f',
      scriptFile,
      '-l',
      `--log-prefix=${prefix}`,
      url,
    ];
    // Through bash, whose `times` then reports pgbench's CPU (the client's cost per query, beside ours).
    const timesFile = join(dir, 'times');
    const r = spawnSync(
      'bash',
      ['-c', '"$@"; s=$?; times > "$TIMES_FILE"; exit $s', 'pgbench', pgTool('pgbench')!, ...args],
      { encoding: 'utf8', env: { ...process.env, TIMES_FILE: timesFile } },
    );
    if (r.status !== 0) throw new Error(`pgbench failed (${r.status}): ${r.stderr}`);
    // Log line: client_id transaction_no time_us script_no epoch_sec epoch_us [...] (time = latency).
    const tx: { endUs: number; latUs: number }[] = [];
    for (const f of readdirSync(dirname(prefix)).filter((n) => n.startsWith(`${basename(prefix)}.`))) {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        const p = line.split(' ');
        if (p.length < 6) continue;
        tx.push({ latUs: Number(p[2]), endUs: Number(p[4]) * 1e6 + Number(p[5]) });
      }
    }
    if (!tx.length) throw new Error('pgbench wrote no transaction log');
    const cpuUsPerQuery = (childCpuSec(readFileSync(timesFile, 'utf8')) * 1e6) / tx.length;
    const startUs = Math.min(...tx.map((t) => t.endUs - t.latUs));
    const from = startUs + env.warmupSec * 1e6;
    const to = from + env.durationSec * 1e6;
    const measured = tx.filter((t) => t.endUs >= from && t.endUs < to).map((t) => t.latUs / 1000);
    measured.sort((a, b) => a - b);
    return {
      tps: measured.length / env.durationSec,
      p50Ms: percentileSorted(measured, 50),
      p99Ms: percentileSorted(measured, 99),
      count: measured.length,
      errors: 0,
      cpuUsPerQuery,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const postgisVsPgbench: BenchModule = {
  name: 'postgis: atombench closed loop vs pgbench -M prepared, same statement',
  skipReason: () => postgisBenchSkipReason('pgbench'),
  async run(log) {
    const env = benchEnv();
    const server = await benchServer(env);
    try {
      const sc = benchScenario(env.atoms);
      const engine = await seededEngine(server.url, sc, log);
      try {
        await engine.openPool(env.clients);
        const op = benchOp();
        const script = pgbenchScript(op);
        log(
          `  ${op.label}, ${env.atoms} atoms, ${env.clients} clients, ${env.warmupSec}s warm-up + ${env.durationSec}s, ${env.reps} repetitions (alternating order)`,
        );
        const ratios = { tps: [] as number[], p50: [] as number[], p99: [] as number[] };
        const cpu = { ours: [] as number[], theirs: [] as number[] };
        for (let rep = 0; rep < env.reps; rep++) {
          let ours: Side;
          let theirs: Side;
          if (rep % 2 === 0) {
            theirs = pgbenchSide(server.url, script, env);
            ours = await atombenchSide(engine, env, op);
          } else {
            ours = await atombenchSide(engine, env, op);
            theirs = pgbenchSide(server.url, script, env);
          }
          ratios.tps.push(ours.tps / theirs.tps);
          ratios.p50.push(ours.p50Ms / theirs.p50Ms);
          ratios.p99.push(ours.p99Ms / theirs.p99Ms);
          cpu.ours.push(ours.cpuUsPerQuery);
          cpu.theirs.push(theirs.cpuUsPerQuery);
          log(
            `  rep ${rep + 1}: atombench ${fmt(ours.tps, 0)} q/s p50 ${fmt(ours.p50Ms, 3)} ms p99 ${fmt(ours.p99Ms, 3)} ms (${ours.errors} errors)` +
              ` cpu ${fmt(ours.cpuUsPerQuery, 1)} µs/q | pgbench ${fmt(theirs.tps, 0)} q/s p50 ${fmt(theirs.p50Ms, 3)} ms` +
              ` p99 ${fmt(theirs.p99Ms, 3)} ms cpu ${fmt(theirs.cpuUsPerQuery, 1)} µs/q`,
          );
        }
        log(
          `  median ratios atombench/pgbench: throughput ${fmt(median(ratios.tps))} (floor 0.90)` +
            `, p50 latency ${fmt(median(ratios.p50))}, p99 latency ${fmt(median(ratios.p99))}`,
        );
        log(
          `  client CPU per query (median): atombench ${fmt(median(cpu.ours), 1)} µs, pgbench ${fmt(median(cpu.theirs), 1)} µs` +
            ' (on one machine the client takes CPU from the server it measures)',
        );
      } finally {
        await engine.close();
      }
    } finally {
      await server.stop();
    }
  },
};
