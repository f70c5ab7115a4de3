/**
 * What the server spent on one side of a comparison, so "the workload differs" and "the client costs"
 * can be told apart: pg_stat_statements (the throwaway server preloads it) gives the executor time per
 * call of each statement, and /proc gives the CPU of every server process (backends reaped meanwhile
 * land in the postmaster's cutime/cstime) per call of the measured statement. Both cover the whole
 * side (warm-up included) and everything its connections ran (atombench's probes too).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchServer } from './postgis-common.ts';

export interface StatementFigures {
  calls: number;
  /** Executor time per call (pg_stat_statements mean_exec_time), µs. */
  execUsPerCall: number;
}

export interface ServerFigures {
  /** The statement with the most calls (the load's), and the rest that ran beside it. */
  main: StatementFigures & { query: string };
  others: StatementFigures;
  /** CPU (user + system) of all server processes per call of the main statement, µs; NaN without /proc. */
  cpuUsPerCall: number;
}

const TICK_HZ = 100; // USER_HZ on Linux

/** utime + stime (+ cutime + cstime when `children`) of a process, in ticks; 0 when it is gone. */
function procTicks(pid: number, children: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    const n = (i: number) => Number(f[i - 3]);
    return n(14) + n(15) + (children ? n(16) + n(17) : 0);
  } catch {
    return 0;
  }
}

function ppidOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

/** CPU ticks of the postmaster (with its reaped children) and of its live children. */
function serverTicks(postmaster: number): number {
  let t = procTicks(postmaster, true);
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (Number.isInteger(pid) && ppidOf(pid) === postmaster) t += procTicks(pid, false);
  }
  return t;
}

function postmasterPid(dataDir: string | undefined): number | undefined {
  if (!dataDir) return undefined;
  try {
    return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

export interface ServerMeter {
  /** Reset the statement statistics and read the CPU counters: the side starts after this. */
  start(): void;
  /** After the side has ended (its connections closed): what it cost the server. */
  stop(): Promise<ServerFigures>;
}

export function serverMeter(server: BenchServer): ServerMeter {
  const pm = postmasterPid(server.dataDir);
  let ticks0 = 0;
  return {
    start() {
      server.psql('SELECT pg_stat_statements_reset()');
      ticks0 = pm ? serverTicks(pm) : 0;
    },
    async stop() {
      // The side's backends exit when its connections close; give the postmaster a moment to reap them.
      await new Promise((r) => setTimeout(r, 300));
      const ticks = pm ? serverTicks(pm) - ticks0 : NaN;
      const rows = server
        .psql(
          "SELECT calls, total_exec_time, regexp_replace(left(query, 60), '[|\\s]+', ' ', 'g') FROM pg_stat_statements " +
            "WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC, total_exec_time DESC",
        )
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [calls, totalMs, ...q] = l.split('|');
          return { calls: Number(calls), totalMs: Number(totalMs), query: q.join('|') };
        });
      const [top, ...rest] = rows;
      if (!top) throw new Error('pg_stat_statements recorded nothing');
      const restCalls = rest.reduce((a, r) => a + r.calls, 0);
      const restMs = rest.reduce((a, r) => a + r.totalMs, 0);
      return {
        main: { calls: top.calls, execUsPerCall: (top.totalMs * 1000) / top.calls, query: top.query },
        others: { calls: restCalls, execUsPerCall: restCalls ? (restMs * 1000) / restCalls : 0 },
        cpuUsPerCall: ((ticks / TICK_HZ) * 1e6) / top.calls,
      };
    },
  };
}
