/**
 * The PostGIS side of the measured index-options sweep (`atombench tune`): rebuilds of the
 * spatial index with a method / fillfactor / buffering, its size, the snapshot and restore, on a
 * connection of its own (no statement timeout: a build of 1M rows takes a while). The queries and their
 * EXPLAIN go through the engine, exactly as a benchmark run issues them. Every error leaving here is
 * scrubbed of the URL's secrets.
 *
 * A rebuild is DROP INDEX + CREATE INDEX in one transaction: DDL is transactional in PostgreSQL, so a
 * rejected CREATE leaves the previous index in place. The meta table says indexBuilt = 0 during the
 * sweep and records the DDL of the index left at the end, so a killed sweep, or one that leaves an index
 * other than the scenario's, makes the next run rebuild it (schema.ts prepareSchema).
 */
import type pg from 'pg';
import type { ObjectNames } from '../../../scenario/names.ts';
import type {
  Engine,
  IndexSnapshot,
  IndexTuning,
  EngineRequest,
  OperationRequest,
  OperationResult,
  OptionIndexSize,
  OptionsIndexTarget,
  OptionsPlan,
  PlanInfo,
} from '../../types.ts';
import { displayUrl, openClient, scrubbing } from '../connection.ts';
import { postgisIds } from '../dialect.ts';
import {
  configFromCatalog,
  configLabel,
  DEFAULT_INDEX_CONFIG,
  effective,
  indexDdlFor,
  OPCLASS,
  parseOptionList,
  sameIndexConfig,
  SWEEP_CONFIGS,
  type IndexCatalogRow,
  type IndexMethod,
  type PostgisIndexConfig,
} from '../index-options.ts';
import { setMeta } from '../schema.ts';
import { tuneSql } from './tune-sql.ts';

export interface PostgisTuneTargetOptions {
  url: string;
  names: ObjectNames;
  /** The connected engine (pool opened): the sweep's queries and plans go through it. */
  engine: Pick<Engine, 'run' | 'explain' | 'fingerprint'>;
  /** The scenario's index.postgis: measured last, so its build usually restores the index. */
  current: PostgisIndexConfig | undefined;
}

export class PostgisTuneTarget implements OptionsIndexTarget<PostgisIndexConfig> {
  private client: pg.Client | undefined;
  private readonly ids;
  private readonly sql;
  /** The DDL of the index as it stands (recorded in the meta table at the end); undefined = none. */
  private ddlNow: string | undefined;

  constructor(private readonly o: PostgisTuneTargetOptions) {
    this.ids = postgisIds(o.names);
    this.sql = tuneSql(this.ids);
  }

  async connect(): Promise<void> {
    this.client = await openClient(this.o.url);
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => {});
    this.client = undefined;
  }

  private get conn(): pg.Client {
    if (!this.client) throw new Error('postgis tune target: connect() first');
    return this.client;
  }

  private async q<T extends pg.QueryResultRow>(what: string, text: string, values: unknown[] = []) {
    const c = this.conn;
    return scrubbing(
      this.o.url,
      () => c.query<T>(text, values),
      `${what} on postgis ${displayUrl(this.o.url)}`,
    );
  }

  /** Which methods' operator classes can serve `ORDER BY geom <-> q` from the index (kNN). */
  async orderingSupport(): Promise<Record<IndexMethod, boolean>> {
    const r = await this.q<{ opclass: string; orders: boolean }>(
      'reading operator classes',
      this.sql.ordering,
      [Object.values(OPCLASS)],
    );
    const has = (m: IndexMethod) => r.rows.some((row) => row.opclass === OPCLASS[m] && row.orders);
    return { gist: has('gist'), spgist: has('spgist') };
  }

  async snapshot(): Promise<IndexSnapshot<PostgisIndexConfig>> {
    const r = await this.q<IndexCatalogRow>('reading the spatial index', this.sql.snapshot, [
      this.ids.spatialIndex,
      this.ids.embeddings,
    ]);
    const row = r.rows[0];
    if (!row) {
      this.ddlNow = undefined;
      return {
        existed: false,
        ddl: `-- ${this.ids.spatialIndex} did not exist before the sweep; it is dropped again\n${this.sql.drop};`,
      };
    }
    const config = configFromCatalog(row, this.o.names.geometryColumn);
    this.ddlNow = config ? indexDdlFor(this.o.names, config) : `${row.indexdef};`;
    return { existed: true, ddl: `${row.indexdef};`, config };
  }

  /** indexBuilt = 0 while the index may differ from the scenario's: a killed sweep makes the next run rebuild. */
  async begin(): Promise<void> {
    const c = this.conn;
    await scrubbing(
      this.o.url,
      () => setMeta(c, this.o.names, { indexBuilt: '0' }),
      'marking the index stale',
    );
  }

  async end(): Promise<void> {
    const c = this.conn;
    const entries: Record<string, string> = this.ddlNow
      ? { indexBuilt: '1', indexDdl: this.ddlNow }
      : { indexBuilt: '0' };
    await scrubbing(this.o.url, () => setMeta(c, this.o.names, entries), 'marking the index built');
  }

  /** DROP + CREATE in one transaction (a failed CREATE rolls back to the index before it). */
  private async replace(what: string, ddl: string): Promise<void> {
    await this.q(what, 'BEGIN');
    try {
      await this.q(what, this.sql.drop);
      await this.q(what, ddl);
      await this.q(what, 'COMMIT');
    } catch (e) {
      await this.client?.query('ROLLBACK').catch(() => {});
      throw e;
    }
  }

  async rebuild(cfg: PostgisIndexConfig): Promise<{ ddl: string }> {
    const ddl = indexDdlFor(this.o.names, cfg);
    await this.replace('rebuilding the spatial index', ddl);
    this.ddlNow = ddl;
    return { ddl };
  }

  async restore(s: IndexSnapshot<PostgisIndexConfig>): Promise<{ ddl: string }> {
    if (!s.existed) {
      await this.q('dropping the sweep index', this.sql.drop);
      this.ddlNow = undefined;
      return { ddl: `${this.sql.drop};` };
    }
    if (s.config) return this.rebuild(s.config);
    // Not a configuration the sweep builds (another opclass, a partial index...): its own statement.
    await this.replace('restoring the spatial index', s.ddl);
    this.ddlNow = s.ddl;
    return { ddl: s.ddl };
  }

  run(req: EngineRequest): Promise<OperationResult> {
    return this.o.engine.run(req);
  }

  same(a: PostgisIndexConfig, b: PostgisIndexConfig): boolean {
    return sameIndexConfig(a, b);
  }

  describe(c: PostgisIndexConfig): { label: string; options: Record<string, string | number> } {
    return { label: configLabel(c), options: { ...effective(c) } };
  }

  /** The requested configurations or SWEEP_CONFIGS, and what this server's operator classes can do. */
  async plan(requested: readonly PostgisIndexConfig[] | undefined): Promise<OptionsPlan<PostgisIndexConfig>> {
    const fp = await this.o.engine.fingerprint();
    const configs = requested ?? SWEEP_CONFIGS;
    const current = this.o.current ?? DEFAULT_INDEX_CONFIG;
    const ordering = await this.orderingSupport();
    const notes = [
      `${fp.serverVersion}; spatial.pool runs as the engine runs it (pool variant ${fp.settings['atombench.poolVariant'] ?? 'n/a'}), build = DROP + CREATE INDEX in one transaction, size = pg_relation_size of the index.`,
      'GiST buffering: auto (the default) and off build sorted when the operator class can sort (PostgreSQL 14+ with PostGIS 3.1+), on forces the buffered build. fillfactor is the percent of each page filled at build, the rest left free for later inserts (defaults: GiST 90, SP-GiST 80); the sorted GiST build ignores it and fills every page.',
    ];
    for (const m of ['gist', 'spgist'] as const)
      if (!ordering[m] && [...configs, current].some((c) => c.method === m))
        notes.push(
          `${m}: this server's operator class for it has no ordering operator (<->), so ORDER BY geom <-> q (spatial.knn, and spatial.pool under the knn-dwithin variant) cannot be answered from a ${m} index: the planner reads the whole table and sorts.`,
        );
    return { configs, current, notes };
  }

  explain(req: OperationRequest): Promise<PlanInfo> {
    return this.o.engine.explain(req);
  }

  async indexSize(): Promise<OptionIndexSize | undefined> {
    const r = await this.q<{ bytes: string; pages: number; tuples: number }>(
      'reading the index size',
      this.sql.size,
      [this.ids.spatialIndex],
    );
    const row = r.rows[0];
    return row && { bytes: Number(row.bytes), pages: Number(row.pages), tuples: Number(row.tuples) };
  }
}

export const POSTGIS_OPTIONS_FLAG = '--postgis-options';

/** What `tune` says on PostGIS (no final period). */
const POSTGIS_TUNE_NOTE =
  "PostGIS's index is not a grid: GRIDS, CELLS_PER_OBJECT and BOUNDING_BOX do not apply, and the GEOMETRY_GRID model below is SQL Server's; it does not apply to PostGIS and is shown for planning only. PostGIS's own options (index.postgis: method gist or spgist, fillfactor, GiST buffering) are built and measured on the server instead (--postgis-options picks them)";

export interface PostgisTuningOptions extends Omit<PostgisTuneTargetOptions, 'current'> {
  /** The scenario's index.postgis as prepare() saw it. */
  current(): PostgisIndexConfig | undefined;
  /** Size the engine's load pool (the sweep's queries run one at a time). */
  openPool(size: number): Promise<void>;
}

/** The PostGIS engine's `tuning`: its own index options, chosen with --postgis-options. */
export function postgisTuning(o: PostgisTuningOptions): IndexTuning {
  return {
    kind: 'options',
    note: POSTGIS_TUNE_NOTE,
    flag: POSTGIS_OPTIONS_FLAG,
    parseConfigs: (text) => parseOptionList(POSTGIS_OPTIONS_FLAG, text),
    open: async () => {
      const target = new PostgisTuneTarget({ ...o, current: o.current() });
      try {
        await target.connect();
        await o.openPool(1);
        return target;
      } catch (e) {
        await target.close();
        throw e;
      }
    },
  };
}
