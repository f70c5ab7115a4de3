/**
 * What the two PostGIS self-benchmarks share: their knobs (environment variables), a throwaway server
 * (or ATOMBENCH_BENCH_URL to reuse one), a seeded engine, and small statistics.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { datasetKey } from '../src/dataset/stream.ts';
import { PostgisEngine } from '../src/engines/postgis/index.ts';
import { ensureDataset, schemaPlan } from '../src/run/dataset.ts';
import { silentProgress } from '../src/run/progress.ts';
import { validateScenario } from '../src/scenario/load.ts';
import { resolveNames } from '../src/scenario/names.ts';
import type { Scenario } from '../src/scenario/schema.ts';
import { pgBinDir, postgisUnavailableReason, startPgServer } from '../test/helpers/pg-server.ts';

function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: expected a positive number, got "${v}"`);
  return n;
}

/** Knobs, all optional: ATOMBENCH_BENCH_ATOMS=50000 ATOMBENCH_BENCH_DURATION_SEC=5 for a quick run. */
export function benchEnv() {
  return {
    atoms: Math.round(envNumber('ATOMBENCH_BENCH_ATOMS', 1_000_000)),
    reps: Math.round(envNumber('ATOMBENCH_BENCH_REPS', 3)),
    clients: Math.round(envNumber('ATOMBENCH_BENCH_CLIENTS', 4)),
    durationSec: envNumber('ATOMBENCH_BENCH_DURATION_SEC', 10),
    warmupSec: envNumber('ATOMBENCH_BENCH_WARMUP_SEC', 2),
    /** pgbench's threads (-j) in the e2e run bench; default one per client, as pgbench is usually run. */
    pgbenchJobs: Math.round(
      envNumber('ATOMBENCH_BENCH_PGBENCH_JOBS', envNumber('ATOMBENCH_BENCH_CLIENTS', 4)),
    ),
    /** Reuse a running server instead of starting one (its postgres database must have PostGIS). */
    url: process.env.ATOMBENCH_BENCH_URL || undefined,
  };
}
export type BenchEnv = ReturnType<typeof benchEnv>;

/** The client tools the benchmarks run beside atombench, from the server's bin dir or the PATH. */
export function pgTool(name: 'pgbench' | 'psql'): string | undefined {
  const bin = pgBinDir();
  if (bin && existsSync(join(bin, name))) return join(bin, name);
  const r = spawnSync('which', [name], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export async function postgisBenchSkipReason(tool: 'pgbench' | 'psql'): Promise<string | undefined> {
  if (!pgTool(tool)) return `${tool} not found`;
  if (process.env.ATOMBENCH_BENCH_URL) return undefined;
  return postgisUnavailableReason();
}

export interface BenchServer {
  url: string;
  urlFor(db: string): string;
  psql(sql: string, db?: string): string;
  /** The throwaway server's data directory (undefined for ATOMBENCH_BENCH_URL's server). */
  dataDir?: string;
  stop(): Promise<void>;
}

/** A throwaway server with default (durable) settings, or the one ATOMBENCH_BENCH_URL names. */
export async function benchServer(env: BenchEnv): Promise<BenchServer> {
  if (env.url) {
    const base = new URL(env.url);
    const urlFor = (db: string) => Object.assign(new URL(base), { pathname: `/${db}` }).toString();
    const psql = (sql: string, db?: string) => {
      const r = spawnSync(
        pgTool('psql')!,
        ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', db ? urlFor(db) : env.url!],
        {
          input: sql,
          encoding: 'utf8',
        },
      );
      if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
      return r.stdout.trim();
    };
    // ATOMBENCH_BENCH_DATA_DIR: that server's data directory, for its CPU figures (server-meter.ts).
    const dataDir = process.env.ATOMBENCH_BENCH_DATA_DIR || undefined;
    return { url: env.url, urlFor, psql, dataDir, stop: async () => {} };
  }
  const s = await startPgServer();
  return { url: s.url, urlFor: (db) => s.urlFor(db), psql: s.psql, dataDir: s.dataDir, stop: () => s.stop() };
}

export function benchScenario(atoms: number): Scenario {
  const { scenario, problems } = validateScenario({
    name: 'bench',
    dataset: { atoms, seed: 42 },
    workload: { mix: [{ op: 'spatial.knn', k: 10 }] },
  });
  if (!scenario) throw new Error(JSON.stringify(problems));
  return scenario;
}

export function benchEngine(url: string, sc: Scenario): PostgisEngine {
  return new PostgisEngine({
    url,
    dataset: sc.dataset,
    names: resolveNames(sc.names.preset, sc.names.overrides),
    runNonce: 'bench',
  });
}

/** A connected engine holding the scenario's dataset with its index (seeded now unless already there). */
export async function seededEngine(
  url: string,
  sc: Scenario,
  log: (line: string) => void,
): Promise<PostgisEngine> {
  const engine = benchEngine(url, sc);
  await engine.connect();
  const state = await engine.prepare(schemaPlan(sc), { allowDestructive: true, force: false });
  if (
    state.seededRows === sc.dataset.atoms &&
    state.datasetKey === datasetKey(sc.dataset) &&
    state.indexBuilt
  )
    return engine;
  log(`  seeding ${sc.dataset.atoms} atoms for the benchmark...`);
  const out = await ensureDataset(engine, sc, { reseed: true, force: false, progress: silentProgress });
  log(
    `  seeded in ${((out.seedDurationMs ?? 0) / 1000).toFixed(1)} s, index in ${((out.indexBuildMs ?? 0) / 1000).toFixed(1)} s`,
  );
  return engine;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Nearest-rank percentile of an ascending array. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
