import { stringify } from 'csv-stringify/sync';
import type { RunResult, TimeSeriesPoint } from '../../model/result.ts';

/**
 * timeseries.csv: one row per interval, for spreadsheets and plotting. The column set is fixed (open-loop
 * and queue columns stay, empty when not measured) so files from different runs line up. Times are
 * rounded to the millisecond (tSec to 3 decimals) and latencies to the microsecond (…Ms to 3 decimals),
 * the resolution the histograms record, so no float noise (1.0025564600000003) reaches a spreadsheet.
 */

export const TIMESERIES_COLUMNS = [
  'tSec',
  'warmup',
  'ops',
  'errors',
  'p50Ms',
  'p95Ms',
  'p99Ms',
  'queueDepth',
  'scheduleLagP99Ms',
  'dropped',
  'maintenance',
] as const satisfies readonly (keyof TimeSeriesPoint)[];

/** Appended when the run synced to Neo4j (so files of runs without it stay as they always were). */
export const NEO4J_COLUMNS = [
  'neo4jQueueDepth',
  'neo4jMerged',
] as const satisfies readonly (keyof TimeSeriesPoint)[];

/** A time column's value at 3 decimals (s -> ms, ms -> µs), written in its shortest form. */
export function roundTime(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

const isTime = (c: string): boolean => c === 'tSec' || c.endsWith('Ms');

export function renderCsv(result: RunResult): string {
  const columns = result.neo4j ? [...TIMESERIES_COLUMNS, ...NEO4J_COLUMNS] : [...TIMESERIES_COLUMNS];
  const rows = result.timeseries.map((p) =>
    columns.map((c) => {
      const v = p[c];
      // Spelled out: csv-stringify would write booleans as "1" / "".
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      // Maintenance kinds whose window overlapped the interval, e.g. "rebuild+statistics".
      if (Array.isArray(v)) return v.join('+');
      if (typeof v === 'number' && isTime(c)) return roundTime(v);
      return v === undefined ? '' : String(v);
    }),
  );
  return stringify(rows, { header: true, columns, record_delimiter: 'unix' });
}
