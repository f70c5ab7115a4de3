/**
 * `atombench tune` without --model-only: the measured part. On mssql, the sweep of src/tune/sweep.ts on
 * the scenario's own dataset (seeded first if missing, like `run`), through MssqlTuneTarget. On postgis,
 * the index-options sweep (tune-postgis.ts). SQLite's R*Tree has no options: nothing is measured there.
 * ENGINE_NOTES says, on postgis and sqlite, that the GEOMETRY_GRID model does not apply to them.
 */
import { parseMssqlUrl } from '../engines/mssql/connection-url.ts';
import { MssqlTuneTarget } from '../engines/mssql/tune/tune-target.ts';
import { UserError } from '../errors.ts';
import { ensureDataset } from '../run/dataset.ts';
import { connectEngine, guard } from '../run/orchestrator.ts';
import type { Engine } from '../engines/types.ts';
import type { Progress } from '../run/progress.ts';
import { resolveNames } from '../scenario/names.ts';
import type { ParamDist } from '../dataset/schema.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { TuneMeasured } from '../tune/measured.ts';
import type { QueryWindow } from '../tune/predict.ts';
import type { TuneSection } from '../report/tune/markdown.ts';
import { runSweep } from '../tune/sweep.ts';

/** What `tune` says on engines the GEOMETRY_GRID model does not describe (no final period). */
export const ENGINE_NOTES: Record<string, string> = {
  sqlite:
    "SQLite's R*Tree has no index options (no grid, no fill factor, no build method to choose), so tune measures nothing on sqlite: there is nothing to sweep. The GEOMETRY_GRID model below is SQL Server's; it does not apply to SQLite and is shown for planning only",
  postgis:
    "PostGIS's index is not a grid: GRIDS, CELLS_PER_OBJECT and BOUNDING_BOX do not apply, and the GEOMETRY_GRID model below is SQL Server's; it does not apply to PostGIS and is shown for planning only. PostGIS's own options (index.postgis: method gist or spgist, fillfactor, GiST buffering) are built and measured on the server instead (--postgis-options picks them)",
};

/** One TOP (pool) for every query: the scenario's spatial.pool `pool`, its mean if it is a distribution. */
export function representativePool(sc: Scenario): number {
  const spec = sc.workload.mix.find((m) => m.op === 'spatial.pool');
  const d: ParamDist = spec && spec.op === 'spatial.pool' ? spec.pool : 1000;
  let v: number;
  if (typeof d === 'number') v = d;
  else if ('max' in d) v = (d.min + d.max) / 2;
  else if ('values' in d) {
    const w = d.weights ?? d.values.map(() => 1);
    const total = w.reduce((a, b) => a + b, 0);
    v = d.values.reduce((a, x, i) => a + x * w[i]!, 0) / total;
  } else v = Math.max(d.mean, d.min ?? -Infinity);
  return Math.max(1, Math.round(v));
}

export interface MeasureContext {
  scenario: Scenario;
  url: string | undefined;
  /** Connected, holding the scenario's dataset (openSweepEngine); the caller closes it. */
  engine: Engine;
  force: boolean;
  top: number;
  section: TuneSection;
  windows: QueryWindow[];
  progress: Progress;
  signal: AbortSignal;
  say: (line: string) => void;
}

/** A measured sweep rebuilds the index: never on an attached deployment (exit 2). */
export function refuseAttach(sc: Scenario): void {
  if (sc.attach)
    throw new UserError(
      'tune: attach mode is read-only and the measured sweep rebuilds the spatial index; use --model-only, or measure on a copy of the database without attach: true',
    );
}

/** Bad input for the sweep (exit 2), found before the model runs and before anything connects. */
export function checkMeasurable(sc: Scenario, url: string | undefined, windows: number): void {
  parseMssqlUrl(url);
  refuseAttach(sc);
  if (windows === 0)
    throw new UserError(
      'tune: the workload mix has no spatial.pool, spatial.walk or spatial.dedup operation: no query windows to measure',
    );
}

/**
 * The engine a measured sweep runs on, holding the scenario's dataset (seeded first if missing or
 * --reseed, like `run`). Opened before the model runs, so a dataset problem costs seconds, not the model's time.
 */
export async function openSweepEngine(
  sc: Scenario,
  url: string | undefined,
  opts: { reseed: boolean; force: boolean; progress: Progress; signal: AbortSignal },
): Promise<Engine> {
  const engine = await connectEngine(sc.engine, sc, url);
  try {
    await guard(url, 'dataset', () => ensureDataset(engine, sc, opts));
    return engine;
  } catch (e) {
    await engine.close().catch(() => undefined);
    throw e;
  }
}

export async function measureMssql(ctx: MeasureContext): Promise<TuneMeasured> {
  const sc = ctx.scenario;
  checkMeasurable(sc, ctx.url, ctx.windows.length);
  const engine = ctx.engine;
  let target: MssqlTuneTarget | undefined;
  try {
    target = new MssqlTuneTarget({
      url: ctx.url,
      names: resolveNames(sc.names.preset, sc.names.overrides),
      index: sc.index,
      engine,
    });
    await guard(ctx.url, 'tune', () => target!.connect());
    await target.checkRebuildAllowed({ force: ctx.force, attach: sc.attach });
    await guard(ctx.url, 'tune', () => engine.openPool(1));
    const t = target;
    return await guard(ctx.url, 'tune sweep', () =>
      runSweep(t, {
        engine: 'mssql',
        section: ctx.section,
        top: ctx.top,
        windows: ctx.windows,
        pool: representativePool(sc),
        signal: ctx.signal,
        onProgress: ctx.say,
      }),
    );
  } finally {
    await target?.close();
  }
}
