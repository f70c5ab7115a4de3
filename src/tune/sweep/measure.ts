/**
 * `atombench tune` on the server, engine-neutral: the engine says what it can rebuild (engine.tuning:
 * nothing, GEOMETRY_GRID configurations, or its own index options) and provides the target; this file
 * picks the queries from the scenario and runs the matching sweep (sweep.ts or options-sweep.ts). The
 * engine is connected and holds the scenario's dataset; the target is closed here, the engine is not.
 */
import type { ParamDist } from '../../dataset/schema.ts';
import type { Engine, IndexTuning } from '../../engines/types.ts';
import { UserError } from '../../errors.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { TuneSection } from '../document.ts';
import type { TuneMeasured } from './measured.ts';
import type { TuneMeasuredOptions } from './measured-options.ts';
import { scenarioKnn, scenarioWindows } from '../model/model-run.ts';
import { runOptionsSweep, type OptionQuerySet } from './options-sweep.ts';
import { runSweep } from './sweep.ts';
import { windowRequests } from './sweep-queries.ts';

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

/** The query sets of an options sweep: the scenario's windows as spatial.pool, and its spatial.knn if any. */
export function optionQuerySets(sc: Scenario, count: number): OptionQuerySet[] {
  const { windows, ops } = scenarioWindows(sc, count);
  const pool = representativePool(sc);
  const sets: OptionQuerySet[] = [];
  if (windows.length)
    sets.push({
      op: 'spatial.pool',
      detail: `windows of ${ops.join(', ')}, pool ${pool}`,
      requests: windowRequests(windows, pool),
    });
  const knn = scenarioKnn(sc, count);
  if (knn.length) sets.push({ op: 'spatial.knn', detail: "the mix's k", requests: knn });
  return sets;
}

/** A measured sweep rebuilds the index: never on an attached deployment (exit 2). */
export function refuseAttach(sc: Scenario): void {
  if (sc.attach)
    throw new UserError(
      'tune: attach mode is read-only and the measured sweep rebuilds the spatial index; use --model-only, or measure on a copy of the database without attach: true',
    );
}

/**
 * Bad input for a measured sweep (exit 2), found before the model runs and before anything connects:
 * attach mode, a mix with nothing to measure.
 */
export function checkMeasurable(tuning: IndexTuning, sc: Scenario, windows: number): void {
  if (tuning.kind === 'none') return;
  refuseAttach(sc);
  if (tuning.kind === 'grid' && scenarioWindows(sc, windows).windows.length === 0)
    throw new UserError(
      'tune: the workload mix has no spatial.pool, spatial.walk or spatial.dedup operation: no query windows to measure',
    );
  if (tuning.kind === 'options' && optionQuerySets(sc, 1).length === 0)
    throw new UserError(
      'tune: the workload mix has no spatial.pool, spatial.walk, spatial.dedup or spatial.knn operation: no queries to measure',
    );
}

export interface MeasureOptions {
  scenario: Scenario;
  /** Connected, holding the scenario's dataset; the caller closes it. */
  engine: Engine;
  force: boolean;
  /** Grid: best distinct configurations to rebuild besides the current one. */
  top: number;
  /** Grid: the model's ranking of the scenario's queries. */
  section: TuneSection;
  /** Query windows (grid) or requests per query set (options). */
  windows: number;
  /** Options: the configurations asked for (checkMeasurable), else the engine's defaults. */
  configs?: unknown[];
  signal: AbortSignal;
  say: (line: string) => void;
}

export type MeasuredIndex = { measured: TuneMeasured } | { measuredOptions: TuneMeasuredOptions };

export async function measureIndex(o: MeasureOptions): Promise<MeasuredIndex | undefined> {
  const tuning = o.engine.tuning;
  const sc = o.scenario;
  if (tuning.kind === 'none') return undefined;
  if (tuning.kind === 'grid') {
    const target = await tuning.open({ force: o.force });
    try {
      const measured = await runSweep(target, {
        engine: o.engine.name,
        section: o.section,
        top: o.top,
        windows: scenarioWindows(sc, o.windows).windows,
        pool: representativePool(sc),
        signal: o.signal,
        onProgress: o.say,
      });
      return { measured };
    } finally {
      await target.close();
    }
  }
  const target = await tuning.open({ force: o.force });
  try {
    const plan = await target.plan(o.configs);
    const measuredOptions = await runOptionsSweep(target, {
      engine: o.engine.name,
      configs: plan.configs,
      current: plan.current,
      same: (a, b) => target.same(a, b),
      describe: (c) => target.describe(c),
      querySets: optionQuerySets(sc, o.windows),
      notes: plan.notes,
      signal: o.signal,
      onProgress: o.say,
    });
    return { measuredOptions };
  } finally {
    await target.close();
  }
}
