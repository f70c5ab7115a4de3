/**
 * The measured sweep of `atombench tune` (engine-neutral): for each configuration chosen from the
 * model's ranking, rebuild the index (timed: on SQL Server the build is single-threaded and holds a
 * Sch-M lock on the table, so its time is a finding), warm up, run the model's own query windows as
 * spatial.pool requests one at a time (latency into an HDR histogram), ask the engine's primary filter
 * on sample windows, read the index size. The original index is put back in a `finally`, also when the
 * sweep is interrupted or fails. Engine SQL lives in the target (src/engines/<engine>/tune-*.ts).
 *
 * Order: the chosen configurations best-first, the current one last, so in the usual case (the index
 * holds the current configuration) the last rebuild already restores it and no extra build is needed.
 */
import { errorClassOf } from '../errors.ts';
import { createLatencyHistogram, recordNanos, summarize } from '../metrics/histogram.ts';
import type { OperationRequest, OperationResult } from '../engines/types.ts';
import type { GridConfig } from './grid.ts';
import type { MeasuredConfig, MeasuredFilter, MeasuredSize, TuneMeasured } from './measured.ts';
import type { QueryWindow } from './predict.ts';
import type { TuneRow, TuneSection } from './render.ts';

/** The index as found before the sweep. */
export interface IndexSnapshot {
  existed: boolean;
  /** The statement that recreates it (for the report, and for a person if restoring fails). */
  ddl: string;
  /** The grid configuration `rebuild` would reproduce it with exactly, when it is one. */
  config?: GridConfig;
}

/** One primary-filter reading for one window (sp_help_spatial_geometry_index on SQL Server). */
export interface FilterSample {
  candidates: number;
  output: number;
  internalFiltered?: number;
  efficiencyPercent?: number;
  indexRowsPerBaseRow?: number;
}

/** What the sweep needs from an engine. Errors it throws must already be redacted. */
export interface SweepTarget {
  snapshot(): Promise<IndexSnapshot>;
  /** Before the first rebuild (e.g. mark the index stale so a killed sweep is noticed by the next run). */
  begin?(): Promise<void>;
  rebuild(cfg: GridConfig): Promise<{ ddl: string }>;
  restore(s: IndexSnapshot): Promise<{ ddl: string }>;
  /** After the restore succeeded. */
  end?(): Promise<void>;
  run(req: OperationRequest): Promise<OperationResult>;
  primaryFilter(w: QueryWindow): Promise<FilterSample | undefined>;
  indexSize(): Promise<MeasuredSize | undefined>;
}

export interface SweepStep {
  row: TuneRow;
  /** CELLS_PER_OBJECT values of rows the model predicts identical to `row`. */
  sameAsCellsPerObject: number[];
}

export function sameConfig(a: GridConfig, b: GridConfig): boolean {
  const close = (x: number, y: number) => x === y || Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x));
  return (
    a.cellsPerObject === b.cellsPerObject &&
    a.grids.every((g, i) => g === b.grids[i]) &&
    a.boundingBox.every((v, i) => close(v, b.boundingBox[i]!))
  );
}

export function rowConfig(r: TuneRow): GridConfig {
  return { boundingBox: r.boundingBox, grids: r.grids, cellsPerObject: r.cellsPerObject };
}

/** Rows the model cannot tell apart (same box and GRIDS, same predictions) are one rebuild. */
function groupKey(r: TuneRow): string {
  return [
    r.box,
    r.boundingBox.join(','),
    r.grids.join(','),
    r.primaryFilterEfficiency,
    r.candidateRowsPerQuery,
    r.indexRows,
  ].join('|');
}

/**
 * The configurations to rebuild: the `top` best distinct ones of the section, plus the current one when
 * it is not among them; the current one always last. A group holding the current row is measured
 * through the current row (its CELLS_PER_OBJECT), others through their best-ranked row.
 */
export function planSweep(section: TuneSection, top: number): SweepStep[] {
  const groups = new Map<string, TuneRow[]>();
  for (const r of [...section.rows].sort((a, b) => a.rank - b.rank)) {
    const k = groupKey(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const currentKey = groupKey(section.current);
  if (!groups.has(currentKey)) groups.set(currentKey, [section.current]);
  const step = (rows: TuneRow[], lead: TuneRow): SweepStep => ({
    row: lead,
    sameAsCellsPerObject: [
      ...new Set(rows.filter((r) => r.cellsPerObject !== lead.cellsPerObject).map((r) => r.cellsPerObject)),
    ].sort((a, b) => a - b),
  });
  const chosen = [...groups.entries()].slice(0, Math.max(0, top));
  const steps = chosen.filter(([k]) => k !== currentKey).map(([, rows]) => step(rows, rows[0]!));
  steps.push(step(groups.get(currentKey)!, section.current));
  return steps;
}

/** Does the index need one more build to be as it was? `built` undefined = unknown state. */
export function needsRestore(built: GridConfig | 'original' | undefined, snap: IndexSnapshot): boolean {
  if (built === 'original') return false;
  return !(built && snap.config && sameConfig(built, snap.config));
}

export function windowRequests(windows: readonly QueryWindow[], pool: number): OperationRequest[] {
  return windows.map((w) => ({ op: 'spatial.pool', q: { x: w.x, y: w.y, z: 0 }, radius: w.radius, pool }));
}

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

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const elapsedMs = (t0: bigint, t1: bigint): number => Number(t1 - t0) / 1e6;

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

async function runQueries(
  target: SweepTarget,
  reqs: readonly OperationRequest[],
  c: MeasuredConfig,
  o: SweepOptions,
): Promise<void> {
  const now = o.now ?? process.hrtime.bigint;
  for (const req of reqs.slice(0, o.warmupQueries ?? 5)) {
    if (o.signal?.aborted) return;
    await target.run(req).catch(() => undefined);
  }
  const h = createLatencyHistogram();
  let rows = 0;
  let firstError: string | undefined;
  for (const req of reqs) {
    if (o.signal?.aborted) break;
    c.queries++;
    const t0 = now();
    try {
      rows += (await target.run(req)).rows;
      recordNanos(h, now() - t0);
    } catch (e) {
      c.errors++;
      const k = errorClassOf(e);
      c.errorsByClass[k] = (c.errorsByClass[k] ?? 0) + 1;
      firstError ??= message(e);
    }
  }
  if (h.totalCount > 0) {
    c.latencyMs = summarize(h);
    c.rowsPerQuery = rows / h.totalCount;
  }
  if (firstError !== undefined)
    c.problems.push(`${c.errors} of ${c.queries} queries failed; the first: ${firstError}`);
}

async function measureFilter(target: SweepTarget, c: MeasuredConfig, o: SweepOptions): Promise<void> {
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

export async function runSweep(target: SweepTarget, o: SweepOptions): Promise<TuneMeasured> {
  const now = o.now ?? process.hrtime.bigint;
  const say = o.onProgress ?? (() => {});
  const steps = planSweep(o.section, o.top);
  const reqs = windowRequests(o.windows, o.pool);
  const snap = await target.snapshot();
  const m: TuneMeasured = {
    engine: o.engine,
    section: o.section.label,
    queries: reqs.length,
    warmupQueries: Math.min(o.warmupQueries ?? 5, reqs.length),
    filterSamples: Math.min(o.filterSamples ?? 5, o.windows.length),
    configs: [],
    original: { ddl: snap.ddl, existed: snap.existed },
    restore: { rebuilt: false },
    interrupted: false,
    notes: [
      'Each configuration is measured right after its own rebuild, with the same windows in the same order, one query at a time on one connection (latency without queueing).',
      `The primary filter is read on the first ${Math.min(o.filterSamples ?? 5, o.windows.length)} windows; the prediction beside it averages all ${o.windows.length}.`,
    ],
  };
  if (steps.some((s) => s.sameAsCellsPerObject.length > 0))
    m.notes.push(
      'Configurations the model predicts identical (differing only in CELLS_PER_OBJECT) were rebuilt once.',
    );
  let built: GridConfig | 'original' | undefined = 'original';
  await target.begin?.();
  try {
    for (const [i, step] of steps.entries()) {
      if (o.signal?.aborted) break;
      const c = blank(step);
      m.configs.push(c);
      const cfg = rowConfig(step.row);
      say(`[${i + 1}/${steps.length}] rebuilding the index: rank ${c.rank}${c.current ? ' (current)' : ''}`);
      const t0 = now();
      try {
        c.ddl = (await target.rebuild(cfg)).ddl;
        c.buildMs = elapsedMs(t0, now());
        built = cfg;
      } catch (e) {
        built = undefined; // the engine may or may not have changed the index
        c.problems.push(`rebuild failed: ${message(e)}`);
        continue;
      }
      say(`  built in ${(c.buildMs / 1000).toFixed(2)} s; running ${reqs.length} queries`);
      await runQueries(target, reqs, c, o);
      await measureFilter(target, c, o);
      try {
        c.indexSize = await target.indexSize();
      } catch (e) {
        c.problems.push(`index size: ${message(e)}`);
      }
    }
  } finally {
    m.interrupted = !!o.signal?.aborted;
    if (needsRestore(built, snap)) {
      say('restoring the original index');
      const t0 = now();
      try {
        const r = await target.restore(snap);
        m.restore = { rebuilt: true, ddl: r.ddl, durationMs: elapsedMs(t0, now()) };
      } catch (e) {
        m.restore = { rebuilt: false, error: message(e) };
      }
    }
    if (!m.restore.error) await target.end?.().catch((e) => m.notes.push(`after restore: ${message(e)}`));
  }
  return m;
}
