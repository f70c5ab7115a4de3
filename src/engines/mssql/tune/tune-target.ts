/**
 * The SQL Server side of the measured tune sweep (`atombench tune`): rebuilds of the main spatial
 * index, the primary filter per sample window, the index size, on a pool of its own (no request
 * timeout: a rebuild of 1M rows takes minutes). The queries themselves go through the engine's run(),
 * exactly as a benchmark run issues them. Refuses to rebuild an index on a table atombench did not
 * create (AtombenchObjects) unless force, and always in attach mode (a deployment is read-only).
 * Every error leaving here is redacted.
 */
import type sql from 'mssql';
import { RuntimeFailure, UserError } from '../../../errors.ts';
import type { ObjectNames } from '../../../scenario/names.ts';
import type { Scenario } from '../../../scenario/schema.ts';
import type { GridConfig } from '../../../model/index-config.ts';
import type {
  Engine,
  FilterSample,
  GridIndexTarget,
  IndexSnapshot as Snapshot,
  IndexTuning,
  MeasuredSize,
  EngineRequest,
  OperationResult,
  QueryWindow,
} from '../../types.ts';

type IndexSnapshot = Snapshot<GridConfig>;
import {
  configFromTessellation,
  existsQuery,
  ownedObjectsQuery,
  tessellationQuery,
  updateMetaQuery,
  type TessellationRow,
} from '../sql/catalog.ts';
import { parseMssqlUrl, type MssqlTarget } from '../connection-url.ts';
import { qualifiedName, quoteName } from '../sql/identifiers.ts';
import { dropIndexDdl, type IndexConfig } from '../sql/index-ddl.ts';

export { configFromTessellation };
import { META_TABLE, OBJECTS_TABLE } from '../sql/object-names.ts';
import { MssqlPools } from '../pools.ts';
import { parseIndexProperties, primaryFilterQuery, primaryFilterStats } from '../plan/primary-filter.ts';
import { exec, rows, type SqlStatement } from '../sql/statement.ts';
import {
  rebuildSpatialIndexDdl,
  spatialIndexSize,
  spatialIndexSizeQuery,
  type IndexSizeRow,
} from './tune-sql.ts';

export interface MssqlTuneTargetOptions {
  url: string | undefined;
  names: ObjectNames;
  /** The scenario's index: its PAD_INDEX goes into every rebuild, its config is built if none exists. */
  index: Scenario['index'];
  /** The connected engine; the sweep's queries run through it. */
  engine: Pick<Engine, 'run'>;
}

export class MssqlTuneTarget implements GridIndexTarget {
  private readonly target: MssqlTarget;
  private readonly pools: MssqlPools;
  private pool: sql.ConnectionPool | undefined;
  /** Does the index exist now (DROP_EXISTING needs it; a plain CREATE needs it gone)? */
  private exists = false;
  /** The scheme of the index now: DROP_EXISTING is used only when it stays the same. */
  private scheme: IndexConfig['scheme'] | undefined;
  private original: IndexConfig | undefined;
  private hasMeta = false;

  constructor(private readonly o: MssqlTuneTargetOptions) {
    this.target = parseMssqlUrl(o.url);
    this.pools = new MssqlPools(this.target);
  }

  async connect(): Promise<void> {
    this.pool = await this.pools.open(2, 0);
  }

  async close(): Promise<void> {
    await this.pool?.close().catch(() => undefined);
    this.pool = undefined;
  }

  private async q<T>(what: string, stmt: SqlStatement): Promise<T[]> {
    if (!this.pool) throw new Error('mssql tune target: connect() first');
    try {
      return rows<T>(await exec(this.pool, stmt));
    } catch (e) {
      throw new RuntimeFailure(`${what} on ${this.target.display}: ${this.target.redactor.message(e)}`);
    }
  }

  private async present(name: string): Promise<boolean> {
    const r = await this.q<{ Present: boolean }>(
      'checking ownership',
      existsQuery('table', this.o.names.schema, name),
    );
    return r[0]?.Present === true;
  }

  /** UserError (exit 2) unless atombench created the table, or force. Attach mode: always refused. */
  async checkRebuildAllowed(opts: { force: boolean; attach: boolean }): Promise<void> {
    const n = this.o.names;
    const table = qualifiedName(n.schema, n.embeddingsTable);
    if (opts.attach)
      throw new UserError(
        `tune: attach mode is read-only, and the sweep rebuilds ${quoteName(n.spatialIndex)} on ${table}; measure on a copy of the database without attach: true`,
      );
    this.hasMeta = (await this.present(META_TABLE)) && (await this.present(OBJECTS_TABLE));
    const owned = this.hasMeta
      ? await this.q<{ Kind: string; Name: string }>('checking ownership', ownedObjectsQuery(n.schema))
      : [];
    const ours = owned.some((o) => o.Kind === 'table' && o.Name === n.embeddingsTable);
    if (!ours && !opts.force)
      throw new UserError(
        `tune: ${table} was not created by atombench (it is not in ${qualifiedName(n.schema, OBJECTS_TABLE)}); the sweep rebuilds its spatial index ${quoteName(n.spatialIndex)} several times under a schema lock; refusing (use --force on a bench database)`,
      );
  }

  async snapshot(): Promise<IndexSnapshot> {
    const n = this.o.names;
    const t = (
      await this.q<TessellationRow>('reading the spatial index', tessellationQuery(n, n.spatialIndex))
    )[0];
    this.exists = t !== undefined;
    this.original = t ? configFromTessellation(t) : undefined;
    this.scheme = this.original?.scheme;
    if (!this.original)
      return {
        existed: false,
        ddl: `-- ${quoteName(n.spatialIndex)} did not exist before the sweep; it is dropped again\n${dropIndexDdl(n, n.spatialIndex)}`,
      };
    const c = this.original;
    const reproducible = c.scheme === 'GEOMETRY_GRID' && c.padIndex === this.o.index.padIndex;
    return {
      existed: true,
      ddl: rebuildSpatialIndexDdl(n, c, { dropExisting: true }),
      config: reproducible
        ? { boundingBox: c.boundingBox, grids: c.grids, cellsPerObject: c.cellsPerObject }
        : undefined,
    };
  }

  /** IndexBuilt = 0 while the index differs from the scenario's: a killed sweep makes the next run rebuild. */
  async begin(): Promise<void> {
    if (this.hasMeta)
      await this.q('marking the index stale', updateMetaQuery(this.o.names.schema, { IndexBuilt: false }));
  }

  async end(): Promise<void> {
    if (this.hasMeta)
      await this.q('marking the index built', updateMetaQuery(this.o.names.schema, { IndexBuilt: true }));
  }

  /**
   * DROP_EXISTING = ON when the index exists with the same scheme (one statement: a rejected config
   * leaves the old index). A scheme change (GEOMETRY_AUTO_GRID <-> GEOMETRY_GRID) under DROP_EXISTING is
   * not documented, so then: DROP, then CREATE (if the CREATE fails the index is missing until restore).
   */
  private async build(cfg: IndexConfig): Promise<{ ddl: string }> {
    const n = this.o.names;
    if (this.exists && this.scheme !== cfg.scheme) {
      await this.q('dropping the spatial index', { text: dropIndexDdl(n, n.spatialIndex), params: [] });
      this.exists = false;
    }
    const ddl = rebuildSpatialIndexDdl(n, cfg, { dropExisting: this.exists });
    await this.q('rebuilding the spatial index', { text: ddl, params: [] });
    this.exists = true;
    this.scheme = cfg.scheme;
    return { ddl };
  }

  rebuild(cfg: GridConfig): Promise<{ ddl: string }> {
    return this.build({
      scheme: 'GEOMETRY_GRID',
      boundingBox: [...cfg.boundingBox] as IndexConfig['boundingBox'],
      grids: [...cfg.grids] as IndexConfig['grids'],
      cellsPerObject: cfg.cellsPerObject,
      padIndex: this.o.index.padIndex,
    });
  }

  async restore(s: IndexSnapshot): Promise<{ ddl: string }> {
    if (s.existed && this.original) return this.build(this.original);
    const ddl = dropIndexDdl(this.o.names, this.o.names.spatialIndex);
    await this.q('dropping the sweep index', { text: ddl, params: [] });
    this.exists = false;
    return { ddl };
  }

  run(req: EngineRequest): Promise<OperationResult> {
    return this.o.engine.run(req);
  }

  async primaryFilter(w: QueryWindow): Promise<FilterSample | undefined> {
    const r = await this.q<{ PropertiesXml: string | null }>(
      'sp_help_spatial_geometry_index_xml',
      primaryFilterQuery(this.o.names, w.x, w.y, w.radius),
    );
    const props = parseIndexProperties(r[0]?.PropertiesXml);
    const s = primaryFilterStats(props);
    if (!s) return undefined;
    return {
      candidates: s.candidates,
      output: s.output,
      internalFiltered: props.Number_Of_Rows_Selected_By_Internal_Filter,
      efficiencyPercent: s.efficiencyPercent,
      indexRowsPerBaseRow: s.indexRowsPerBaseRow,
    };
  }

  async indexSize(): Promise<MeasuredSize | undefined> {
    const r = await this.q<IndexSizeRow>('reading the index size', spatialIndexSizeQuery(this.o.names));
    const s = spatialIndexSize(r[0]);
    return s && { rows: s.rows, reservedBytes: s.reservedBytes, usedBytes: s.usedBytes };
  }
}

export interface MssqlTuningOptions extends MssqlTuneTargetOptions {
  attach: boolean;
  /** Size the engine's load pool (the sweep's queries run one at a time). */
  openPool(size: number): Promise<void>;
}

/** The SQL Server engine's `tuning`: the GEOMETRY_GRID model's configurations, rebuilt and measured. */
export function mssqlTuning(o: MssqlTuningOptions): IndexTuning {
  return {
    kind: 'grid',
    open: async ({ force }) => {
      const target = new MssqlTuneTarget(o);
      try {
        await target.connect();
        await target.checkRebuildAllowed({ force, attach: o.attach });
        await o.openPool(1);
        return target;
      } catch (e) {
        await target.close();
        throw e;
      }
    },
  };
}
