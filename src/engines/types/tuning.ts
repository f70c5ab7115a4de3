import type { GridConfig } from '../../model/index-config.ts';
import type { EngineRequest, OperationRequest, OperationResult } from './operations.ts';
import type { PlanInfo } from './probes.ts';

// ---- Measured index tuning (`atombench tune`): the engine-neutral sweeps in src/tune/ drive these. ----

/** The index as found before a sweep. */
export interface IndexSnapshot<C> {
  existed: boolean;
  /** The statement that recreates it (for the report, and for a person if restoring fails). */
  ddl: string;
  /** The configuration `rebuild` would reproduce it with exactly, when it is one. */
  config?: C;
}

/** What a sweep needs from an engine, for index configurations `C` and sizes `S`. Errors are redacted. */
export interface IndexTarget<C, S> {
  snapshot(): Promise<IndexSnapshot<C>>;
  /** Before the first rebuild (e.g. mark the index stale so a killed sweep is noticed by the next run). */
  begin?(): Promise<void>;
  rebuild(cfg: C): Promise<{ ddl: string }>;
  restore(s: IndexSnapshot<C>): Promise<{ ddl: string }>;
  /** After the restore succeeded. */
  end?(): Promise<void>;
  run(req: EngineRequest): Promise<OperationResult>;
  indexSize(): Promise<S | undefined>;
  close(): Promise<void>;
}

/** A query window: the disc @q.STBuffer(radius) around (x, y). */
export interface QueryWindow {
  x: number;
  y: number;
  radius: number;
}

/** One primary-filter reading for one window (sp_help_spatial_geometry_index on SQL Server). */
export interface FilterSample {
  candidates: number;
  output: number;
  internalFiltered?: number;
  efficiencyPercent?: number;
  indexRowsPerBaseRow?: number;
}

/** A grid index's size on the server. */
export interface MeasuredSize {
  rows: number;
  reservedBytes: number;
  usedBytes: number;
}

/** A GEOMETRY_GRID index (SQL Server): rebuilt with each grid configuration the model ranks. */
export interface GridIndexTarget extends IndexTarget<GridConfig, MeasuredSize> {
  primaryFilter(w: QueryWindow): Promise<FilterSample | undefined>;
}

/** An index of options (PostGIS: access method, fillfactor, buffering), its size after a build. */
export interface OptionIndexSize {
  /** pg_relation_size of the index. */
  bytes: number;
  pages: number;
  /** Index entries as the build counted them (pg_class.reltuples). */
  tuples: number;
}

/** The configurations an options sweep measures, as the engine plans them on its server. */
export interface OptionsPlan<C> {
  configs: readonly C[];
  /** The scenario's configuration: measured last, so its build usually restores the index. */
  current: C;
  /** About the server and the options (e.g. an operator class without kNN ordering). */
  notes: string[];
}

export interface OptionsIndexTarget<C = unknown> extends IndexTarget<C, OptionIndexSize> {
  /** EXPLAIN of a request as the workload issues it. */
  explain(req: OperationRequest): Promise<PlanInfo>;
  /** The sweep's configurations: `requested` (from the command line) or the engine's defaults. */
  plan(requested: readonly C[] | undefined): Promise<OptionsPlan<C>>;
  same(a: C, b: C): boolean;
  describe(c: C): { label: string; options: Record<string, string | number> };
}

/** Who may rebuild: `force` accepts tables atombench did not create; attach mode never rebuilds. */
export interface TuneAccess {
  force: boolean;
}

/**
 * What `tune` can build and measure on this engine's server. `none`: nothing to sweep (the note says
 * why). `grid`: the GEOMETRY_GRID model's configurations. `options`: the engine's own index options,
 * chosen with `flag` (parsed before anything connects).
 */
export type IndexTuning =
  | { kind: 'none'; note: string }
  | { kind: 'grid'; open(access: TuneAccess): Promise<GridIndexTarget> }
  | {
      kind: 'options';
      note: string;
      flag: string;
      /** The flag's value as configurations; a UserError naming the flag on bad input. */
      parseConfigs(text: string): unknown[];
      open(access: TuneAccess): Promise<OptionsIndexTarget>;
    };
