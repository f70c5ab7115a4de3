/**
 * What the engine reads about the server: at connect, what it can measure (pg_stat_force_next_flush is
 * new in PostgreSQL 15; pg_stat_statements installed and readable, or the reason), and for the
 * fingerprint the versions, the settings that change what a query costs, and the spatial index's DDL.
 */
import type pg from 'pg';
import type { EngineFingerprint } from '../../../model/engine.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import type { Capability } from '../../types.ts';

/** Settings reported in the fingerprint: they change what a query costs. */
const SETTINGS = [
  'shared_buffers',
  'effective_cache_size',
  'work_mem',
  'maintenance_work_mem',
  'random_page_cost',
  'jit',
  'max_parallel_workers_per_gather',
  'synchronous_commit',
  'fsync',
  'plan_cache_mode',
];

export interface ServerAbilities {
  flushSupported: boolean;
  statStatements: Capability;
}

export async function detectServer(c: pg.ClientBase): Promise<ServerAbilities> {
  const r = await c.query(`SELECT current_setting('server_version_num')::int AS v,
    EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS pss`);
  const statStatements: Capability = r.rows[0].pss
    ? await c.query('SELECT 1 FROM pg_stat_statements LIMIT 1').then(
        () => ({ supported: true }),
        (e: Error) => ({
          supported: false,
          reason: `pg_stat_statements is installed but unreadable: ${e.message}`,
        }),
      )
    : {
        supported: false,
        reason:
          'pg_stat_statements is not installed in this database (shared_preload_libraries = pg_stat_statements, then CREATE EXTENSION pg_stat_statements)',
      };
  return { flushSupported: r.rows[0].v >= 150000, statStatements };
}

export async function readFingerprint(
  c: pg.ClientBase,
  names: ObjectNames,
  extra: { poolVariant: string; indexDdl: () => string },
): Promise<EngineFingerprint> {
  const v = await c.query(`SELECT current_setting('server_version') AS pg,
    (SELECT extversion FROM pg_extension WHERE extname = 'postgis') AS postgis`);
  const s = await c.query('SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)', [SETTINGS]);
  const settings: Record<string, string> = {};
  for (const row of s.rows as { name: string; setting: string; unit: string | null }[])
    settings[row.name] = row.unit ? `${row.setting} (${row.unit})` : row.setting;
  settings['atombench.poolVariant'] = extra.poolVariant;
  settings['atombench.loadClient'] =
    'lean protocol client (src/engines/postgis/wire): named prepared statements, text parameters, rows counted';
  settings['index.gridOptions'] = 'n/a: GiST has no grid (BOUNDING_BOX, GRIDS, CELLS_PER_OBJECT, PAD_INDEX)';
  settings['index.hint'] = 'n/a: PostgreSQL has no index hints; the seek ratio shows what the planner chose';
  const ix = await c.query('SELECT indexdef FROM pg_indexes WHERE indexname = $1 LIMIT 1', [
    names.spatialIndex,
  ]);
  return {
    engine: 'postgis',
    serverVersion: `PostgreSQL ${v.rows[0].pg}${v.rows[0].postgis ? ` + PostGIS ${v.rows[0].postgis}` : ' (PostGIS not installed)'}`,
    settings,
    indexDdl: (ix.rows[0]?.indexdef as string | undefined) ?? extra.indexDdl(),
  };
}
