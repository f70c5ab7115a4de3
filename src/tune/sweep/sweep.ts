/**
 * The measured GEOMETRY_GRID sweep of `atombench tune` (SQL Server): for each configuration chosen from
 * the model's ranking (sweep-plan.ts), the engine-neutral loop (sweep-loop.ts) rebuilds the index
 * (timed: on SQL Server the build is single-threaded and holds a Sch-M lock on the table, so its time is
 * a finding), warms up, runs the model's own query windows as spatial.pool requests one at a time, reads
 * the index size and restores the original index in a `finally`; this file adds the primary filter on
 * sample windows and the prediction beside each measurement.
 */
import type { FilterSample, GridIndexTarget, QueryWindow } from '../../engines/types.ts';
import type { TuneSection } from '../document.ts';
import type { MeasuredConfig, MeasuredFilter, TuneMeasured } from './measured.ts';
import { message, runIndexSweep } from './sweep-loop.ts';
import { planSweep, rowConfig, sameConfig, type SweepStep } from './sweep-plan.ts';
import { windowRequests } from './sweep-queries.ts';

export interface SweepOptions {
  engine: string;
  section: TuneSection;
  /** Best distinct configurations to measure besides the current one. */
  top: number;
  /** The model's query windows for the section, in order. */
  windows: readonly QueryWindow[];
  /** TOP (pool) of each spatial.pool request. */
  pool: number;
  /** Unrecorded queries after each rebuild (default 5). */
  warmupQueries?: number;
  /** Windows given to the primary filter per configuration (default 5; the call reads the whole index). */
  filterSamples?: number;
  signal?: AbortSignal;
  now?: () => bigint;
  onProgress?: (line: string) => void;
}

function blank(step: SweepStep): MeasuredConfig {
  const r = step.row;
  return {
    rank: r.rank,
    box: r.box,
    boundingBox: r.boundingBox,
    grids: r.grids,
    cellsPerObject: r.cellsPerObject,
    sameAsCellsPerObject: step.sameAsCellsPerObject,
    current: r.current,
    predicted: {
      primaryFilterEfficiency: r.primaryFilterEfficiency,
      internalFilterShare: r.internalFilterShare,
      candidateRowsPerQuery: r.candidateRowsPerQuery,
      outputRowsPerQuery: r.outputRowsPerQuery,
      indexRows: r.indexRows,
    },
    queries: 0,
    errors: 0,
    errorsByClass: {},
    problems: [],
  };
}

/** Sum the filter samples; undefined when no window gave P and O. */
export function sumFilter(samples: readonly FilterSample[]): MeasuredFilter | undefined {
  if (samples.length === 0) return undefined;
  const sum = (f: (s: FilterSample) => number | undefined) => samples.reduce((a, s) => a + (f(s) ?? 0), 0);
  const all = (f: (s: FilterSample) => number | undefined) => samples.every((s) => f(s) !== undefined);
  const candidates = sum((s) => s.candidates);
  const out: MeasuredFilter = {
    samples: samples.length,
    candidates,
    output: sum((s) => s.output),
    efficiency: candidates === 0 ? 1 : sum((s) => s.output) / candidates,
  };
  if (all((s) => s.internalFiltered) && candidates > 0)
    out.internalFilterShare = sum((s) => s.internalFiltered) / candidates;
  if (all((s) => s.efficiencyPercent))
    out.reportedEfficiencyPercent = sum((s) => s.efficiencyPercent) / samples.length;
  const last = samples[samples.length - 1]!.indexRowsPerBaseRow;
  if (last !== undefined) out.indexRowsPerBaseRow = last;
  return out;
}

async function measureFilter(target: GridIndexTarget, c: MeasuredConfig, o: SweepOptions): Promise<void> {
  const samples: FilterSample[] = [];
  for (const w of o.windows.slice(0, o.filterSamples ?? 5)) {
    if (o.signal?.aborted) break;
    try {
      const s = await target.primaryFilter(w);
      if (s) samples.push(s);
    } catch (e) {
      c.problems.push(`primary filter: ${message(e)}`);
      break;
    }
  }
  c.primaryFilter = sumFilter(samples);
}

export async function runSweep(target: GridIndexTarget, o: SweepOptions): Promise<TuneMeasured> {
  const steps = planSweep(o.section, o.top);
  const reqs = windowRequests(o.windows, o.pool);
  const filterSamples = Math.min(o.filterSamples ?? 5, o.windows.length);
  const loop = await runIndexSweep(target, {
    steps: steps.map((s) => ({
      config: rowConfig(s.row),
      record: blank(s),
      label: `rank ${s.row.rank}${s.row.current ? ' (current)' : ''}`,
    })),
    querySets: [
      {
        name: 'spatial.pool',
        requests: reqs,
        apply: (c, f) => {
          c.queries = f.queries;
          c.errors = f.errors;
          c.errorsByClass = f.errorsByClass;
          if (f.latencyMs) c.latencyMs = f.latencyMs;
          if (f.rowsPerQuery !== undefined) c.rowsPerQuery = f.rowsPerQuery;
        },
      },
    ],
    same: sameConfig,
    warmupQueries: o.warmupQueries,
    extra: (step) => measureFilter(target, step.record, o),
    signal: o.signal,
    now: o.now,
    onProgress: o.onProgress,
  });
  const notes = [
    'Each configuration is measured right after its own rebuild, with the same windows in the same order, one query at a time on one connection (latency without queueing).',
    `The primary filter is read on the first ${filterSamples} windows; the prediction beside it averages all ${o.windows.length}.`,
  ];
  if (steps.some((s) => s.sameAsCellsPerObject.length > 0))
    notes.push(
      'Configurations the model predicts identical (differing only in CELLS_PER_OBJECT) were rebuilt once.',
    );
  return {
    engine: o.engine,
    section: o.section.label,
    queries: reqs.length,
    warmupQueries: Math.min(o.warmupQueries ?? 5, reqs.length),
    filterSamples,
    configs: loop.records,
    original: loop.original,
    restore: loop.restore,
    interrupted: loop.interrupted,
    notes: [...notes, ...loop.notes],
  };
}
