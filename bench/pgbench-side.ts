/**
 * pgbench's side of the harness-overhead benchmarks: the engine's own statement as a pgbench script,
 * run with -M prepared and a per-transaction log, cut to the measured window as atombench cuts it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Point3 } from '../src/dataset/types.ts';
import { postgisIds, spatialSql, type SpatialSql } from '../src/engines/postgis/dialect.ts';
import type { OperationRequest } from '../src/engines/types.ts';
import { resolveNames } from '../src/scenario/names.ts';
import { fmt, median, percentileSorted, pgTool, type BenchEnv } from './postgis-common.ts';

/**
 * The operation both sides run (ATOMBENCH_BENCH_OP): spatial.knn k=10, the cheapest query (the
 * client's per-query cost weighs most), or spatial.pool radius 10 / pool 1000 as Hartonomous runs it.
 */
export interface BenchOp {
  name: 'spatial.knn' | 'spatial.pool';
  label: string;
  /** pgbench variables for the statement's $1, $2, ... in order, and their \set lines after qx, qy. */
  vars: string[];
  sets: string[];
  request(q: Point3): OperationRequest;
  sql(s: SpatialSql): string;
}
export const OPS: Record<string, BenchOp> = {
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

export function benchOp(): BenchOp {
  const name = process.env.ATOMBENCH_BENCH_OP ?? 'spatial.knn';
  const op = OPS[name];
  if (!op) throw new Error(`ATOMBENCH_BENCH_OP: one of ${Object.keys(OPS).join(', ')}`);
  return op;
}
/** Query points: uniform over +-0.05 on X and Y (the blob's core), as integers / 1e6 so pgbench can draw them. */
export const SPAN = 50_000;
export const SCALE = 1_000_000;

export interface Side {
  tps: number;
  p50Ms: number;
  p99Ms: number;
  count: number;
  errors: number;
  /** Client CPU (user + system) per query, µs: this process, or pgbench's as bash `times` reports it. */
  cpuUsPerQuery: number;
}

/** Ratios of one side's figures to another's, one per repetition. */
export class Ratios {
  readonly tps: number[] = [];
  readonly p50: number[] = [];
  readonly p99: number[] = [];
  add(a: Side, b: Side): void {
    this.tps.push(a.tps / b.tps);
    this.p50.push(a.p50Ms / b.p50Ms);
    this.p99.push(a.p99Ms / b.p99Ms);
  }
  /** Medians: `throughput x, p50 y, p99 z`. */
  toString(): string {
    return `throughput ${fmt(median(this.tps))}, p50 ${fmt(median(this.p50))}, p99 ${fmt(median(this.p99))}`;
  }
}

/**
 * The engine's own statement with pgbench variables in place of its parameters; `point`, when given,
 * replaces the query point's expression (`ST_MakePoint($1::float8, $2::float8)`) wherever it appears.
 */
export function pgbenchSql(op: BenchOp, point?: string): string {
  let engineSql = op.sql(spatialSql(postgisIds(resolveNames('runbook', {})), 'knn-dwithin'));
  if (point) {
    const q = 'ST_MakePoint($1::float8, $2::float8)';
    if (!engineSql.includes(q)) throw new Error(`the statement has no ${q}: ${engineSql}`);
    engineSql = engineSql.split(q).join(point);
  }
  return engineSql.replace(/\$(\d+)/g, (_, i: string) => `:${op.vars[Number(i) - 1]}`).replace(/\s+/g, ' ');
}

/** The statement at query points drawn uniformly over the blob's core (the inner bench's points). */
export function pgbenchScript(op: BenchOp): string {
  return [
    `\\set qx random(-${SPAN}, ${SPAN}) / ${SCALE}.0`,
    `\\set qy random(-${SPAN}, ${SPAN}) / ${SCALE}.0`,
    ...op.sets,
    `${pgbenchSql(op)};`,
    '',
  ].join('\n');
}

/**
 * pgbench's script limit (MAX_SCRIPTS in pgbench.c): one script per query point, picked at random
 * per transaction, so pgbench runs the very points another client draws.
 */
export const PGBENCH_MAX_SCRIPTS = 128;

/**
 * The statement at given query points, one script each (pgbench cannot read its variables from a
 * file): the points a run's query source draws, so both sides run the same queries. A query's cost
 * depends on where its point lies (the core is denser than the tails), so points from another
 * distribution would compare two workloads, not two clients.
 */
export function pgbenchPointScripts(op: BenchOp, points: readonly Point3[]): string[] {
  return points
    .slice(0, PGBENCH_MAX_SCRIPTS)
    .map((q) =>
      [
        `\\set qx ${q.x.toFixed(15)}`,
        `\\set qy ${q.y.toFixed(15)}`,
        ...op.sets,
        `${pgbenchSql(op)};`,
        '',
      ].join('\n'),
    );
}

/** Children's user and system seconds from bash's `times` (its second line: "0m0.340s 0m0.970s"). */
function childCpuSec(timesOutput: string): number {
  const line = timesOutput.trim().split('\n').at(-1) ?? '';
  const secs = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (secs.length !== 2) throw new Error(`unexpected output of bash times: ${timesOutput}`);
  return secs[0]! + secs[1]!;
}

/**
 * pgbench -M prepared with `jobs` threads (-j) and a per-transaction log; the warm-up is cut from the log like atombench cuts it.
 */
export function pgbenchSide(url: string, script: string | string[], env: BenchEnv, jobs = 1): Side {
  const dir = mkdtempSync(join(tmpdir(), 'atombench-pgbench-'));
  try {
    // Several scripts: pgbench picks one at random per transaction (equal weights).
    const scriptArgs = (Array.isArray(script) ? script : [script]).flatMap((text, i) => {
      const file = join(dir, `script-${i}.sql`);
      writeFileSync(file, text);
      return ['-f', file];
    });
    const prefix = join(dir, 'txlog');
    const total = Math.ceil(env.warmupSec + env.durationSec);
    const args = [
      '-n',
      '-M',
      'prepared',
      '-c',
      String(env.clients),
      '-j',
      String(jobs),
      '-T',
      String(total),
      ...scriptArgs,
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
    // A loop, not Math.min(...): a run of 120k transactions and more overflows the call stack.
    const startUs = tx.reduce((m, t) => Math.min(m, t.endUs - t.latUs), Infinity);
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
