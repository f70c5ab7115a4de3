/**
 * End to end, as users meet it: the real `atombench run` process (CLI start-up, scenario, engine,
 * probes on, OODA off, reports written) with a knn-only and a pool-only closed loop, against pgbench
 * -M prepared running the engine's own statement with the same clients, warm-up and duration on the
 * same server, alternating which goes first (pgbench also with -j 1: ONE_THREAD). atombench's
 * figures are read from its result.json (the measured window), its CPU and peak RSS from GNU time;
 * pgbench's from its transaction log.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../src/model/result.ts';
import { atombench, BASE_CLI, e2eSkipReason, load1, writeScenario } from './e2e-process.ts';
import { validateScenario } from '../src/scenario/load.ts';
import type { Scenario } from '../src/scenario/schema.ts';
import { OPS, pgbenchSide, Ratios, type BenchOp, type Side } from './pgbench-side.ts';
import { createPointsTable, dropPointsTable, pgbenchScripts, pointsMode } from './pgbench-points.ts';
import { serverMeter, type ServerFigures } from './server-meter.ts';
import {
  benchEnv,
  benchServer,
  fmt,
  median,
  postgisBenchSkipReason,
  type BenchEnv,
} from './postgis-common.ts';
import type { BenchModule } from './types.ts';

interface CliSide extends Side {
  /** CPU of the whole process (start-up, seeding check, warm-up, reports) per measured operation, µs. */
  processCpuUsPerQuery: number;
  maxRssMb: number;
  wallSec: number;
}

const MIX: Record<BenchOp['name'], Record<string, unknown>> = {
  'spatial.knn': { op: 'spatial.knn', k: 10 },
  'spatial.pool': { op: 'spatial.pool', radius: 10, pool: 1000 },
};

/** The scenario both the seeding and the runs read: the inner benches' dataset, one operation. */
function scenarioDoc(env: BenchEnv, op: BenchOp, probeIntervalMs: number): Record<string, unknown> {
  return {
    engine: 'postgis',
    dataset: { atoms: env.atoms, seed: 42 },
    workload: { mix: [MIX[op.name]] },
    load: { model: 'closed', concurrency: env.clients, thinkTimeMs: 0 },
    warmupSec: env.warmupSec,
    durationSec: env.durationSec,
    ooda: { enabled: false },
    probes: { intervalMs: probeIntervalMs, planSamples: 4 },
    report: { formats: ['json'] },
  };
}

function scenarioOf(env: BenchEnv, op: BenchOp): Scenario {
  const { scenario, problems } = validateScenario({ name: 'points', ...scenarioDoc(env, op, 1000) });
  if (!scenario) throw new Error(JSON.stringify(problems));
  return scenario;
}

/** What one side cost the server, per call of the load's statement. */
function serverLine(f: ServerFigures): string {
  return (
    `server: exec ${fmt(f.main.execUsPerCall, 0)} µs/call, CPU ${fmt(f.cpuUsPerCall, 0)} µs/call ` +
    `(${f.main.calls} calls; ${f.others.calls} others at ${fmt(f.others.execUsPerCall, 0)} µs)`
  );
}

function cliSide(
  env: BenchEnv,
  op: BenchOp,
  dir: string,
  url: string,
  probeIntervalMs: number,
  cli?: string,
): CliSide {
  const tag = `${op.name}-${probeIntervalMs}`;
  const file = writeScenario(dir, `e2e-${tag}`, scenarioDoc(env, op, probeIntervalMs));
  const out = join(dir, `out-${tag}-${process.hrtime.bigint()}`);
  const p = atombench(['run', file, '--out', out, '--no-progress', '--quiet'], dir, url, cli);
  // 1 = a target failed (e.g. the runbook's OODA targets are n/a here): the measurement still stands.
  if (p.status !== 0 && p.status !== 1) throw new Error(`atombench run exited ${p.status}: ${p.stderr}`);
  const r = JSON.parse(readFileSync(join(out, 'latest', 'result.json'), 'utf8')) as RunResult;
  rmSync(out, { recursive: true, force: true });
  const o = r.operations.find((x) => x.op === op.name);
  if (!o) throw new Error(`result.json has no ${op.name}`);
  const errors = Object.values(o.errors).reduce((a, b) => a + b, 0);
  return {
    tps: o.throughputPerSec,
    p50Ms: o.latencyMs.p50,
    p99Ms: o.latencyMs.p99,
    count: o.count,
    errors,
    // The load's CPU share (the run's client monitor: warm-up and measured window) per operation.
    cpuUsPerQuery: ((r.client.cpuPercent / 100) * 1e6) / o.throughputPerSec,
    processCpuUsPerQuery: (p.cpuSec * 1e6) / o.count,
    maxRssMb: p.maxRssMb,
    wallSec: p.wallSec,
  };
}

function line(label: string, s: Side): string {
  return `${label} ${fmt(s.tps, 0)} q/s p50 ${fmt(s.p50Ms, 3)} p99 ${fmt(s.p99Ms, 3)} ms cpu ${fmt(s.cpuUsPerQuery, 1)} µs/q`;
}

/** Probes every 600 s (none in the window) beside probes on: the probes' cost, shown (ATOMBENCH_BENCH_PROBE_COST=1). */
const PROBE_COST = process.env.ATOMBENCH_BENCH_PROBE_COST === '1';

/**
 * pgbench -j 1 beside pgbench -j N (unless N is 1; ATOMBENCH_BENCH_PGBENCH_ONE_THREAD=0 skips it):
 * atombench's load runs on one Node thread, so the gap to -j N splits into what the harness costs
 * (atombench / -j 1, the same client threads) and what more client threads buy (-j N / -j 1).
 */
const ONE_THREAD = process.env.ATOMBENCH_BENCH_PGBENCH_ONE_THREAD !== '0';

export const e2eRunVsPgbench: BenchModule = {
  name: 'e2e: atombench run (CLI process, probes on) vs pgbench -M prepared, same statement',
  skipReason: async () => e2eSkipReason() ?? (await postgisBenchSkipReason('pgbench')),
  async run(log) {
    const env = benchEnv();
    const oneThread = ONE_THREAD && env.pgbenchJobs !== 1;
    const server = await benchServer(env);
    const dir = mkdtempSync(join(tmpdir(), 'atombench-e2e-run-'));
    try {
      const knn = OPS['spatial.knn']!;
      const seedFile = writeScenario(dir, 'e2e-seed', scenarioDoc(env, knn, 1000));
      const seeded = atombench(['seed', seedFile, '--no-progress', '--quiet'], dir, server.url);
      if (seeded.status !== 0) throw new Error(`atombench seed exited ${seeded.status}: ${seeded.stderr}`);
      log(`  dataset: ${env.atoms} atoms (atombench seed ${fmt(seeded.wallSec, 1)} s, load ${load1()})`);
      const mode = pointsMode();
      if (mode === 'table') createPointsTable(server, scenarioOf(env, knn));
      const meter = serverMeter(server);
      /** One side, metered on the server (pg_stat_statements reset before, read after). */
      const metered = async <S>(side: () => S): Promise<S & { server: ServerFigures }> => {
        meter.start();
        const figures = side();
        return { ...figures, server: await meter.stop() };
      };
      for (const op of [knn, OPS['spatial.pool']!]) {
        const script = pgbenchScripts(mode, op, scenarioOf(env, op));
        log(
          `  ${op.label}: ${env.clients} clients, ${env.warmupSec}s warm-up + ${env.durationSec}s, probes every 1 s, OODA off, ` +
            `pgbench -j ${env.pgbenchJobs}${oneThread ? ' and -j 1' : ''} at ${mode} points, ${env.reps} repetitions (alternating order)`,
        );
        const r = new Ratios();
        const rss: number[] = [];
        /** atombench / pgbench -j 1, and pgbench -j N / -j 1. */
        const perThread = { ours: new Ratios(), threads: new Ratios() };
        const cpu = { ours: [] as number[], process: [] as number[], theirs: [] as number[] };
        const exec = { ours: [] as number[], theirs: [] as number[] };
        const srvCpu = { ours: [] as number[], theirs: [] as number[] };
        const probeCost: number[] = [];
        const base = { ratios: new Ratios(), rss: [] as number[], wall: [] as number[] };
        const wall: number[] = [];
        for (let rep = 0; rep < env.reps; rep++) {
          const before = load1();
          type M<S> = S & { server: ServerFigures };
          const sides: {
            ours?: M<CliSide>;
            theirs?: M<Side>;
            one?: Side;
            quiet?: CliSide;
            base?: CliSide;
          } = {};
          const runs: (() => Promise<unknown> | unknown)[] = [
            async () =>
              (sides.theirs = await metered(() => pgbenchSide(server.url, script, env, env.pgbenchJobs))),
            async () => (sides.ours = await metered(() => cliSide(env, op, dir, server.url, 1000))),
          ];
          if (oneThread) runs.push(() => (sides.one = pgbenchSide(server.url, script, env, 1)));
          if (PROBE_COST) runs.push(() => (sides.quiet = cliSide(env, op, dir, server.url, 600_000)));
          if (BASE_CLI) runs.push(() => (sides.base = cliSide(env, op, dir, server.url, 1000, BASE_CLI)));
          if (rep % 2) runs.reverse();
          for (const run of runs) await run();
          const ours = sides.ours!;
          const theirs = sides.theirs!;
          r.add(ours, theirs);
          rss.push(ours.maxRssMb);
          if (sides.one) {
            perThread.ours.add(ours, sides.one);
            perThread.threads.add(theirs, sides.one);
          }
          cpu.ours.push(ours.cpuUsPerQuery);
          cpu.process.push(ours.processCpuUsPerQuery);
          cpu.theirs.push(theirs.cpuUsPerQuery);
          exec.ours.push(ours.server.main.execUsPerCall);
          exec.theirs.push(theirs.server.main.execUsPerCall);
          srvCpu.ours.push(ours.server.cpuUsPerCall);
          srvCpu.theirs.push(theirs.server.cpuUsPerCall);
          if (sides.quiet) probeCost.push(ours.tps / sides.quiet.tps);
          wall.push(ours.wallSec);
          const b = sides.base;
          if (b) {
            base.ratios.add(b, theirs);
            base.rss.push(b.maxRssMb);
            base.wall.push(b.wallSec);
          }
          log(
            `  rep ${rep + 1} (load ${before} -> ${load1()}): ${line('atombench run', ours)} (${ours.errors} errors, ` +
              `process ${fmt(ours.processCpuUsPerQuery, 1)} µs/q, peak RSS ${fmt(ours.maxRssMb, 0)} MB, wall ${fmt(ours.wallSec, 1)} s; ` +
              `${serverLine(ours.server)})` +
              ` | ${line('pgbench', theirs)} (${serverLine(theirs.server)})` +
              (sides.one ? ` | ${line('pgbench -j 1', sides.one)}` : '') +
              (sides.quiet ? ` | probes off: ${fmt(sides.quiet.tps, 0)} q/s` : '') +
              (b
                ? ` | base ${line('run', b)} peak RSS ${fmt(b.maxRssMb, 0)} MB wall ${fmt(b.wallSec, 1)} s`
                : ''),
          );
        }
        log(
          `  ${op.name} server per call (median), atombench / pgbench: exec ${fmt(median(exec.ours), 0)} / ` +
            `${fmt(median(exec.theirs), 0)} µs (${fmt(median(exec.ours) / median(exec.theirs))}), ` +
            `all server CPU ${fmt(median(srvCpu.ours), 0)} / ${fmt(median(srvCpu.theirs), 0)} µs ` +
            `(${fmt(median(srvCpu.ours) / median(srvCpu.theirs))})`,
        );
        log(
          `  ${op.name} median ratios atombench run / pgbench: throughput ${fmt(median(r.tps))} (goal >= 0.95)` +
            `, p50 ${fmt(median(r.p50))}, p99 ${fmt(median(r.p99))} (goal <= 1.10)`,
        );
        if (oneThread)
          log(
            `  ${op.name} median ratios with one client thread on both sides, atombench run / pgbench -j 1: ` +
              `${perThread.ours}; what ${env.pgbenchJobs} threads buy pgbench, -j ${env.pgbenchJobs} / -j 1: ${perThread.threads}`,
          );
        log(
          `  ${op.name} client CPU per query (median): atombench load ${fmt(median(cpu.ours), 1)} µs, whole process ` +
            `${fmt(median(cpu.process), 1)} µs, pgbench ${fmt(median(cpu.theirs), 1)} µs; atombench peak RSS ${fmt(median(rss), 0)} MB` +
            (probeCost.length ? `; throughput probes on / off ${fmt(median(probeCost))}` : '') +
            `; wall per run ${fmt(median(wall), 1)} s`,
        );
        if (base.rss.length)
          log(
            `  ${op.name} base CLI (${BASE_CLI}) median ratios / pgbench: throughput ${fmt(median(base.ratios.tps))}, ` +
              `p99 ${fmt(median(base.ratios.p99))}; peak RSS ${fmt(median(base.rss), 0)} MB; wall per run ${fmt(median(base.wall), 1)} s`,
          );
      }
      if (mode === 'table') dropPointsTable(server);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await server.stop();
    }
  },
};
