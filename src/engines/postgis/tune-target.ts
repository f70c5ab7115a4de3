/**
 * The PostGIS side of the measured index-options sweep (src/tune/options-sweep.ts): rebuilds of the
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
import type { ObjectNames } from '../../scenario/names.ts';
import type { OptionIndexSize } from '../../tune/measured-options.ts';
import type { OptionsTarget } from '../../tune/options-sweep.ts';
import type { IndexSnapshot } from '../../tune/sweep-loop.ts';
import type { Engine, EngineRequest, OperationRequest, OperationResult, PlanInfo } from '../types.ts';
import { displayUrl, openClient, scrubbing } from './connection.ts';
import { postgisIds } from './dialect.ts';
import {
  configFromCatalog,
  indexDdlFor,
  OPCLASS,
  type IndexCatalogRow,
  type IndexMethod,
  type PostgisIndexConfig,
} from './index-options.ts';
import { setMeta } from './schema.ts';
import { tuneSql } from './tune-sql.ts';

export interface PostgisTuneTargetOptions {
  url: string;
  names: ObjectNames;
  /** The connected engine (pool opened): the sweep's queries and plans go through it. */
  engine: Pick<Engine, 'run' | 'explain'>;
}

export class PostgisTuneTarget implements OptionsTarget<PostgisIndexConfig> {
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
