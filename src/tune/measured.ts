/**
 * The measured part of tune.json (an optional `measured` section beside the model's ranking; schema
 * stays atombench/tune@1, the fields are additive) and its Markdown table. Pure: sweep.ts fills it,
 * render.ts and the HTML page show it.
 */
import type { LatencySummary } from '../model/result.ts';
import { boxText, int, num, pct } from './findings.ts';
import type { BoundingBox, Grids } from '../model/index-config.ts';

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

export interface MeasuredSize {
  rows: number;
  reservedBytes: number;
  usedBytes: number;
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

const ms = (x: number | undefined): string => (x === undefined ? 'n/a' : x >= 100 ? x.toFixed(0) : num(x));
const mb = (bytes: number): string => num(bytes / 1024 / 1024);

export function configLabel(c: Pick<MeasuredConfig, 'box' | 'boundingBox' | 'grids'>): string {
  return `${c.box} ${boxText(c.boundingBox)} ${c.grids.join(', ')}`;
}

/** One line per measured configuration, prediction beside measurement. */
export function measuredRows(m: TuneMeasured): string[][] {
  return m.configs.map((c) => {
    const cpo = [c.cellsPerObject, ...c.sameAsCellsPerObject].sort((a, b) => a - b).join(', ');
    const f = c.primaryFilter;
    return [
      `${c.rank}${c.current ? ' (current)' : ''}`,
      configLabel(c),
      cpo,
      c.buildMs === undefined ? 'n/a' : `${(c.buildMs / 1000).toFixed(2)} s`,
      ms(c.latencyMs?.p50),
      ms(c.latencyMs?.p95),
      ms(c.latencyMs?.p99),
      `${c.errors}/${c.queries}`,
      pct(c.predicted.primaryFilterEfficiency),
      f ? pct(f.efficiency) : 'n/a',
      int(c.predicted.indexRows),
      c.indexSize ? int(c.indexSize.rows) : 'n/a',
      c.indexSize ? mb(c.indexSize.reservedBytes) : 'n/a',
    ];
  });
}

export const MEASURED_HEADERS = [
  'rank',
  'configuration',
  'CELLS_PER_OBJECT',
  'build',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'errors',
  'predicted efficiency',
  'measured efficiency',
  'predicted index rows',
  'index rows',
  'index MB',
];

/** Interruption and how the original index was put back, in plain words (every measured sweep). */
export function restoreNotes(m: Pick<TuneMeasured, 'interrupted' | 'restore'>): string[] {
  const out: string[] = [];
  if (m.interrupted) out.push('Interrupted: the configurations after the last one shown were not measured.');
  if (m.restore.error)
    out.push(`Restoring the original index FAILED: ${m.restore.error}. Rebuild it with the statement below.`);
  else if (m.restore.rebuilt)
    out.push(
      `The original index was rebuilt at the end${m.restore.durationMs === undefined ? '' : ` in ${(m.restore.durationMs / 1000).toFixed(2)} s`}.`,
    );
  else out.push('The last configuration measured was the original one, so the index was left as it is.');
  return out;
}

/** Plain-language lines under the table: restore, interruption, problems, notes. */
export function measuredNotes(m: TuneMeasured): string[] {
  const out = restoreNotes(m);
  for (const c of m.configs) for (const p of c.problems) out.push(`rank ${c.rank} (${configLabel(c)}): ${p}`);
  out.push(...m.notes);
  return out;
}

export function renderMeasuredMarkdown(m: TuneMeasured): string[] {
  const lines = [
    `## Measured on ${m.engine} (${m.section}: ${m.queries} queries per configuration after ${m.warmupQueries} warm-up, one at a time; primary filter on ${m.filterSamples} sample windows)`,
    '',
    `| ${MEASURED_HEADERS.join(' | ')} |`,
    `|${MEASURED_HEADERS.map((_, i) => (i === 1 || i === 2 ? '---' : '---:')).join('|')}|`,
  ];
  for (const r of measuredRows(m)) lines.push(`| ${r.join(' | ')} |`);
  lines.push('');
  for (const n of measuredNotes(m)) lines.push(`- ${n}`);
  if (m.restore.error) lines.push('', '```sql', m.original.ddl, '```');
  return lines;
}
