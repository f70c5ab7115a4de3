/**
 * The load client, measured against the maintained ones (issue 18, goal 5): the lean wire client
 * (src/engines/postgis/wire/pool.ts, as the engine's load pool runs it), pg.Pool with a named
 * prepared statement, and postgres.js with prepared statements, on one server and dataset, in one
 * run, a closed loop of the same client count running the engine's own knn statement at the same
 * query points. postgres.js runs twice: one connection per client (each connection carries one
 * query at a time, as the others do), and all clients over one connection (its pipelining: queries
 * written before the previous one's answer arrives).
 */
import pg from 'pg';
import postgres from 'postgres';
import { clientConfig } from '../src/engines/postgis/connection.ts';
import { postgisIds, spatialSql } from '../src/engines/postgis/dialect.ts';
import { WirePool } from '../src/engines/postgis/wire/pool.ts';
import { wireSettings } from '../src/engines/postgis/wire/settings.ts';
import { resolveNames } from '../src/scenario/names.ts';
import {
  benchEnv,
  benchScenario,
  benchServer,
  fmt,
  median,
  percentileSorted,
  postgisBenchSkipReason,
  seededEngine,
  type BenchEnv,
} from './postgis-common.ts';
import { SCALE, SPAN } from './pgbench-side.ts';
import type { BenchModule } from './types.ts';

/** One client library: run the knn statement at (x, y) and resolve with its row count. */
interface Client {
  label: string;
  knn(x: string, y: string): Promise<number>;
  end(): Promise<void>;
}

interface Result {
  qps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerQuery: number;
  errors: number;
}

const K = '10';

async function openClients(url: string, n: number, text: string): Promise<Client[]> {
  const lean = await WirePool.open(wireSettings(clientConfig(url)), n);
  const pgPool = new pg.Pool({ ...clientConfig(url), max: n });
  const pjs = (max: number) => postgres(url, { max, prepare: true, onnotice: () => {} });
  const pjsN = pjs(n);
  const pjs1 = pjs(1);
  const viaPjs = (sql: ReturnType<typeof pjs>) => (x: string, y: string) =>
    sql.unsafe(text, [x, y, K], { prepare: true }).then((r) => r.length);
  return [
    {
      label: `lean wire, ${n} conns`,
      knn: (x, y) => lean.with((c) => c.query('ab_knn', text, [x, y, K])).then((r) => r.count),
      end: () => lean.end(),
    },
    {
      label: `pg.Pool named, ${n} conns`,
      knn: (x, y) => pgPool.query({ name: 'ab_knn', text, values: [x, y, K] }).then((r) => r.rowCount ?? 0),
      end: () => pgPool.end(),
    },
    { label: `postgres.js, ${n} conns`, knn: viaPjs(pjsN), end: () => pjsN.end() },
    { label: 'postgres.js, 1 conn (pipelined)', knn: viaPjs(pjs1), end: () => pjs1.end() },
  ];
}

/** A closed loop of env.clients over `client`: warm-up, then env.durationSec measured. */
async function closedLoop(client: Client, env: BenchEnv, points: string[][]): Promise<Result> {
  const t0 = performance.now();
  const from = t0 + env.warmupSec * 1000;
  const to = from + env.durationSec * 1000;
  const lat: number[] = [];
  let errors = 0;
  let cpu0 = process.cpuUsage();
  let cpuTaken = false;
  const worker = async (w: number) => {
    for (let i = w * 997; ; i++) {
      const start = performance.now();
      if (start >= to) return;
      if (!cpuTaken && start >= from) {
        cpuTaken = true;
        cpu0 = process.cpuUsage();
      }
      const [x, y] = points[i % points.length]!;
      try {
        await client.knn(x!, y!);
      } catch {
        errors++;
      }
      const end = performance.now();
      if (start >= from && end < to) lat.push(end - start);
    }
  };
  await Promise.all(Array.from({ length: env.clients }, (_, w) => worker(w)));
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  return {
    qps: lat.length / env.durationSec,
    p50Ms: percentileSorted(lat, 50),
    p99Ms: percentileSorted(lat, 99),
    cpuUsPerQuery: (cpu.user + cpu.system) / lat.length,
    errors,
  };
}

/** The same query points for every client: a fixed sequence drawn as pgbench-side draws them. */
function queryPoints(n: number): string[][] {
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s / 2 ** 32);
  const draw = () => String((Math.floor(rnd() * (2 * SPAN + 1)) - SPAN) / SCALE);
  return Array.from({ length: n }, () => [draw(), draw()]);
}

export const clientsBench: BenchModule = {
  name: 'clients: lean wire vs pg vs postgres.js',
  skipReason: () => postgisBenchSkipReason('psql'),
  async run(log) {
    const env = benchEnv();
    const server = await benchServer(env);
    try {
      const sc = benchScenario(env.atoms);
      await (await seededEngine(server.url, sc, log)).close();
      const text = spatialSql(postgisIds(resolveNames('runbook', {})), 'knn-dwithin').knn;
      const clients = await openClients(server.url, env.clients, text);
      try {
        const points = queryPoints(4096);
        log(
          `  spatial.knn k=10, ${env.atoms} atoms, ${env.clients} clients in a closed loop, ${env.warmupSec}s warm-up + ${env.durationSec}s, ${env.reps} repetitions (order alternating)`,
        );
        const results = clients.map(() => [] as Result[]);
        for (let rep = 0; rep < env.reps; rep++) {
          const order = clients.map((_, i) => i);
          if (rep % 2) order.reverse();
          for (const i of order) {
            const r = await closedLoop(clients[i]!, env, points);
            results[i]!.push(r);
            log(
              `  rep ${rep + 1} ${clients[i]!.label}: ${fmt(r.qps, 0)} q/s p50 ${fmt(r.p50Ms, 3)} ms p99 ${fmt(r.p99Ms, 3)} ms cpu ${fmt(r.cpuUsPerQuery, 1)} µs/q (${r.errors} errors)`,
            );
          }
        }
        const lean = median(results[0]!.map((r) => r.qps));
        for (const [i, c] of clients.entries()) {
          const rs = results[i]!;
          const qps = median(rs.map((r) => r.qps));
          log(
            `  median ${c.label}: ${fmt(qps, 0)} q/s (${fmt(qps / lean)} x lean), p50 ${fmt(median(rs.map((r) => r.p50Ms)), 3)} ms` +
              `, p99 ${fmt(median(rs.map((r) => r.p99Ms)), 3)} ms, client cpu ${fmt(median(rs.map((r) => r.cpuUsPerQuery)), 1)} µs/q`,
          );
        }
      } finally {
        for (const c of clients) await c.end();
      }
    } finally {
      await server.stop();
    }
  },
};
