/**
 * Harness overhead on a real server: atombench's closed loop (the real PostGIS engine, its pool of
 * prepared statements, src/load/closed-loop.ts and the interval recorder with its HDR histograms)
 * against pgbench -M prepared running the very same statement text, at the same client count,
 * duration and warm-up, with query points drawn from the same distribution. Ratios near 1 mean
 * atombench measures the server, not itself.
 */
import type { PostgisEngine } from '../src/engines/postgis/index.ts';
import { errorClassOf } from '../src/errors.ts';
import { realClock } from '../src/load/clock.ts';
import { executeOperation } from '../src/workload/registry.ts';
import { runClosedLoop } from '../src/load/closed-loop.ts';
import type { LoadContext } from '../src/load/types.ts';
import { percentileMs } from '../src/metrics/histogram.ts';
import { IntervalRecorder } from '../src/metrics/interval.ts';
import {
  benchEnv,
  benchScenario,
  benchServer,
  fmt,
  median,
  postgisBenchSkipReason,
  seededEngine,
  type BenchEnv,
} from './postgis-common.ts';
import {
  benchOp,
  pgbenchScript,
  pgbenchSide,
  Ratios,
  SCALE,
  SPAN,
  type BenchOp,
  type Side,
} from './pgbench-side.ts';
import type { BenchModule } from './types.ts';

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
    execute: (req) => executeOperation(engine, req), // as run/measure/load-path.ts does
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
        const ratios = new Ratios();
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
          ratios.add(ours, theirs);
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
