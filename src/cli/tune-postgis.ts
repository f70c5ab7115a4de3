/**
 * `atombench tune --engine postgis` without --model-only: the index-options sweep of
 * src/tune/options-sweep.ts on the scenario's own dataset (seeded first if missing, like `run`), through
 * PostgisTuneTarget. The GEOMETRY_GRID model does not apply to PostGIS; what PostGIS offers (method,
 * fillfactor, GiST buffering) is measured instead.
 */
import { checkPostgresUrl } from '../engines/postgis/connection.ts';
import {
  configLabel,
  DEFAULT_INDEX_CONFIG,
  effective,
  parseOptionList,
  sameIndexConfig,
  SWEEP_CONFIGS,
  type PostgisIndexConfig,
} from '../engines/postgis/index-options.ts';
import { PostgisTuneTarget } from '../engines/postgis/tune-target.ts';
import { UserError } from '../errors.ts';
import { guard } from '../run/orchestrator.ts';
import type { Engine } from '../engines/types.ts';
import type { Progress } from '../run/progress.ts';
import { resolveNames } from '../scenario/names.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { TuneMeasuredOptions } from '../tune/measured-options.ts';
import { scenarioKnn, scenarioWindows } from '../tune/model-run.ts';
import type { OptionQuerySet } from '../tune/options-sweep.ts';
import { runOptionsSweep } from '../tune/options-sweep.ts';
import { windowRequests } from '../tune/sweep-queries.ts';
import { refuseAttach, representativePool } from './tune-measure.ts';

export const POSTGIS_OPTIONS_FLAG = '--postgis-options';

/** The flag's value, checked before the model runs and before anything connects (exit 2 on bad input). */
export function postgisOptionsFlag(
  text: string | undefined,
  ctx: { engine: string; modelOnly: boolean },
): PostgisIndexConfig[] | undefined {
  if (text === undefined) return undefined;
  if (ctx.engine !== 'postgis')
    throw new UserError(`${POSTGIS_OPTIONS_FLAG}: applies to --engine postgis only (engine: ${ctx.engine})`);
  if (ctx.modelOnly)
    throw new UserError(`${POSTGIS_OPTIONS_FLAG}: --model-only measures nothing; drop one of the two`);
  return parseOptionList(POSTGIS_OPTIONS_FLAG, text);
}

/** The query sets of the sweep: the scenario's windows as spatial.pool, and its spatial.knn if any. */
export function postgisQuerySets(sc: Scenario, count: number): OptionQuerySet[] {
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

export function checkPostgisMeasurable(sc: Scenario, url: string | undefined, sets: number): void {
  checkPostgresUrl(url);
  refuseAttach(sc);
  if (sets === 0)
    throw new UserError(
      'tune: the workload mix has no spatial.pool, spatial.walk, spatial.dedup or spatial.knn operation: no queries to measure',
    );
}

export interface PostgisMeasureContext {
  scenario: Scenario;
  url: string | undefined;
  /** Connected, holding the scenario's dataset (openSweepEngine); the caller closes it. */
  engine: Engine;
  /** --postgis-options, or undefined for SWEEP_CONFIGS. */
  configs: PostgisIndexConfig[] | undefined;
  querySets: OptionQuerySet[];
  progress: Progress;
  signal: AbortSignal;
  say: (line: string) => void;
}

function describe(c: PostgisIndexConfig) {
  return { label: configLabel(c), options: { ...effective(c) } };
}

export async function measurePostgis(ctx: PostgisMeasureContext): Promise<TuneMeasuredOptions> {
  const sc = ctx.scenario;
  const url = checkPostgresUrl(ctx.url);
  checkPostgisMeasurable(sc, url, ctx.querySets.length);
  const engine = ctx.engine;
  let target: PostgisTuneTarget | undefined;
  try {
    const fp = await guard(url, 'fingerprint', () => engine.fingerprint());
    target = new PostgisTuneTarget({ url, names: resolveNames(sc.names.preset, sc.names.overrides), engine });
    await guard(url, 'tune', () => target!.connect());
    await guard(url, 'tune', () => engine.openPool(1));
    const configs = ctx.configs ?? SWEEP_CONFIGS;
    const ordering = await guard(url, 'tune', () => target!.orderingSupport());
    const notes = [
      `${fp.serverVersion}; spatial.pool runs as the engine runs it (pool variant ${fp.settings['atombench.poolVariant'] ?? 'n/a'}), build = DROP + CREATE INDEX in one transaction, size = pg_relation_size of the index.`,
      'GiST buffering: auto (the default) and off build sorted when the operator class can sort (PostgreSQL 14+ with PostGIS 3.1+), on forces the buffered build. fillfactor is the percent of each page filled at build, the rest left free for later inserts (defaults: GiST 90, SP-GiST 80); the sorted GiST build ignores it and fills every page.',
    ];
    for (const m of ['gist', 'spgist'] as const)
      if (!ordering[m] && [...configs, sc.index.postgis ?? DEFAULT_INDEX_CONFIG].some((c) => c.method === m))
        notes.push(
          `${m}: this server's operator class for it has no ordering operator (<->), so ORDER BY geom <-> q (spatial.knn, and spatial.pool under the knn-dwithin variant) cannot be answered from a ${m} index: the planner reads the whole table and sorts.`,
        );
    const t = target;
    return await guard(url, 'tune sweep', () =>
      runOptionsSweep(t, {
        engine: 'postgis',
        configs,
        current: sc.index.postgis ?? DEFAULT_INDEX_CONFIG,
        same: sameIndexConfig,
        describe,
        querySets: ctx.querySets,
        notes,
        signal: ctx.signal,
        onProgress: ctx.say,
      }),
    );
  } finally {
    await target?.close();
  }
}
