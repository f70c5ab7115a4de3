/**
 * The measured part of tune.json (an optional `measured` section beside the model's ranking; schema
 * stays atombench/tune@1, the fields are additive). Pure data: sweep.ts fills it, src/report/tune/ shows it.
 */
import type { MeasuredSize } from '../../engines/types.ts';
import type { LatencySummary } from '../../model/result.ts';
import type { BoundingBox, Grids } from '../../model/index-config.ts';

/** What the model predicted for a configuration, copied from its TuneRow. */
export interface PredictedFigures {
  primaryFilterEfficiency: number;
  internalFilterShare: number;
  candidateRowsPerQuery: number;
  outputRowsPerQuery: number;
  indexRows: number;
}

/** sp_help_spatial_geometry_index_xml over the sample windows, summed. */
export interface MeasuredFilter {
  samples: number;
  /** P: rows selected by the primary filter, summed over the samples. */
  candidates: number;
  /** O: rows output, summed. */
  output: number;
  /** O / P as a fraction (1 when P = 0), comparable with the prediction. */
  efficiency: number;
  /** S / P: share of candidates the internal filter accepted (STIntersects only), when reported. */
  internalFilterShare?: number;
  /** The procedure's own Primary_Filter_Efficiency (percent), averaged over the samples. */
  reportedEfficiencyPercent?: number;
  indexRowsPerBaseRow?: number;
}

export interface MeasuredConfig {
  rank: number;
  box: string;
  boundingBox: BoundingBox;
  grids: Grids;
  cellsPerObject: number;
  /** Other CELLS_PER_OBJECT values the model predicts identical: measured once, through this one. */
  sameAsCellsPerObject: number[];
  current: boolean;
  predicted: PredictedFigures;
  /** Wall time of the rebuild (single-threaded, Sch-M lock on the table for all of it). */
  buildMs?: number;
  ddl?: string;
  /** Sequential queries (one at a time), after the warm-up. */
  latencyMs?: LatencySummary;
  queries: number;
  errors: number;
  errorsByClass: Record<string, number>;
  rowsPerQuery?: number;
  primaryFilter?: MeasuredFilter;
  indexSize?: MeasuredSize;
  /** What went wrong for this configuration (a failed rebuild, an unreadable size...). */
  problems: string[];
}

export interface TuneMeasured {
  engine: string;
  /** The ranking section whose configurations and query windows were measured. */
  section: string;
  /** Query windows run per configuration, as spatial.pool requests. */
  queries: number;
  warmupQueries: number;
  /** Windows given to the primary filter procedure per configuration. */
  filterSamples: number;
  configs: MeasuredConfig[];
  /** The index as it was before the sweep, and how it was put back. */
  original: { ddl: string; existed: boolean };
  restore: { rebuilt: boolean; ddl?: string; durationMs?: number; error?: string };
  interrupted: boolean;
  notes: string[];
}
